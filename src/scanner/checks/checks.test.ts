/**
 * Each check against real loopback servers: alone (selected with `checks: [check]`, so it sends what it
 * needs by itself) on the lab endpoints that must trigger it and on the secure controls, plus targeted
 * servers for what the lab does not show (multi-label suffixes, hints, internal hosts, credentials,
 * preflight-only bypasses, false-positive guards).
 */
import http from 'node:http';
import cors from 'cors';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lab/index.js';
import { scanTarget } from '../index.js';
import type { Finding, TargetResult } from '../types.js';
import { checks } from './index.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let lab: Lab;
let server: http.Server;
let port = 0;
const routes = new Map<string, Handler>();

beforeAll(async () => {
  lab = await startLab();
  server = http.createServer((req, res) => {
    const handler = routes.get((req.url ?? '/').split('?')[0]!);
    if (handler === undefined) {
      res.writeHead(404).end();
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await lab.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Serves `handler` at `path` of the test server and scans it as `http://<host>:<port><path>`. */
async function scanWith(
  host: string,
  path: string,
  handler: Handler,
  options: Parameters<typeof scanTarget>[1] = {},
): Promise<TargetResult> {
  routes.set(path, handler);
  return scanTarget(`http://${host}:${port}${path}`, { resolve: [`${host}:127.0.0.1`], ...options });
}

/** A handler echoing Origin when `allow` says so. */
function rule(
  allow: (origin: string) => boolean,
  opts: {
    credentials?: boolean;
    vary?: boolean;
    status?: number;
    preflightOnly?: boolean;
    headers?: Record<string, string>;
  } = {},
): Handler {
  return (req, res) => {
    const origin = req.headers.origin;
    const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    for (const [n, v] of Object.entries(opts.headers ?? {})) res.setHeader(n, v);
    if (opts.vary !== false) res.setHeader('Vary', 'Origin');
    if (origin !== undefined && allow(origin) && (opts.preflightOnly !== true || isPreflight)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      if (opts.credentials !== false) res.setHeader('Access-Control-Allow-Credentials', 'true');
      if (isPreflight) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, PUT, DELETE');
        res.setHeader('Access-Control-Allow-Headers', 'content-type');
      }
    }
    res.statusCode = isPreflight ? 204 : (opts.status ?? 200);
    res.end(isPreflight ? '' : '{"data":"secret"}');
  };
}

const only = (result: TargetResult, id: string): Finding | undefined => result.findings.find((f) => f.check === id);
const rank = ['info', 'low', 'medium', 'high', 'critical'];
const worst = (result: TargetResult) => Math.max(-1, ...result.findings.map((f) => rank.indexOf(f.severity)));

describe('each check alone on the lab', () => {
  for (const check of checks) {
    it(`${check.id}: reported where expected, silent on the secure controls`, async () => {
      const positives = lab.endpoints.filter((e) => e.expected.includes(check.id));
      const negatives = lab.endpoints.filter((e) => e.secureControl && !e.expected.includes(check.id));
      expect(positives.length).toBeGreaterThan(0);
      for (const endpoint of [...positives, ...negatives]) {
        const result = await scanTarget(`${lab.httpsUrl}${endpoint.path}`, {
          resolve: lab.resolve,
          insecure: true,
          checks: [check],
          trustedOrigins: endpoint.origins ?? [],
        });
        expect(result.status, `${endpoint.path}: ${result.error ?? ''}`).toBe('ok');
        expect(
          result.findings.map((f) => f.check),
          endpoint.path,
        ).toEqual(endpoint.expected.includes(check.id) ? [check.id] : []);
        for (const f of result.findings) {
          expect(f.title).toBe(check.title);
          expect(f.poc).toContain('<!doctype html>');
          expect(f.rule.length).toBeGreaterThan(10);
          expect(f.evidence.response.status).toBeGreaterThan(0);
        }
      }
    });
  }
});

describe('targeted servers', () => {
  it('finds unescaped dots in a multi-label public suffix (www.target.co.uk)', async () => {
    const result = await scanWith(
      'www.target.co.uk',
      '/dot',
      rule((o) => /^http:\/\/www.target.co.uk(:\d+)?$/.test(o)),
    );
    const f = only(result, 'unescaped-dot');
    expect(f?.attackerOrigin).toMatch(/^http:\/\/(wwwxtarget\.co\.uk|www\.targetxco\.uk)$/);
    expect(result.findings.map((x) => x.check)).toEqual(['unescaped-dot']);
  });

  it('tries the backtick when `_` is a word character for the server', async () => {
    // \w includes `_`, so only the backtick ends the captured host early.
    const result = await scanWith(
      'api.target.com',
      '/backtick',
      rule((o) => /^http:\/\/([\w.-]+)/.exec(o)?.[1] === 'api.target.com'),
    );
    const f = only(result, 'special-char-bypass');
    expect(f?.attackerOrigin).toBe('http://api.target.com`.corsight-attacker.com');
    expect(f?.severity).toBe('high');
    expect(f?.detail).toContain(
      'Browsers that keep `` ` `` in a host and so can send this origin: Chromium (observed in 156), Safari.',
    );
  });

  it('builds bypasses around an --origin hint the server trusts', async () => {
    const result = await scanWith(
      'api.target.com',
      '/hint',
      rule((o) => o.startsWith('https://partner.example')),
      { trustedOrigins: ['https://partner.example'] },
    );
    expect(only(result, 'prefix-match')?.attackerOrigin).toBe('https://partner.example.corsight-attacker.com');
  });

  it('finds a null rule that exists only on preflights (a sandboxed page can pass the preflight)', async () => {
    const result = await scanWith(
      'api.target.com',
      '/pf-null',
      rule((o) => o === 'null', { preflightOnly: true }),
    );
    const f = only(result, 'null-origin-trusted');
    expect(f?.via).toBe('preflight');
    expect(f?.attackerOrigin).toBe('null');
  });

  it('finds a prefix bypass that exists only on preflights', async () => {
    const result = await scanWith(
      'api.target.com',
      '/pf-prefix',
      rule((o) => o.startsWith('http://api.target.com'), { preflightOnly: true }),
    );
    const f = only(result, 'prefix-match');
    expect(f?.via).toBe('preflight');
    expect(f?.severity).toBe('high');
    expect(f?.poc).toContain('"method":"PUT"');
  });

  it('raises uncredentialed reads on internal-looking hosts', async () => {
    const reflect = await scanWith(
      'intranet.corp',
      '/internal',
      rule(() => true, { credentials: false }),
    );
    expect(only(reflect, 'origin-reflected')?.severity).toBe('medium');
    const star = await scanWith('intranet.corp', '/internal-star', (_req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.end('{}');
    });
    expect(only(star, 'wildcard-origin')?.severity).toBe('medium');
  });

  it('downgrades a 401 by one level and says so', async () => {
    const result = await scanWith(
      'api.target.com',
      '/401',
      rule(() => true, { status: 401 }),
    );
    const f = only(result, 'origin-reflected');
    expect(f?.severity).toBe('medium');
    expect(f?.detail).toContain('Downgraded from high: this URL answered 401');
  });

  it('no false positives: only its own exact origin, or public `*`, never reaches high', async () => {
    const own = await scanWith(
      'api.target.com',
      '/own',
      rule((o) => o === `http://api.target.com:${port}`),
    );
    expect(own.findings).toEqual([]);
    const ownNoVary = await scanWith(
      'api.target.com',
      '/own-no-vary',
      rule((o) => o === `http://api.target.com:${port}`, { vary: false }),
    );
    expect(ownNoVary.findings.map((f) => f.check)).toEqual(['missing-vary-origin']);
    expect(worst(ownNoVary)).toBeLessThan(rank.indexOf('high'));
    const star = await scanWith('api.target.com', '/star', (_req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.end('{}');
    });
    expect(star.findings.map((f) => [f.check, f.severity])).toEqual([['wildcard-origin', 'info']]);
  });

  it('flags `Null` casing as an invalid value, not as null trust', async () => {
    const result = await scanWith('api.target.com', '/Null', (req, res) => {
      if (req.headers.origin === 'null') res.setHeader('Access-Control-Allow-Origin', 'Null');
      res.end('{}');
    });
    expect(only(result, 'null-origin-trusted')).toBeUndefined();
    const invalid = only(result, 'invalid-acao');
    expect(invalid?.severity).toBe('info');
    expect(invalid?.detail).toContain('only lowercase `null` matches the opaque origin');
  });

  it('notes user-supplied credentials, and grades PNA on an internal host as medium', async () => {
    const withCookie = await scanWith(
      'api.target.com',
      '/cookie',
      rule(() => true),
      { cookie: 'sid=abc' },
    );
    expect(only(withCookie, 'origin-reflected')?.detail).toContain('The scan sent your credentials');
    const pna = await scanWith('10.0.0.7', '/pna', (req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'PUT');
        if (req.headers['access-control-request-private-network'] === 'true') {
          res.setHeader('Access-Control-Allow-Private-Network', 'true');
        }
        res.statusCode = 204;
      }
      res.end();
    });
    expect(only(pna, 'private-network-access')?.severity).toBe('medium');
    expect(only(pna, 'wildcard-origin')?.severity).toBe('medium');
  });

  it('reports each trust class once, through the worst channel, and keeps running all checks', async () => {
    const result = await scanWith(
      'api.target.com',
      '/all',
      rule(() => true, { vary: false, headers: { 'Cache-Control': 'public, max-age=60' } }),
    );
    const ids = result.findings.map((f) => f.check).sort();
    expect(ids).toEqual(['missing-vary-origin', 'null-origin-trusted', 'origin-reflected']);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('configurations of the `cors` package seen in the wild', () => {
  const withCorsPackage =
    (options: cors.CorsOptions): Handler =>
    (req, res) =>
      cors(options)(req, res, () => {
        res.setHeader('Content-Type', 'application/json');
        res.end('{"data":"secret"}');
      });

  it('origin: true with credentials reflects everything, preflight headers included', async () => {
    const result = await scanWith('api.shop.test', '/cors-true', withCorsPackage({ origin: true, credentials: true }));
    expect(result.findings.map((f) => f.check).sort()).toEqual([
      'null-origin-trusted',
      'origin-reflected',
      'permissive-preflight',
    ]);
    expect(only(result, 'origin-reflected')?.severity).toBe('high');
  });

  it('origin: /shop\\.test$/ (the documented regex form) is a suffix match', async () => {
    const result = await scanWith(
      'api.shop.test',
      '/cors-regex',
      withCorsPackage({ origin: /shop\.test$/, credentials: true }),
    );
    expect(result.findings.map((f) => f.check)).toEqual(['suffix-match']);
    expect(only(result, 'suffix-match')?.attackerOrigin).toBe('http://attackershop.test');
  });

  it('an exact list is clean', async () => {
    const result = await scanWith(
      'api.shop.test',
      '/cors-list',
      withCorsPackage({ origin: ['http://app.shop.test'], credentials: true }),
    );
    expect(result.findings).toEqual([]);
  });
});
