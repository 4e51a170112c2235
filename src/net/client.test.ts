import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { useCleanup } from './__fixtures__/cleanup.js';
import { createHttpClient as createTransport } from './client.js';
import { Deadline } from './deadline.js';
import { NetError } from './errors.js';
import type { NetOptions } from './options.js';
import { closedPort, httpServer, httpsServer, rawServer, reflecting, scriptedServer } from './__fixtures__/servers.js';

const base: Partial<NetOptions> = {
  perHost: 4,
  rate: 0,
  timeout: 2000,
  retries: 0,
  retryDelay: 10,
  insecure: false,
  proxy: undefined,
  bodyCap: 4096,
  resolve: [],
};

const { cleanup, serve } = useCleanup();

describe('HTTP client', () => {
  it('keeps connections alive across requests to the same origin', async () => {
    const sockets = new Set<unknown>();
    const server = await serve(
      httpServer((req, res) => {
        sockets.add(req.socket);
        res.end('ok');
      }),
    );
    const transport = createTransport({ ...base, perHost: 1 });
    for (let i = 0; i < 5; i++) {
      const { response } = await transport.send({
        url: new URL(`${server.url}/${i}`),
        method: 'GET',
        headers: [['Host', `127.0.0.1:${server.port}`]],
      });
      expect(response).toMatchObject({ status: 200, bodySnippet: 'ok' });
    }
    await transport.close();
    expect(sockets.size).toBe(1);
    expect(transport.stats).toEqual({ requests: 5, retries: 0, rateLimited: 0 });
  });

  it('keeps a body that arrives in pieces, a character split between them included, up to the body cap', async () => {
    // "é" is two bytes in UTF-8 (C3 A9): the first piece ends inside it.
    const pieces = [Buffer.from('caf'), Buffer.from([0xc3]), Buffer.from([0xa9]), Buffer.from(' au lait')];
    const server = await serve(
      httpServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        const bodies = req.url === '/big' ? [Buffer.alloc(3000, 'a'), Buffer.alloc(3000, 'b')] : pieces;
        const next = (i: number) => {
          if (i === bodies.length) res.end();
          else res.write(bodies[i], () => setTimeout(() => next(i + 1), 20));
        };
        next(0);
      }),
    );
    const transport = createTransport(base);
    const split = await transport.send({ url: new URL(`${server.url}/split`), method: 'GET', headers: [] });
    const big = await transport.send({ url: new URL(`${server.url}/big`), method: 'GET', headers: [] });
    await transport.destroy();
    expect(split.response.bodySnippet).toBe('café au lait');
    expect(big.response.bodySnippet).toBe('a'.repeat(3000) + 'b'.repeat(4096 - 3000));
  });

  it('returns raw header lines: names as sent, repeats and order kept', async () => {
    const server = await serve(
      rawServer((socket) =>
        socket.once('data', () =>
          socket.end(
            'HTTP/1.1 200 OK\r\nVary: Origin\r\nACCESS-CONTROL-ALLOW-ORIGIN: https://a.example\r\nVary: Accept\r\nContent-Length: 2\r\n\r\nhi',
          ),
        ),
      ),
    );
    const transport = createTransport(base);
    const { response } = await transport.send({ url: new URL(server.url), method: 'GET', headers: [] });
    await transport.destroy();
    expect(response.headers).toEqual([
      ['Vary', 'Origin'],
      ['ACCESS-CONTROL-ALLOW-ORIGIN', 'https://a.example'],
      ['Vary', 'Accept'],
      ['Content-Length', '2'],
    ]);
  });

  it('retries connection failures with backoff, up to --retries, and counts the attempts', async () => {
    let connections = 0;
    const server = await serve(
      rawServer((socket) => {
        connections++;
        // The first two connections are reset; the third is answered.
        if (connections <= 2) socket.once('data', () => socket.resetAndDestroy());
        else socket.once('data', () => socket.end('HTTP/1.1 204 No Content\r\n\r\n'));
      }),
    );
    const transport = createTransport({ ...base, retries: 2 });
    const result = await transport.send({ url: new URL(server.url), method: 'GET', headers: [] });
    await transport.destroy();
    expect(result).toMatchObject({ attempts: 3, response: { status: 204 } });
    expect(transport.stats).toEqual({ requests: 3, retries: 2, rateLimited: 0 });
  });

  it('does not retry a timeout or an answer it could not parse', async () => {
    let connections = 0;
    const server = await serve(
      rawServer((socket) => {
        connections++;
        socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nBad Header\r\n\r\n'));
      }),
    );
    const transport = createTransport({ ...base, retries: 3 });
    await expect(transport.send({ url: new URL(server.url), method: 'GET', headers: [] })).rejects.toMatchObject({
      code: 'invalid-response',
    });
    await transport.destroy();
    expect(connections).toBe(1);
  });

  it('connects to the --resolve address while Host and TLS SNI keep the name', async () => {
    const server = await serve(
      httpsServer((req, res) =>
        res.end(`${req.headers.host}|${(req.socket as unknown as { servername?: string }).servername}`),
      ),
    );
    const transport = createTransport({
      ...base,
      insecure: true,
      resolve: ['api.scan.test:127.0.0.1'],
    });
    const { response } = await transport.send({
      url: new URL(`https://api.scan.test:${server.port}/`),
      method: 'GET',
      headers: [['Host', `api.scan.test:${server.port}`]],
    });
    await transport.close();
    expect(response.bodySnippet).toBe(`api.scan.test:${server.port}|api.scan.test`);
  });

  it('sends everything through --proxy (CONNECT), where the proxy resolves the name', async () => {
    const target = await serve(httpServer(reflecting));
    const tunnels: string[] = [];
    const proxy = net.createServer((client) => {
      client.once('data', (head) => {
        const line = head.toString('latin1').split('\r\n')[0] ?? '';
        tunnels.push(line);
        const upstream = net.connect(target.port, '127.0.0.1', () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
    const port = (proxy.address() as net.AddressInfo).port;
    const transport = createTransport({ ...base, proxy: `http://127.0.0.1:${port}` });
    const { response } = await transport.send({
      url: new URL(`http://only-the-proxy-knows.test:${target.port}/data`),
      method: 'GET',
      headers: [['Origin', 'https://a.example']],
    });
    await transport.destroy();
    expect(tunnels).toEqual([`CONNECT only-the-proxy-knows.test:${target.port} HTTP/1.1`]);
    expect(response.headers).toContainEqual(['Access-Control-Allow-Origin', 'https://a.example']);
  });

  it('names a refused connection with the host and the attempts', async () => {
    const port = await closedPort();
    const transport = createTransport({ ...base, retries: 1 });
    const failure = await transport
      .send({ url: new URL(`http://127.0.0.1:${port}/`), method: 'GET', headers: [] })
      .catch((e: unknown) => e);
    await transport.destroy();
    expect(failure).toBeInstanceOf(NetError);
    expect((failure as NetError).message).toBe(
      `ECONNREFUSED: connection refused by 127.0.0.1:${port} (after 2 attempts)`,
    );
  });

  it('abandons a request when the caller aborts, with the caller reason', async () => {
    const server = await serve(rawServer((socket) => socket.resume()));
    const transport = createTransport({ ...base, timeout: 60_000 });
    const controller = new AbortController();
    const pending = transport.send({ url: new URL(server.url), method: 'GET', headers: [], signal: controller.signal });
    setTimeout(() => controller.abort(new NetError('aborted', 'target finished')), 50);
    await expect(pending).rejects.toThrow('target finished');
    await transport.destroy();
  });

  it.each([
    ['HTTP/1.1 000 OK', /invalid status line \(status 000\)/],
    ['HTTP/1.1 099 Odd', /invalid status line \(status 099\)/],
    ['HTTP/1.1 2000 OK', /invalid HTTP response/],
    ['HELLO', /invalid HTTP response/],
  ])('reads a status line %j as an invalid response, never as assertion text', async (line, message) => {
    const server = await serve(
      rawServer((socket) => socket.once('data', () => socket.end(`${line}\r\nContent-Length: 2\r\n\r\nok`))),
    );
    const client = createTransport(base);
    cleanup.push(() => client.destroy());
    const outcome = await client.request({ url: new URL(server.url), method: 'GET', headers: [] });
    expect(outcome).toMatchObject({ outcome: 'failed', reason: 'invalid-response', attempts: 1 });
    if (outcome.outcome !== 'failed') return;
    expect(outcome.error.message).toMatch(message);
    expect(outcome.error.message).not.toMatch(/assert|ERR_ASSERTION|evaluated to a falsy/i);
  });

  it('waits out a 429 Retry-After (seconds), retries, and counts both requests', async () => {
    const times: number[] = [];
    const server = await serve(
      httpServer((_req, res) => {
        times.push(performance.now());
        if (times.length === 1) {
          res.writeHead(429, { 'Retry-After': '1' });
          res.end();
        } else res.end('ok');
      }),
    );
    const client = createTransport({ ...base, retries: 2 });
    cleanup.push(() => client.destroy());
    const outcome = await client.request({ url: new URL(server.url), method: 'GET', headers: [] });
    expect(outcome).toMatchObject({ outcome: 'answered', attempts: 2, response: { status: 200 } });
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect(client.stats).toEqual({ requests: 2, retries: 1, rateLimited: 1 });
  });

  it('honours a Retry-After given as an HTTP-date', async () => {
    let requests = 0;
    const server = await serve(
      httpServer((_req, res) => {
        if (requests++ === 0) {
          res.writeHead(429, { 'Retry-After': new Date(Date.now() + 1000).toUTCString() });
          res.end();
        } else res.end('ok');
      }),
    );
    const client = createTransport({ ...base, retries: 1 });
    cleanup.push(() => client.destroy());
    const outcome = await client.request({ url: new URL(server.url), method: 'GET', headers: [] });
    expect(outcome).toMatchObject({ outcome: 'answered', attempts: 2 });
  });

  it('gives up at once, rate-limited, when Retry-After asks for more than --max-retry-after', async () => {
    const server = await serve(
      httpServer((_req, res) => {
        res.writeHead(429, { 'Retry-After': '120' });
        res.end();
      }),
    );
    const client = createTransport({ ...base, retries: 3, maxRetryAfter: 1000 });
    cleanup.push(() => client.destroy());
    const t0 = performance.now();
    const outcome = await client.request({ url: new URL(server.url), method: 'GET', headers: [] });
    expect(outcome).toMatchObject({
      outcome: 'rate-limited',
      attempts: 1,
      retryAfter: 120_000,
      response: { status: 429 },
    });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('retries a 503 with backoff, then reports it rate-limited with every attempt counted', async () => {
    let requests = 0;
    const server = await serve(
      httpServer((_req, res) => {
        requests++;
        res.statusCode = 503;
        res.end('busy');
      }),
    );
    const client = createTransport({ ...base, retries: 2 });
    cleanup.push(() => client.destroy());
    const outcome = await client.request({ url: new URL(server.url), method: 'GET', headers: [] });
    expect(outcome).toMatchObject({ outcome: 'rate-limited', attempts: 3, retryAfter: undefined });
    expect(requests).toBe(3);
    // send() hands the last answer over: the server did answer, if only to say "not now".
    await expect(client.send({ url: new URL(server.url), method: 'GET', headers: [] })).resolves.toMatchObject({
      outcome: 'rate-limited',
      response: { status: 503, bodySnippet: 'busy' },
    });
  });

  it('gets every answer from a limiter that drops connections beyond two at once, by slowing down', async () => {
    let active = 0;
    let dropped = 0;
    const server = await serve(
      httpServer((req, res) => {
        if (active >= 2) {
          dropped++;
          req.socket.destroy();
          return;
        }
        active++;
        setTimeout(() => {
          active--;
          res.end('ok');
        }, 20);
      }),
    );
    const client = createTransport({ ...base, perHost: 8, retries: 5 });
    cleanup.push(() => client.destroy());
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        client.request({ url: new URL(`${server.url}/${i}`), method: 'GET', headers: [] }),
      ),
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(Array.from({ length: 16 }, () => 'answered'));
    expect(dropped).toBeGreaterThan(0);
    const attempts = outcomes.reduce((sum, o) => sum + o.attempts, 0);
    expect(client.stats.requests).toBe(attempts);
    expect(client.stats.retries).toBe(attempts - 16);
  });

  it('does not count time waiting for --rate against a deadline', async () => {
    const server = await serve(httpServer((_req, res) => res.end('ok')));
    const client = createTransport({ ...base, rate: 10 });
    cleanup.push(() => client.destroy());
    const deadline = new Deadline(300, () => new NetError('timeout', 'target timeout'));
    cleanup.push(() => {
      deadline.stop();
      return Promise.resolve();
    });
    const t0 = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        client.request({ url: new URL(`${server.url}/${i}`), method: 'GET', headers: [], signal: deadline.signal }),
      ),
    );
    expect(performance.now() - t0).toBeGreaterThan(1000);
    expect(outcomes.map((o) => o.outcome)).toEqual(Array.from({ length: 12 }, () => 'answered'));
    expect(deadline.signal.aborted).toBe(false);
  });

  it('still ends a request on the wire when the deadline passes', async () => {
    const server = await serve(rawServer((socket) => socket.resume()));
    const client = createTransport({ ...base, timeout: 10_000 });
    cleanup.push(() => client.destroy());
    const deadline = new Deadline(200, () => new NetError('timeout', 'target timeout after 200 ms'));
    const outcome = await client.request({
      url: new URL(server.url),
      method: 'GET',
      headers: [],
      signal: deadline.signal,
    });
    expect(outcome).toMatchObject({ outcome: 'failed', reason: 'timeout', attempts: 1 });
    if (outcome.outcome === 'failed') expect(outcome.error.message).toBe('target timeout after 200 ms');
  });

  it('reports a request abandoned while it waited for a place as not sent, and gives the place back', async () => {
    let release: (() => void) | undefined;
    const server = await serve(
      httpServer((req, res) => {
        if (req.url === '/slow') release = () => res.end('slow');
        else res.end('fast');
      }),
    );
    const client = createTransport({ ...base, perHost: 1 });
    cleanup.push(() => client.destroy());
    const slow = client.request({ url: new URL(`${server.url}/slow`), method: 'GET', headers: [] });
    const controller = new AbortController();
    const abandoned = client.request({
      url: new URL(`${server.url}/abandoned`),
      method: 'GET',
      headers: [],
      signal: controller.signal,
    });
    const next = client.request({ url: new URL(`${server.url}/next`), method: 'GET', headers: [] });
    controller.abort(new NetError('aborted', 'target finished'));
    await expect(abandoned).resolves.toMatchObject({ outcome: 'not-sent', reason: 'aborted', attempts: 0 });
    while (release === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await expect(slow).resolves.toMatchObject({ outcome: 'answered' });
    await expect(next).resolves.toMatchObject({ outcome: 'answered', response: { bodySnippet: 'fast' } });
    expect(client.stats.requests).toBe(2);
  });

  // The server would keep an idle connection 5 s (httpsServer's keepAliveTimeout): a close well before that is the
  // client's. A scan of an estate is done with each host after its target, and must not keep its connections open.
  it('closes a connection idle for a second, and keeps it under --rate, where requests are spaced on purpose', async () => {
    const closed: string[] = [];
    const watched = new WeakSet<object>();
    const server = await serve(
      httpsServer((req, res) => {
        // Each connection is named after its first request.
        if (!watched.has(req.socket)) {
          watched.add(req.socket);
          req.socket.once('close', () => closed.push(String(req.url)));
        }
        res.end('ok');
      }),
    );
    const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const fast = createTransport({ ...base, insecure: true });
    const paced = createTransport({ ...base, insecure: true, rate: 50 });
    cleanup.push(
      () => fast.destroy(),
      () => paced.destroy(),
    );
    await fast.send({ url: new URL(`${server.url}/fast`), method: 'GET', headers: [] });
    await paced.send({ url: new URL(`${server.url}/paced`), method: 'GET', headers: [] });
    await idle(2500);
    expect(closed).toEqual(['/fast']);
    // The paced client's connection is still the one it uses.
    await paced.send({ url: new URL(`${server.url}/paced-again`), method: 'GET', headers: [] });
    expect(closed).toEqual(['/fast']);
  });

  it('reads the answer after an unsolicited 100 Continue over TLS too', async () => {
    const server = await serve(
      httpsServer((_req, res) => {
        res.writeContinue();
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.end('ok');
      }),
    );
    const client = createTransport({ ...base, insecure: true });
    cleanup.push(() => client.destroy());
    const outcome = await client.request({ url: new URL(server.url), method: 'GET', headers: [] });
    expect(outcome).toMatchObject({ outcome: 'answered', response: { status: 200, bodySnippet: 'ok' } });
  });

  it('answers a kept-alive connection normally after interim responses', async () => {
    const server = await serve(
      scriptedServer((n) =>
        n % 2 === 0
          ? `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n${n}`
          : `HTTP/1.1 204 No Content\r\n\r\n`,
      ),
    );
    const client = createTransport({ ...base, perHost: 1 });
    cleanup.push(() => client.destroy());
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { response } = await client.send({ url: new URL(server.url), method: 'GET', headers: [] });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 204, 200, 204]);
  });
});
