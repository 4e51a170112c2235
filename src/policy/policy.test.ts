import { describe, expect, it } from 'vitest';
import {
  CorsConfigError,
  DEBUG_HEADER,
  appendVary,
  createPolicy,
  readHeader,
  type PolicyConfig,
  type PolicyDecision,
  type RequestHeaders,
} from './index.js';

const A = 'https://app.example.com';
const EVIL = 'https://evil.example.net';
const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

const credentialed: PolicyConfig = {
  origins: [A, 'https://*.example.org'],
  credentials: true,
  methods: ['PUT', 'delete', 'GET'],
  requestHeaders: ['Content-Type', 'x-token'],
  exposeHeaders: ['X-Request-Id', 'x-total'],
  maxAge: 600,
};
const open: PolicyConfig = { origins: ['*'], methods: ['*'], requestHeaders: '*', exposeHeaders: ['*'] };

type Row = [
  label: string,
  config: PolicyConfig,
  method: string,
  headers: Record<string, string>,
  expected: Partial<PolicyDecision> & { headers: Record<string, string> },
];

/** evaluate() as a table: every request kind x configuration branch. */
const rows: Row[] = [
  ['no Origin', credentialed, 'GET', {}, { kind: 'none', allowed: false, headers: { vary: 'Origin' } }],
  [
    'no Origin, OPTIONS',
    credentialed,
    'OPTIONS',
    { 'access-control-request-method': 'PUT' },
    { kind: 'none', allowed: false, headers: { vary: PREFLIGHT_VARY } },
  ],
  [
    'no Origin, all origins',
    open,
    'GET',
    {},
    {
      kind: 'none',
      allowed: false,
      headers: { 'access-control-allow-origin': '*', 'access-control-expose-headers': '*' },
    },
  ],
  [
    'allowed actual',
    credentialed,
    'POST',
    { origin: A },
    {
      kind: 'actual',
      allowed: true,
      headers: {
        'access-control-allow-origin': A,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-request-id, x-total',
        vary: 'Origin',
      },
    },
  ],
  [
    'allowed actual via wildcard',
    credentialed,
    'GET',
    { origin: 'https://a.example.org' },
    {
      kind: 'actual',
      allowed: true,
      headers: {
        'access-control-allow-origin': 'https://a.example.org',
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-request-id, x-total',
        vary: 'Origin',
      },
    },
  ],
  [
    'refused actual',
    credentialed,
    'GET',
    { origin: EVIL },
    { kind: 'actual', allowed: false, reason: 'origin not allowed', headers: { vary: 'Origin' } },
  ],
  [
    'refused actual, Origin null',
    credentialed,
    'GET',
    { origin: 'null' },
    { kind: 'actual', allowed: false, headers: { vary: 'Origin' } },
  ],
  [
    'all origins, actual',
    open,
    'DELETE',
    { origin: EVIL },
    {
      kind: 'actual',
      allowed: true,
      headers: { 'access-control-allow-origin': '*', 'access-control-expose-headers': '*' },
    },
  ],
  [
    'all origins, Origin null gets * (never a reflected null)',
    open,
    'GET',
    { origin: 'null' },
    {
      kind: 'actual',
      allowed: true,
      headers: { 'access-control-allow-origin': '*', 'access-control-expose-headers': '*' },
    },
  ],
  [
    'OPTIONS without ACRM is an actual request',
    credentialed,
    'OPTIONS',
    { origin: A },
    {
      kind: 'actual',
      allowed: true,
      headers: {
        'access-control-allow-origin': A,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-request-id, x-total',
        vary: PREFLIGHT_VARY,
      },
    },
  ],
  [
    'lower-case options is not a preflight',
    credentialed,
    'options',
    { origin: A, 'access-control-request-method': 'PUT' },
    {
      kind: 'actual',
      allowed: true,
      headers: {
        'access-control-allow-origin': A,
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-request-id, x-total',
        vary: 'Origin',
      },
    },
  ],
  [
    'granted preflight',
    credentialed,
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type,x-token' },
    {
      kind: 'preflight',
      allowed: true,
      status: 204,
      headers: {
        'access-control-allow-origin': A,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'PUT, DELETE',
        'access-control-allow-headers': 'content-type, x-token',
        'access-control-max-age': '600',
        vary: PREFLIGHT_VARY,
      },
    },
  ],
  [
    'granted preflight for a safelisted method, no ACRH',
    credentialed,
    'OPTIONS',
    { origin: 'https://x.example.org', 'access-control-request-method': 'GET' },
    {
      kind: 'preflight',
      allowed: true,
      status: 204,
      headers: {
        'access-control-allow-origin': 'https://x.example.org',
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'PUT, DELETE',
        'access-control-allow-headers': 'content-type, x-token',
        'access-control-max-age': '600',
        vary: PREFLIGHT_VARY,
      },
    },
  ],
  [
    'preflight, refused origin',
    credentialed,
    'OPTIONS',
    { origin: EVIL, 'access-control-request-method': 'PUT' },
    {
      kind: 'preflight',
      allowed: false,
      status: 403,
      reason: 'preflight refused: origin not allowed',
      headers: { vary: PREFLIGHT_VARY },
    },
  ],
  [
    'preflight, apex of a wildcard',
    credentialed,
    'OPTIONS',
    { origin: 'https://example.org', 'access-control-request-method': 'PUT' },
    { kind: 'preflight', allowed: false, status: 403, headers: { vary: PREFLIGHT_VARY } },
  ],
  [
    'preflight, refused method',
    credentialed,
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'PATCH' },
    {
      kind: 'preflight',
      allowed: false,
      status: 403,
      reason: 'preflight refused: method not allowed',
      headers: { vary: PREFLIGHT_VARY },
    },
  ],
  [
    'preflight, method case matters (put is not PUT)',
    credentialed,
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'put' },
    { kind: 'preflight', allowed: false, status: 403, headers: { vary: PREFLIGHT_VARY } },
  ],
  [
    'preflight, empty ACRM',
    credentialed,
    'OPTIONS',
    { origin: A, 'access-control-request-method': '' },
    { kind: 'preflight', allowed: false, status: 403, headers: { vary: PREFLIGHT_VARY } },
  ],
  [
    'preflight, refused header',
    credentialed,
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-token,x-evil' },
    {
      kind: 'preflight',
      allowed: false,
      status: 403,
      reason: 'preflight refused: request headers not allowed',
      headers: { vary: PREFLIGHT_VARY },
    },
  ],
  [
    'preflight, authorization not listed',
    credentialed,
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    { kind: 'preflight', allowed: false, status: 403, headers: { vary: PREFLIGHT_VARY } },
  ],
  [
    'preflight, private network not enabled',
    credentialed,
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'GET', 'access-control-request-private-network': 'true' },
    {
      kind: 'preflight',
      allowed: false,
      status: 403,
      reason: 'preflight refused: private network access not allowed',
      headers: { vary: PREFLIGHT_VARY },
    },
  ],
  [
    'preflight, private network enabled',
    { origins: [A], privateNetwork: true },
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'GET', 'access-control-request-private-network': 'true' },
    {
      kind: 'preflight',
      allowed: true,
      status: 204,
      headers: {
        'access-control-allow-origin': A,
        'access-control-allow-private-network': 'true',
        vary: PREFLIGHT_VARY + ', Access-Control-Request-Private-Network',
      },
    },
  ],
  [
    'preflight, private network enabled but not requested',
    { origins: [A], privateNetwork: true },
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'GET' },
    {
      kind: 'preflight',
      allowed: true,
      status: 204,
      headers: { 'access-control-allow-origin': A, vary: PREFLIGHT_VARY + ', Access-Control-Request-Private-Network' },
    },
  ],
  [
    'all origins: * for everything',
    open,
    'OPTIONS',
    { origin: EVIL, 'access-control-request-method': 'PURGE', 'access-control-request-headers': 'x-a,x-b' },
    {
      kind: 'preflight',
      allowed: true,
      status: 204,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': '*',
        'access-control-allow-headers': '*',
        vary: PREFLIGHT_VARY,
      },
    },
  ],
  [
    'all origins: authorization is never covered by *',
    open,
    'OPTIONS',
    { origin: EVIL, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    { kind: 'preflight', allowed: false, status: 403, headers: { vary: PREFLIGHT_VARY } },
  ],
  [
    'all origins with authorization listed',
    { origins: ['*'], requestHeaders: ['*', 'authorization'] },
    'OPTIONS',
    { origin: EVIL, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-a' },
    {
      kind: 'preflight',
      allowed: true,
      status: 204,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': '*, authorization',
        vary: PREFLIGHT_VARY,
      },
    },
  ],
  [
    'credentials with * methods and headers: validated ACRM/ACRH reflected',
    { origins: [A], credentials: true, methods: ['*'], requestHeaders: '*' },
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'PURGE', 'access-control-request-headers': 'x-a,x-b' },
    {
      kind: 'preflight',
      allowed: true,
      status: 204,
      headers: {
        'access-control-allow-origin': A,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'PURGE',
        'access-control-allow-headers': 'x-a,x-b',
        vary: PREFLIGHT_VARY,
      },
    },
  ],
  [
    'credentials with * methods: invalid ACRM refused',
    { origins: [A], credentials: true, methods: ['*'] },
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'PU T' },
    { kind: 'preflight', allowed: false, status: 403, headers: { vary: PREFLIGHT_VARY } },
  ],
  [
    'credentials with * headers: invalid ACRH refused',
    { origins: [A], credentials: true, requestHeaders: '*' },
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-a,\r\nset-cookie: a' },
    { kind: 'preflight', allowed: false, status: 403, headers: { vary: PREFLIGHT_VARY } },
  ],
  [
    'maxAge -1 sends 0',
    { origins: [A], maxAge: -1 },
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'GET' },
    {
      kind: 'preflight',
      allowed: true,
      status: 204,
      headers: { 'access-control-allow-origin': A, 'access-control-max-age': '0', vary: PREFLIGHT_VARY },
    },
  ],
  [
    'maxAge 0 sends nothing',
    { origins: [A], maxAge: 0 },
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'GET' },
    {
      kind: 'preflight',
      allowed: true,
      status: 204,
      headers: { 'access-control-allow-origin': A, vary: PREFLIGHT_VARY },
    },
  ],
  [
    'no requestHeaders: any ACRH element refused',
    { origins: [A] },
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-a' },
    { kind: 'preflight', allowed: false, status: 403, headers: { vary: PREFLIGHT_VARY } },
  ],
  [
    'no requestHeaders: empty ACRH fine',
    { origins: [A] },
    'OPTIONS',
    { origin: A, 'access-control-request-method': 'GET', 'access-control-request-headers': '' },
    {
      kind: 'preflight',
      allowed: true,
      status: 204,
      headers: { 'access-control-allow-origin': A, vary: PREFLIGHT_VARY },
    },
  ],
];

describe('evaluate', () => {
  it.each(rows)('%s', (_label, config, method, headers, expected) => {
    const decision = createPolicy(config).evaluate({ method, headers });
    const { headers: expectedHeaders, ...rest } = expected;
    expect({ ...decision.headers }).toEqual(expectedHeaders);
    expect(decision).toMatchObject(rest);
    expect(decision.status).toBe(rest.status);
  });

  // (Headers refuses CR, LF and NUL in values, so those rows only apply to records.)
  it.each(rows.filter((r) => !/[\r\n\0]/.test(Object.values(r[3]).join(''))))(
    '%s: same decision from a Fetch Headers object',
    (_label, config, method, headers, expected) => {
      const decision = createPolicy(config).evaluate({ method, headers: new Headers(headers) });
      const { headers: expectedHeaders, ...rest } = expected;
      expect({ ...decision.headers }).toEqual(expectedHeaders);
      expect(decision).toMatchObject(rest);
    },
  );

  it('never sends ACAC or ACAO on a refusal, and never reflects an unlisted origin', () => {
    for (const [, config, method, headers] of rows) {
      const d = createPolicy(config).evaluate({ method, headers });
      if (!d.allowed) {
        expect(d.headers['access-control-allow-credentials']).toBeUndefined();
        if (d.kind === 'preflight') expect(d.headers['access-control-allow-origin']).toBeUndefined();
      }
      const acao = d.headers['access-control-allow-origin'];
      if (acao !== undefined && acao !== '*') expect(acao).toBe(headers.origin);
    }
  });

  it('never copies a request Vary (GHSA-q7jf-gf43-6x6p) or any other request header', () => {
    const d = createPolicy(credentialed).evaluate({
      method: 'GET',
      headers: { origin: A, vary: 'Cookie, X-Evil', 'x-token': 'secret' },
    });
    expect(d.headers.vary).toBe('Origin');
    expect(Object.values(d.headers).join('\n')).not.toMatch(/Cookie|X-Evil|secret/);
  });

  it('reads repeated headers: arrays are joined, two Origins match nothing', () => {
    const p = createPolicy(credentialed);
    expect(p.evaluate({ method: 'GET', headers: { origin: [A] } }).allowed).toBe(true);
    expect(p.evaluate({ method: 'GET', headers: { origin: [A, A] } }).allowed).toBe(false);
    const pre = p.evaluate({
      method: 'OPTIONS',
      headers: {
        origin: A,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': ['content-type', 'x-token'],
      },
    });
    expect(pre.allowed).toBe(true);
    const h = new Headers();
    h.append('access-control-request-headers', 'content-type');
    h.append('access-control-request-headers', 'x-token');
    h.set('origin', A);
    h.set('access-control-request-method', 'PUT');
    expect(p.evaluate({ method: 'OPTIONS', headers: h }).allowed).toBe(true);
  });

  it('never throws on hostile input', () => {
    const p = createPolicy(credentialed);
    const weird: unknown[] = [
      { method: 'GET', headers: { origin: 42 } },
      { method: 'GET', headers: { origin: [1, 2] } },
      { method: undefined, headers: {} },
      { method: 'OPTIONS', headers: { origin: A, 'access-control-request-method': ['PUT', 'PUT'] } },
      { method: 'OPTIONS', headers: null },
      { method: 'OPTIONS', headers: { get: () => null } },
      { method: 'OPTIONS', headers: { get: () => 7 } },
      null,
    ];
    for (const request of weird) expect(() => p.evaluate(request as never)).not.toThrow();
  });

  it('returns the same frozen decision for repeated exact-origin requests (nothing allocated)', () => {
    const p = createPolicy(credentialed);
    const a = p.evaluate({ method: 'GET', headers: { origin: A } });
    const b = p.evaluate({ method: 'GET', headers: { origin: A } });
    expect(a).toBe(b);
    expect(Object.isFrozen(a.headers)).toBe(true);
    const pre = { origin: A, 'access-control-request-method': 'PUT' };
    expect(p.evaluate({ method: 'OPTIONS', headers: pre })).toBe(p.evaluate({ method: 'OPTIONS', headers: pre }));
  });
});

describe('debug mode', () => {
  it('is off by default and switchable at run time', () => {
    const p = createPolicy(credentialed);
    expect(p.debug).toBe(false);
    const req = { method: 'OPTIONS', headers: { origin: A, 'access-control-request-method': 'PATCH' } };
    expect(p.evaluate(req).headers[DEBUG_HEADER]).toBeUndefined();
    p.debug = true;
    const d = p.evaluate(req);
    expect(d.status).toBe(403);
    expect(d.reason).toBe(
      'preflight refused at step "method": method "PATCH" is not allowed (allowed: GET, HEAD, POST, PUT, DELETE)',
    );
    expect(d.headers[DEBUG_HEADER]).toBe(d.reason);
    expect(d.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'origin',
      { origin: 'https://evil.example\u0000"\\', 'access-control-request-method': 'GET' },
      'preflight refused at step "origin": origin "https://evil.example\\x00\\x22\\x5c" is not allowed',
    ],
    [
      'headers',
      { origin: A, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-token,x-\u2028' },
      'preflight refused at step "headers": request header "x-\\u{2028}" is not allowed (or listed twice, or not a valid name)',
    ],
    [
      'headers too long',
      { origin: A, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'a'.repeat(5000) },
      'preflight refused at step "headers": Access-Control-Request-Headers is 5000 characters long, longer than any allowed list',
    ],
    [
      'private-network',
      { origin: A, 'access-control-request-method': 'GET', 'access-control-request-private-network': 'true' },
      'preflight refused at step "private-network": Access-Control-Request-Private-Network: true, but privateNetwork is not enabled',
    ],
  ])('names the failing step "%s" with attacker values escaped', (_step, headers, reason) => {
    const p = createPolicy({ ...credentialed, debug: true });
    const d = p.evaluate({ method: 'OPTIONS', headers });
    expect(d.reason).toBe(reason);
    // A header value must be printable ASCII: no CR, LF, NUL or non-ASCII from the request.
    expect(d.headers[DEBUG_HEADER]).toMatch(/^[\x20-\x7e]+$/);
  });

  it('truncates long attacker values', () => {
    const p = createPolicy({ ...credentialed, debug: true });
    const d = p.evaluate({
      method: 'OPTIONS',
      headers: { origin: 'https://' + 'e'.repeat(10_000), 'access-control-request-method': 'GET' },
    });
    expect(d.reason!.length).toBeLessThan(200);
    expect(d.reason).toContain('(10008 chars)');
  });

  it('explains refused actual requests in reason only (no debug header outside preflights)', () => {
    const p = createPolicy({ ...credentialed, debug: true });
    const d = p.evaluate({ method: 'GET', headers: { origin: EVIL } });
    expect(d.reason).toBe(`request refused at step "origin": origin "${EVIL}" is not allowed`);
    expect(d.headers[DEBUG_HEADER]).toBeUndefined();
  });
});

describe('reconfigure', () => {
  it('swaps in a valid configuration', () => {
    const p = createPolicy({ origins: [A] });
    p.reconfigure({ origins: [EVIL], credentials: true });
    expect(p.evaluate({ method: 'GET', headers: { origin: A } }).allowed).toBe(false);
    expect(p.evaluate({ method: 'GET', headers: { origin: EVIL } }).headers['access-control-allow-credentials']).toBe(
      'true',
    );
    expect(p.config.origins).toEqual([EVIL]);
  });

  it('keeps the old policy when the new one is invalid', () => {
    const p = createPolicy({ origins: [A] });
    expect(() => p.reconfigure({ origins: ['*'], credentials: true })).toThrow(CorsConfigError);
    expect(p.evaluate({ method: 'GET', headers: { origin: A } }).allowed).toBe(true);
    expect(p.evaluate({ method: 'GET', headers: { origin: EVIL } }).allowed).toBe(false);
    expect(p.config.origins).toEqual([A]);
  });

  it('takes debug from the new configuration only when given', () => {
    const p = createPolicy({ origins: [A] });
    p.debug = true;
    p.reconfigure({ origins: [A] });
    expect(p.debug).toBe(true);
    p.reconfigure({ origins: [A], debug: false });
    expect(p.debug).toBe(false);
  });
});

describe('helpers', () => {
  it.each<[string | string[] | undefined, string, string]>([
    [undefined, 'Origin', 'Origin'],
    ['', 'Origin', 'Origin'],
    ['Accept-Encoding', 'Origin', 'Accept-Encoding, Origin'],
    ['origin', 'Origin', 'origin'],
    ['*', 'Origin', '*'],
    ['Accept, *', 'Origin', 'Accept, *'],
    [['Accept', 'Cookie'], 'Origin', 'Accept, Cookie, Origin'],
    ['Origin', PREFLIGHT_VARY, 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
  ])('appendVary(%j, %j) = %j', (existing, add, expected) => {
    expect(appendVary(existing, add)).toBe(expected);
  });

  it.each<[RequestHeaders, string | undefined]>([
    [{ origin: A }, A],
    [{ origin: [A] }, A],
    [{ origin: [A, 'b'] }, `${A}, b`],
    [{}, undefined],
    [new Headers({ origin: A }), A],
    [new Headers(), undefined],
  ])('readHeader(%j)', (headers, expected) => {
    expect(readHeader(headers, 'origin')).toBe(expected);
  });
});
