/**
 * Property tests (fast-check): for random valid configurations and random requests, (1) no response the policy
 * produces lets a browser, as modelled by `corsight/browser`, read as an origin (or with credentials, a method,
 * a header) the configuration does not allow; (2) `evaluate` never throws and only ever emits header values an
 * HTTP stack accepts, whatever bytes the request carries; (3) huge ACRH values are refused.
 *
 * The "does the configuration allow it" side is an independent oracle written with the URL parser, not with
 * the policy's own matcher.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateFetch, type Transport } from '../browser/index.js';
import { createPolicy, readHeader, validatePolicy, type PolicyConfig } from './index.js';

const EXACT = [
  'https://app.example.com',
  'https://example.com',
  'http://localhost:3000',
  'https://a.example.org',
  'https://[::1]:8443',
];
const PATTERNS = [
  'https://*.example.com',
  'https://*.a.example.org',
  'http://localhost:*',
  'https://*.example.net:*',
  'http://127.0.0.1:*',
];
/** Page origins: allowed ones, their look-alikes, subdomains, ports, opaque. */
const PAGES = [
  ...EXACT,
  'https://x.example.com',
  'https://x.y.example.com',
  'https://example.com.evil.net',
  'https://evilexample.com',
  'http://example.com',
  'https://app.example.com:8443',
  'http://localhost',
  'http://localhost:8080',
  'https://localhost:3000',
  'http://a.localhost:3000',
  'https://b.a.example.org',
  'https://example.org',
  'https://b.example.net:8443',
  'https://example.net',
  'http://127.0.0.1:5173',
  'http://127.0.0.2:5173',
  'null',
];
const METHODS = ['PUT', 'DELETE', 'PATCH', 'purge'];
const REQUEST_HEADERS = ['x-a', 'x-b', 'content-type', 'authorization'];

const configArb: fc.Arbitrary<PolicyConfig> = fc
  .record({
    star: fc.boolean(),
    origins: fc.uniqueArray(fc.constantFrom(...EXACT, ...PATTERNS), { minLength: 1, maxLength: 6 }),
    credentials: fc.boolean(),
    methods: fc.oneof(fc.constant<string[]>(['*']), fc.subarray(METHODS)),
    requestHeaders: fc.oneof(
      fc.constant<'*' | string[]>('*'),
      fc.constant<string[]>(['*', 'authorization']),
      fc.subarray(REQUEST_HEADERS),
    ),
    exposeHeaders: fc.oneof(fc.constant<string[]>(['*']), fc.subarray(['x-e', 'x-f'])),
    maxAge: fc.constantFrom(undefined, -1, 0, 5, 600),
  })
  .map(({ star, origins, credentials, methods, requestHeaders, exposeHeaders, maxAge }) => {
    const config: PolicyConfig = {
      origins: star ? ['*'] : origins,
      credentials: star ? false : credentials,
      methods,
      requestHeaders,
      exposeHeaders: !star && credentials && exposeHeaders[0] === '*' ? ['x-e'] : exposeHeaders,
      dangerouslyAllowInsecureOrigins: true,
    };
    if (maxAge !== undefined) config.maxAge = maxAge;
    return config;
  })
  .filter((config) => validatePolicy(config).every((p) => p.severity !== 'error'));

/** Independent oracle: does `config` list `origin`? (URL parser based.) */
function oracleAllowsOrigin(config: PolicyConfig, origin: string): boolean {
  if (config.origins.includes('*')) return true;
  if (origin === 'null') return false;
  const o = new URL(origin);
  for (const pattern of config.origins) {
    if (typeof pattern !== 'string') continue; // resolvers are not generated here
    if (pattern === origin) return true;
    let p = pattern;
    const anyPort = p.endsWith(':*');
    if (anyPort) p = p.slice(0, -2);
    const sub = p.includes('://*.');
    if (sub) p = p.replace('://*.', '://');
    const u = new URL(p);
    if (u.protocol !== o.protocol) continue;
    const hostOk = sub ? o.hostname.endsWith('.' + u.hostname) : o.hostname === u.hostname;
    if (hostOk && (anyPort || u.port === o.port)) return true;
  }
  return false;
}

const TARGET = 'https://api.target.test/resource';

/** A server that answers with the policy: preflights as decided, everything else 200 with two extra headers. */
function transportFor(policy: ReturnType<typeof createPolicy>): Transport {
  return async (req) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of req.headers) {
      const key = name.toLowerCase();
      headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
    }
    const d = policy.evaluate({ method: req.method, headers });
    const lines = Object.entries<string>(d.headers);
    if (d.kind === 'preflight') return { status: d.status!, headers: lines };
    return { status: 200, headers: [...lines, ['x-e', 'secret'], ['content-type', 'text/plain']] };
  };
}

const requestArb = fc.record({
  origin: fc.constantFrom(...PAGES),
  method: fc.constantFrom('GET', 'POST', 'HEAD', ...METHODS),
  headers: fc.subarray(REQUEST_HEADERS),
  credentials: fc.constantFrom<'omit' | 'same-origin' | 'include'>('omit', 'same-origin', 'include'),
});

const VALUES: Record<string, string> = {
  'x-a': '1',
  'x-b': '2',
  'content-type': 'application/json',
  authorization: 'Bearer t',
};

describe('policy properties', () => {
  it('a browser never reads a response as an origin, with credentials, a method or a header the configuration does not allow', async () => {
    await fc.assert(
      fc.asyncProperty(configArb, requestArb, async (config, req) => {
        const policy = createPolicy(config);
        const outcome = await simulateFetch(
          {
            origin: req.origin,
            url: TARGET,
            method: req.method,
            headers: Object.fromEntries(req.headers.map((h) => [h, VALUES[h]!])),
            credentials: req.credentials,
            mode: 'cors',
          },
          transportFor(policy),
        );
        if (!outcome.allowed) return;
        expect(outcome.response!.type).toBe('cors');
        expect(oracleAllowsOrigin(config, req.origin)).toBe(true);
        if (req.credentials === 'include') expect(config.credentials).toBe(true);
        if (outcome.preflighted) {
          const preflight = outcome.requests[0]!;
          const acrm = preflight.headers.find(([n]) => n.toLowerCase() === 'access-control-request-method')?.[1] ?? '';
          if (!['GET', 'HEAD', 'POST'].includes(acrm)) {
            expect(config.methods![0] === '*' || config.methods!.includes(acrm)).toBe(true);
          }
          const acrh = preflight.headers.find(([n]) => n.toLowerCase() === 'access-control-request-headers')?.[1] ?? '';
          for (const name of acrh.split(',').filter(Boolean)) {
            const rh = config.requestHeaders!;
            const listed = rh === '*' ? false : rh.includes(name);
            const star = rh === '*' || rh.includes('*');
            expect(listed || (star && name !== 'authorization')).toBe(true);
          }
        }
        if (outcome.response!.exposedHeaders.includes('x-e')) {
          expect(config.exposeHeaders!.includes('x-e') || config.exposeHeaders![0] === '*').toBe(true);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('allowed configured origins really are readable (the policy is not just refusing everything)', async () => {
    await fc.assert(
      fc.asyncProperty(configArb, fc.constantFrom(...EXACT), async (config, origin) => {
        fc.pre(config.origins.includes(origin) || config.origins.includes('*'));
        const outcome = await simulateFetch(
          { origin, url: TARGET, method: 'GET', credentials: config.credentials ? 'include' : 'omit' },
          transportFor(createPolicy(config)),
        );
        expect(outcome.allowed).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  /** Arbitrary header values: any UTF-16 code units, repeated values as arrays, huge runs. */
  const valueArb = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom(',', ' ', '\t', 'a', 'A', '-', '*', '"', '\u0000', '\r', '\n', 'é', '\u2028'),
      maxLength: 200,
    }),
    fc.constantFrom(...PAGES, 'https://APP.example.com', 'https://app.example.com:443', 'https://x.example.com.', ''),
    fc
      .tuple(fc.constantFrom(',', ' ,', 'x-a,', 'a'), fc.integer({ min: 1, max: 1 << 18 }))
      .map(([s, n]) => s.repeat(n)),
  );
  const headersArb = fc.record(
    {
      origin: fc.oneof(valueArb, fc.array(valueArb, { maxLength: 3 })),
      'access-control-request-method': fc.oneof(
        valueArb,
        fc.constantFrom('PUT', 'GET', 'purge'),
        fc.array(valueArb, { maxLength: 2 }),
      ),
      'access-control-request-headers': fc.oneof(valueArb, fc.array(valueArb, { maxLength: 3 })),
      'access-control-request-private-network': fc.constantFrom('true', 'false', 'TRUE'),
      vary: valueArb,
    },
    { requiredKeys: [] },
  );
  const methodArb = fc.oneof(
    fc.constantFrom('OPTIONS', 'GET', 'POST', 'options', 'PUT'),
    fc.string({ unit: 'binary', maxLength: 10 }),
  );

  it('evaluate never throws, and every emitted header value is one Node and Fetch accept; ACAO is * or a listed origin', () => {
    fc.assert(
      fc.property(configArb, methodArb, headersArb, fc.boolean(), (config, method, headers, debug) => {
        const policy = createPolicy({ ...config, debug });
        const d = policy.evaluate({ method, headers });
        expect(['preflight', 'actual', 'none']).toContain(d.kind);
        for (const [name, value] of Object.entries(d.headers)) {
          // Printable ASCII and HTAB only: what setHeader and Headers accept without throwing.
          expect(value).toMatch(/^[\t\x20-\x7e]*$/);
          expect(() => new Headers([[name, value]])).not.toThrow();
        }
        const acao = d.headers['access-control-allow-origin'];
        if (acao !== undefined && acao !== '*') {
          expect(acao).toBe(readHeader(headers, 'origin'));
          expect(oracleAllowsOrigin(config, acao)).toBe(true);
        }
        if (!d.allowed) expect(d.headers['access-control-allow-credentials']).toBeUndefined();
        if (d.kind === 'preflight') expect(d.status).toBe(d.allowed ? 204 : 403);
        else expect(d.status).toBeUndefined();
      }),
      { numRuns: 1500 },
    );
  });

  it('the same request through Headers and through a record gets the same decision', () => {
    fc.assert(
      fc.property(
        configArb,
        fc.constantFrom('GET', 'OPTIONS'),
        fc.constantFrom(...PAGES),
        fc.subarray(['x-a', 'x-b', 'content-type', 'authorization', 'x-a']),
        (config, method, origin, acrh) => {
          const record = {
            origin,
            'access-control-request-method': 'PUT',
            'access-control-request-headers': acrh.join(','),
          };
          const policy = createPolicy(config);
          const a = policy.evaluate({ method, headers: record });
          const b = policy.evaluate({ method, headers: new Headers(record) });
          expect({ ...b, headers: { ...b.headers } }).toEqual({ ...a, headers: { ...a.headers } });
        },
      ),
      { numRuns: 300 },
    );
  });
});
