import { request as httpRequest, createServer, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, startStandIn, type StandIn, type StandInEndpoint } from './index.js';

/** GETs `path` from an endpoint with a given Host header; returns the status and body. */
function get(
  endpoint: StandInEndpoint,
  tls: boolean,
  host: string,
  path: string,
  ca?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options = { host: endpoint.address, port: endpoint.port, path, headers: { host } };
    const done = (res: IncomingMessage) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    };
    const req = tls ? httpsRequest({ ...options, ca, servername: 'stand-in.test' }, done) : httpRequest(options, done);
    req.on('error', reject);
    req.end();
  });
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('the stand-in', () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startStandIn({ certificate: createSelfSignedCertificate({ altNames: ['stand-in.test'] }) });
  });
  afterAll(() => standIn.close());

  it('maps exactly the origin host:port to its listener of the same scheme', async () => {
    const secure = await standIn.standFor('https://app.test');
    expect(secure.origin).toBe('https://app.test');
    expect(secure.rules).toEqual([`MAP app.test:443 127.0.0.1:${secure.endpoint.port}`]);
    const plain = await standIn.standFor('http://APP.test:8080');
    expect(plain.origin).toBe('http://app.test:8080');
    expect(plain.rules).toEqual([`MAP app.test:8080 127.0.0.1:${plain.endpoint.port}`]);
    expect(plain.endpoint.port).not.toBe(secure.endpoint.port);
  });

  it('serves a page at its URL only, over its certificate, and logs every request', async () => {
    const { endpoint } = await standIn.standFor('https://app.test');
    standIn.serve('https://app.test/page', '<p>hello</p>');
    const ca = standIn.certificate.cert;
    expect(await get(endpoint, true, 'app.test', '/page', ca)).toEqual({ status: 200, body: '<p>hello</p>' });
    expect((await get(endpoint, true, 'app.test', '/other', ca)).status).toBe(404);
    expect((await get(endpoint, true, 'other.test', '/page', ca)).status).toBe(404);
    const plain = (await standIn.standFor('http://app.test')).endpoint;
    expect((await get(plain, false, 'app.test', '/page')).status).toBe(404);
    standIn.withdraw('https://app.test/page');
    expect((await get(endpoint, true, 'app.test', '/page', ca)).status).toBe(404);
    expect(standIn.requests.slice(-5)).toEqual([
      { host: 'app.test', url: '/page', tls: true },
      { host: 'app.test', url: '/other', tls: true },
      { host: 'other.test', url: '/page', tls: true },
      { host: 'app.test', url: '/page', tls: false },
      { host: 'app.test', url: '/page', tls: true },
    ]);
  });

  it('the null origin: a loopback page that holds the opaque frame, no rule needed', async () => {
    const served = await standIn.standFor('null');
    expect(served.rules).toEqual([]);
    expect(served.origin).toBe(`http://127.0.0.1:${served.endpoint.port}`);
    standIn.serve(`${served.origin}/`, 'null page');
    expect(await get(served.endpoint, false, `127.0.0.1:${served.endpoint.port}`, '/')).toEqual({
      status: 200,
      body: 'null page',
    });
  });

  it('an IP-literal or localhost origin: owns that very port (once), or says why it cannot', async () => {
    const port = await freePort();
    const served = await standIn.standFor(`http://127.0.0.1:${port}`);
    expect(served).toEqual({
      origin: `http://127.0.0.1:${port}`,
      rules: [],
      endpoint: { address: '127.0.0.1', port, family: 4 },
    });
    expect(await standIn.standFor(`http://127.0.0.1:${port}`)).toEqual(served);
    const local = await freePort();
    expect((await standIn.standFor(`http://localhost:${local}`)).endpoint.port).toBe(local);
    await expect(standIn.standFor(`http://127.0.0.1:${served.endpoint.port}`)).resolves.toEqual(served);
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = (busy.address() as AddressInfo).port;
    try {
      await expect(standIn.standFor(`https://127.0.0.1:${busyPort}`)).rejects.toThrow(
        `cannot stand in for origin https://127.0.0.1:${busyPort}: port ${busyPort} on 127.0.0.1 is not free`,
      );
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
    await expect(standIn.standFor('http://192.0.2.1')).rejects.toThrow('its host is a non-loopback IP address');
    await expect(standIn.standFor('ftp://app.test')).rejects.toThrow('only http and https origins are served');
    await expect(standIn.standFor('app.test')).rejects.toThrow('cannot stand in for origin app.test: it is not a URL');
  });

  it("with localhost: 'map', a localhost origin is mapped like any name", async () => {
    const mapping = await startStandIn({ localhost: 'map' });
    try {
      const served = await mapping.standFor('http://localhost:3000');
      expect(served.rules).toEqual([`MAP localhost:3000 127.0.0.1:${served.endpoint.port}`]);
    } finally {
      await mapping.close();
    }
  });
});
