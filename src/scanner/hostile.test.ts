/**
 * Hostile servers: each must give its own target a `status: 'error'` result naming what happened, within the
 * request timeout, while the well-behaved targets of the same run get their full results. Real sockets on
 * loopback; nothing mocked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { createScanner, type ScanTargetResult } from './scanner.js';
import {
  closedPort,
  httpServer,
  httpsServer,
  rawServer,
  reflecting,
  reflectionCheck,
  preflightCheck,
  type TestServer,
} from './__fixtures__/servers.js';

// Long enough for a well-behaved loopback target on a loaded 2-core CI machine.
const timeout = 1500;
const servers: Record<string, TestServer> = {};
const timers = new Set<NodeJS.Timeout>();
function trickle(socket: Socket, text: string, every: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) {
      clearInterval(timer);
      return;
    }
    socket.write(text[i % text.length]!);
    i++;
  }, every);
  timers.add(timer);
  socket.on('close', () => clearInterval(timer));
}

beforeAll(async () => {
  servers.good = await httpServer(reflecting);
  servers.goodTls = await httpsServer(reflecting);
  // Accepts the connection, reads the request, never answers.
  servers.silent = await rawServer((socket) => socket.resume());
  // Accepts TCP, then never answers the TLS ClientHello; and one that resets on it.
  servers.silentTls = await rawServer((socket) => socket.resume());
  servers.resetTls = await rawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
  // Answers one byte at a time, forever: a status line and headers that never end.
  servers.slowHeaders = await rawServer((socket) => {
    socket.once('data', () => trickle(socket, 'HTTP/1.1 200 OK\r\nX-Slow: ' + 'a'.repeat(10_000), 20));
  });
  // Complete headers, then a body one byte at a time.
  servers.slowBody = await rawServer((socket) => {
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nAccess-Control-Allow-Origin: *\r\n\r\n');
      trickle(socket, 'x', 20);
    });
  });
  // Resets every connection as soon as the request arrives (RST, not FIN).
  servers.reset = await rawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
  // Closes the connection without a word after the request.
  servers.hangUp = await rawServer((socket) => socket.once('data', () => socket.end()));
  // 64 KiB of headers.
  servers.hugeHeaders = await rawServer((socket) => {
    socket.once('data', () => {
      const headers = Array.from({ length: 1024 }, (_, i) => `X-Filler-${i}: ${'h'.repeat(56)}\r\n`).join('');
      socket.end(`HTTP/1.1 200 OK\r\n${headers}Content-Length: 0\r\n\r\n`);
    });
  });
  // An endless body: the scanner must read its cap and stop.
  servers.hugeBody = await rawServer((socket) => {
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nAccess-Control-Allow-Origin: *\r\n\r\n');
      const chunk = 'y'.repeat(64 * 1024);
      const pump = () => {
        while (!socket.destroyed && socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
  });
  // A NUL byte inside a header value, and a space inside a header name.
  servers.badHeaderValue = await rawServer((socket) => {
    socket.once('data', () =>
      socket.end('HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: a\u0000b\r\nContent-Length: 0\r\n\r\n'),
    );
  });
  servers.badHeaderName = await rawServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n'));
  });
  // Promises 1000 body bytes, sends 10 and hangs up.
  servers.shortBody = await rawServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789'));
  });
  // Not HTTP at all.
  servers.garbage = await rawServer((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.2\r\n')));
  // Redirects to itself forever, and through ever new paths.
  servers.loop = await httpServer((req, res) => {
    res.writeHead(302, { Location: req.url === '/a' ? '/b' : '/a' });
    res.end();
  });
  servers.chain = await httpServer((req, res) => {
    res.writeHead(301, { Location: `/${Number((req.url ?? '/0').slice(1)) + 1}` });
    res.end();
  });
});

afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  await Promise.all(Object.values(servers).map((server) => server.close()));
});

function url(name: string, path = '/'): string {
  return `${servers[name]!.url}${path}`;
}

describe('hostile servers', () => {
  it('gives each hostile target its own error and every good target its findings, in one run', async () => {
    const refused = await closedPort();
    const hostile: Record<string, [string, RegExp]> = {
      silent: [url('silent'), new RegExp(`^timeout after ${timeout} ms waiting for response headers$`)],
      slowHeaders: [url('slowHeaders'), new RegExp(`^timeout after ${timeout} ms waiting for response headers$`)],
      slowBody: [url('slowBody'), new RegExp(`^timeout after ${timeout} ms reading the response body$`)],
      reset: [url('reset'), /^ECONNRESET: connection reset by 127\.0\.0\.1:\d+ \(after 2 attempts\)$/],
      hangUp: [url('hangUp'), /^connection closed by 127\.0\.0\.1:\d+ \(other side closed\) \(after 2 attempts\)$/],
      shortBody: [url('shortBody'), /^connection closed by 127\.0\.0\.1:\d+ while reading the response body \(/],
      hugeHeaders: [url('hugeHeaders'), /^response headers too large \(over the 16 KiB limit\)/],
      badHeaderValue: [
        url('badHeaderValue'),
        /^invalid HTTP response from 127\.0\.0\.1:\d+: Invalid header value char$/,
      ],
      badHeaderName: [url('badHeaderName'), /^invalid HTTP response from 127\.0\.0\.1:\d+: Invalid header token$/],
      garbage: [url('garbage'), /^invalid HTTP response from 127\.0\.0\.1:\d+: Expected HTTP\//],
      loop: [
        url('loop', '/a'),
        /^redirect loop: http:\/\/127\.0\.0\.1:\d+\/a -> http:\/\/127\.0\.0\.1:\d+\/b -> http:\/\/127\.0\.0\.1:\d+\/a$/,
      ],
      chain: [url('chain', '/0'), /^too many redirects \(more than 5\)/],
      selfSigned: [
        `https://localhost:${servers.goodTls!.port}/`,
        /^TLS: self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\); use --insecure to scan it anyway$/,
      ],
      plainOnTls: [
        `https://127.0.0.1:${servers.good!.port}/`,
        /^TLS: the server does not speak TLS on this port \(ERR_SSL_WRONG_VERSION_NUMBER\)$/,
      ],
      silentTls: [
        `https://127.0.0.1:${servers.silentTls!.port}/`,
        new RegExp(`^timeout after ${timeout} ms connecting to 127\\.0\\.0\\.1:\\d+$`),
      ],
      resetTls: [
        `https://127.0.0.1:${servers.resetTls!.port}/`,
        /^ECONNRESET: connection reset by 127\.0\.0\.1:\d+ \(after 2 attempts\)$/,
      ],
      refused: [
        `http://127.0.0.1:${refused}/`,
        new RegExp(`^ECONNREFUSED: connection refused by 127\\.0\\.0\\.1:${refused} \\(after 2 attempts\\)$`),
      ],
      dns: ['http://no-such-host.invalid/', /^DNS: no address for no-such-host\.invalid \(ENOTFOUND\)$/],
    };
    const good = Array.from({ length: 6 }, (_, i) => url('good', `/ok${i}`));
    const targets = [...Object.values(hostile).map(([target]) => target), ...good];
    const scanner = createScanner({
      checks: [reflectionCheck, preflightCheck],
      timeout,
      retries: 1,
      retryDelay: 10,
      followRedirects: true,
      concurrency: 8,
    });
    const results = new Map<string, ScanTargetResult>();
    for await (const result of scanner.scan(targets)) {
      expect(results.has(result.url)).toBe(false);
      results.set(result.url, result);
    }
    await scanner.close();

    expect(results.size).toBe(targets.length);
    for (const [name, [target, message]] of Object.entries(hostile)) {
      const result = results.get(target);
      expect({ name, status: result?.status }).toEqual({ name, status: 'error' });
      expect({ name, error: result?.error }).toEqual({ name, error: expect.stringMatching(message) });
      expect(result?.findings).toEqual([]);
    }
    for (const target of good) {
      expect(results.get(target)).toMatchObject({ status: 'ok', requests: 3 });
      expect(results.get(target)?.findings).toHaveLength(2);
    }
  });

  it('reads only the capped start of an endless body and finishes the target normally', async () => {
    const seen: string[] = [];
    const check = {
      ...reflectionCheck,
      async run(ctx: Parameters<typeof reflectionCheck.run>[0]) {
        seen.push((await ctx.send({ method: 'GET', origin: 'https://a.example' })).response.bodySnippet);
        return { outcome: 'clear' as const, findings: [] };
      },
    };
    const scanner = createScanner({ checks: [check], timeout, bodyCap: 4096 });
    const result = await scanner.scanTarget(url('hugeBody'));
    await scanner.close();
    expect(result.status).toBe('ok');
    expect(seen).toEqual(['y'.repeat(4096)]);
  });

  it('stops probing a host once it has timed out, instead of waiting out every probe', async () => {
    let requests = 0;
    const server = await rawServer((socket) => {
      socket.on('data', (data) => {
        // Answer the baseline (no Origin); hang on every probe that carries an Origin.
        requests++;
        if (!data.toString('latin1').includes('\r\nOrigin:')) {
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
        }
      });
    });
    const many = {
      ...reflectionCheck,
      async run(ctx: Parameters<typeof reflectionCheck.run>[0]) {
        await Promise.all(
          Array.from({ length: 30 }, (_, i) => ctx.send({ method: 'GET', origin: `https://a${i}.example` })),
        );
        return { outcome: 'clear' as const, findings: [] };
      },
    };
    const scanner = createScanner({ checks: [many], timeout, perHost: 2, retries: 0 });
    const result = await scanner.scanTarget(`${server.url}/`);
    await scanner.close();
    await server.close();
    expect(result).toMatchObject({
      status: 'error',
      error: `timeout after ${timeout} ms waiting for response headers`,
    });
    // The baseline plus the two probes that took the two per-host places; the other 28 never went out.
    expect(requests).toBe(3);
  });
});
