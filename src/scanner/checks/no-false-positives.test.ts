/**
 * No false positives against a secure server: corsight's own middleware (`withCors` from the node adapter)
 * configured with random exact allowlists, with or without credentials, private-network grants and extra
 * methods/headers, must get no finding above info and no trust finding at all; `'*'` without credentials
 * gets exactly `wildcard-origin` at info.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCors } from '../../adapters/node.js';
import type { PolicyConfig } from '../../policy/index.js';
import { scanTarget } from '../index.js';
import { checkIds } from './index.js';

let server: http.Server;
let port = 0;
let current: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void> = (_req, res) => {
  res.end();
};

beforeAll(async () => {
  server = http.createServer((req, res) => void current(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

const host = 'api.shop.test';
// The classes that say "an origin that should not be trusted is trusted".
const trustIds = new Set<string>([
  'origin-reflected',
  'null-origin-trusted',
  'prefix-match',
  'suffix-match',
  'substring-match',
  'unescaped-dot',
  'special-char-bypass',
  'insecure-origin-trusted',
  'any-subdomain-trusted',
  'third-party-origin-trusted',
  'localhost-trusted',
]);
const ownOrigin = () => `http://${host}:${port}`;
// Realistic exact allowlist entries: the front ends, the API itself, a partner, a staging host.
const originPool = [
  'http://shop.test',
  'http://www.shop.test',
  'http://app.shop.test',
  'https://partner.example',
  'http://staging.shop.test:8080',
];

const configArb = fc.record({
  origins: fc.subarray(originPool, { minLength: 1 }),
  includeOwn: fc.boolean(),
  credentials: fc.boolean(),
  privateNetwork: fc.boolean(),
  methods: fc.subarray(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], { minLength: 1 }),
  requestHeaders: fc.subarray(['content-type', 'authorization', 'x-requested-with']),
});

describe('no false positives on corsight middleware with exact allowlists', () => {
  it('names real check ids', () => {
    for (const id of trustIds) expect(checkIds).toContain(id);
  });

  it('never reports a trust class, and nothing above info', async () => {
    await fc.assert(
      fc.asyncProperty(configArb, async (c) => {
        const config: PolicyConfig = {
          origins: c.includeOwn ? [...c.origins, ownOrigin()] : c.origins,
          credentials: c.credentials,
          privateNetwork: c.privateNetwork,
          methods: c.methods,
          requestHeaders: c.requestHeaders,
          dangerouslyAllowInsecureOrigins: true,
        };
        current = withCors(config, (_req, res) => {
          res.setHeader('Content-Type', 'application/json');
          res.end('{"ok":true}');
        });
        const result = await scanTarget(`http://${host}:${port}/data`, { resolve: [`${host}:127.0.0.1`] });
        expect(result.status).toBe('ok');
        const loud = result.findings
          .filter((f) => f.severity !== 'info')
          .map((f) => `${f.check} ${f.severity}: ${f.detail}`);
        expect(loud, JSON.stringify(config)).toEqual([]);
        expect(result.findings.filter((f) => trustIds.has(f.check)).map((f) => f.check)).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });

  it("'*' without credentials: exactly wildcard-origin, at info", async () => {
    current = withCors({ origins: ['*'] }, (_req, res) => {
      res.end('{"public":true}');
    });
    const result = await scanTarget(`http://${host}:${port}/public`, { resolve: [`${host}:127.0.0.1`] });
    expect(result.findings.map((f) => [f.check, f.severity])).toEqual([['wildcard-origin', 'info']]);
  });
});
