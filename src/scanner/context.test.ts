import { afterEach, describe, expect, it } from 'vitest';
import { createProbeContext } from './context.js';
import { ProbeError } from './errors.js';
import { createTransport, type ProbeTransport } from './transport.js';
import { closedPort, httpServer, rawServer, reflecting, type TestServer } from './__fixtures__/servers.js';

const open: { server?: TestServer; transport?: ProbeTransport }[] = [];
afterEach(async () => {
  for (const { server, transport } of open.splice(0)) {
    await transport?.destroy();
    await server?.close();
  }
});

function transport(timeout = 2000): ProbeTransport {
  const t = createTransport({
    perHost: 4,
    rate: 0,
    timeout,
    retries: 0,
    retryDelay: 10,
    insecure: false,
    proxy: undefined,
    bodyCap: 4096,
    resolve: [],
  });
  open.push({ transport: t });
  return t;
}

describe('createProbeContext', () => {
  it('refuses a probe without a method: it rejects with a TypeError and never goes out', async () => {
    let requests = 0;
    const server = await httpServer((req, res) => {
      requests++;
      reflecting(req, res);
    });
    open.push({ server });
    const ctx = createProbeContext({ url: new URL(`${server.url}/x`), transport: transport() });
    const invalid = { method: '', origin: 'https://a.example' };
    await expect(ctx.outcome(invalid)).rejects.toThrow(TypeError);
    await expect(ctx.send(invalid)).rejects.toThrow('ProbeRequest.method must be a non-empty string');
    expect(ctx.asked).toEqual([]);
    expect(requests).toBe(0);
  });

  it('sends identical probes once: same method, origin and headers in any order or case', async () => {
    const seen: string[] = [];
    const server = await httpServer((req, res) => {
      seen.push(`${req.method} ${req.headers.origin ?? '-'} ${req.headers['access-control-request-method'] ?? ''}`);
      reflecting(req, res);
    });
    open.push({ server });
    const ctx = createProbeContext({ url: new URL(`${server.url}/x`), transport: transport() });
    const preflight = (headers: [string, string][]) =>
      ctx.send({ method: 'OPTIONS', origin: 'https://a.example', headers });
    const results = await Promise.all([
      ctx.baseline(),
      ctx.send({ method: 'GET', origin: null }),
      ctx.send({ method: 'GET', origin: 'https://a.example' }),
      ctx.send({ method: 'GET', origin: 'https://a.example', headers: [] }),
      preflight([
        ['Access-Control-Request-Method', 'PUT'],
        ['Access-Control-Request-Headers', 'x-a'],
      ]),
      preflight([
        ['access-control-request-headers', 'x-a'],
        ['ACCESS-CONTROL-REQUEST-METHOD', 'PUT'],
      ]),
      ctx.send({ method: 'GET', origin: 'null' }),
    ]);
    expect(seen.sort()).toEqual(['GET - ', 'GET https://a.example ', 'GET null ', 'OPTIONS https://a.example PUT']);
    expect(ctx.requests).toBe(4);
    expect(results[0]).toBe(results[1]);
    expect(results[2]).toBe(results[3]);
    expect(results[4]).toBe(results[5]);
    expect(results[6]?.request.headers).toContainEqual(['Origin', 'null']);
    expect(results[0]?.request.headers.some(([name]) => name === 'Origin')).toBe(false);
  });

  it('says whether probes carry credentials (Cookie or Authorization) and keeps the user headers', async () => {
    const server = await httpServer(reflecting);
    open.push({ server });
    const url = new URL(server.url);
    expect(createProbeContext({ url, transport: transport() }).hasCredentials).toBe(false);
    expect(createProbeContext({ url, transport: transport(), headers: [['cookie', 'a=b']] }).hasCredentials).toBe(true);
    const ctx = createProbeContext({
      url,
      transport: transport(),
      headers: [
        ['Authorization', 'Bearer t'],
        ['Accept', 'application/json'],
      ],
      method: 'POST',
      trustedOrigins: ['https://app.example'],
    });
    expect(ctx.hasCredentials).toBe(true);
    expect(ctx.method).toBe('POST');
    expect(ctx.trustedOrigins).toEqual(['https://app.example']);
    const exchange = await ctx.baseline();
    expect(exchange.request.method).toBe('POST');
    expect(exchange.request.headers.filter(([name]) => name.toLowerCase() === 'accept')).toEqual([
      ['Accept', 'application/json'],
    ]);
  });

  it('after a host-wide failure, fails every further probe at once with the same error', async () => {
    const port = await closedPort();
    const ctx = createProbeContext({ url: new URL(`http://127.0.0.1:${port}/`), transport: transport() });
    const first = await ctx.baseline().catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ProbeError);
    expect(ctx.failure).toBe(first);
    await expect(ctx.send({ method: 'GET', origin: 'https://other.example' })).rejects.toBe(first);
    expect(ctx.requests).toBe(1);
  });

  it('fails only the probe that got a garbage answer, not the target', async () => {
    const server = await rawServer((socket) =>
      socket.on('data', (data) => {
        if (data.toString('latin1').includes('Origin: https://waf-bait.example')) socket.end('garbage\r\n\r\n');
        else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
      }),
    );
    open.push({ server });
    const ctx = createProbeContext({ url: new URL(server.url), transport: transport() });
    await expect(ctx.send({ method: 'GET', origin: 'https://waf-bait.example' })).rejects.toMatchObject({
      code: 'invalid-response',
    });
    expect(ctx.failure).toBeUndefined();
    expect((await ctx.send({ method: 'GET', origin: 'https://fine.example' })).response.status).toBe(200);
  });
});
