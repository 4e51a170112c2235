/**
 * `invalid-acao` says what the header really held: a list of two legitimate origins is not the attacker's origin
 * being named (issue 10, item 11).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTarget } from '../index.js';

let server: http.Server;
let port = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    // Two proxies' worth of CORS: a fixed list of the owner's origins, whatever the request's Origin.
    if (req.headers.origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', 'https://app.example.com, https://admin.example.com');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('invalid-acao', () => {
  it('states what Access-Control-Allow-Origin held, and never that it named the attacker when it did not', async () => {
    const result = await scanTarget(`http://api.target.com:${port}/list`, {
      resolve: ['api.target.com:127.0.0.1'],
      select: ['invalid-acao'],
    });
    const [finding] = result.findings;
    expect(finding?.check).toBe('invalid-acao');
    expect(finding?.detail).toContain(
      'Access-Control-Allow-Origin held `https://app.example.com, https://admin.example.com`, which does not name `http://corsight-attacker.com`;',
    );
    expect(finding?.detail).not.toContain('names `http://corsight-attacker.com`');
  });
});
