import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeError } from './errors.js';
import { parseResolve } from './options.js';
import { createTransport, type TransportOptions } from './transport.js';
import { closedPort, httpServer, httpsServer, rawServer, reflecting, type TestServer } from './__fixtures__/servers.js';

const base: TransportOptions = {
  perHost: 4,
  rate: 0,
  timeout: 2000,
  retries: 0,
  retryDelay: 10,
  insecure: false,
  proxy: undefined,
  bodyCap: 4096,
  resolveRules: [],
};

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
async function serve(server: Promise<TestServer>): Promise<TestServer> {
  const s = await server;
  cleanup.push(() => s.close());
  return s;
}

describe('transport', () => {
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
    expect(transport.stats).toEqual({ requests: 5, retries: 0 });
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
    expect(transport.stats).toEqual({ requests: 3, retries: 2 });
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
      resolveRules: [parseResolve('api.scan.test:127.0.0.1')],
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
    expect(failure).toBeInstanceOf(ProbeError);
    expect((failure as ProbeError).message).toBe(
      `ECONNREFUSED: connection refused by 127.0.0.1:${port} (after 2 attempts)`,
    );
  });

  it('abandons a request when the caller aborts, with the caller reason', async () => {
    const server = await serve(rawServer((socket) => socket.resume()));
    const transport = createTransport({ ...base, timeout: 60_000 });
    const controller = new AbortController();
    const pending = transport.send({ url: new URL(server.url), method: 'GET', headers: [], signal: controller.signal });
    setTimeout(() => controller.abort(new ProbeError('aborted', 'target finished')), 50);
    await expect(pending).rejects.toThrow('target finished');
    await transport.destroy();
  });
});
