import { describe, expect, it } from 'vitest';
import {
  CorsConfigError,
  CorsConfigProblem,
  PROBLEM_CODES,
  createPolicy,
  validatePolicy,
  type ProblemCode,
} from './index.js';

type Case = [label: string, config: unknown, codes: ProblemCode[]];

/** A host name of exactly `n` characters (labels of up to 63). */
function hostOf(n: number): string {
  const labels: string[] = [];
  let left = n;
  while (left > 0) {
    const size = Math.min(63, left === 64 ? 62 : left);
    labels.push('a'.repeat(size));
    left -= size + 1;
  }
  return labels.join('.');
}
/** The longest hosts a `*.` (or `a-*.`) pattern's suffix can have and still leave room for one more label. */
const HOST_252 = hostOf(252);
const HOST_250 = hostOf(250);

/** A two-element list with a hole between the elements: `[a, , b]`. */
function sparse(a: string, b: string): string[] {
  const list = new Array<string>(3);
  list[0] = a;
  list[2] = b;
  return list;
}

/** A configuration behind a Proxy whose `get` trap throws. */
function throwingProxy(): object {
  return new Proxy(
    { origins: ['https://a.example.com'] },
    {
      get() {
        throw new Error('revoked');
      },
    },
  );
}

const cred = { credentials: true };
/** Each row: a configuration and exactly the problem codes it must produce, in order. */
const cases: Case[] = [
  ['not an object', 'https://a.example.com', ['config-not-object']],
  ['null config', null, ['config-not-object']],
  ['array config', [], ['config-not-object']],
  ['typo in an option name', { origin: ['https://a.example.com'] }, ['unknown-option', 'origins-missing']],
  ['non-boolean credentials', { origins: ['https://a.example.com'], credentials: 'yes' }, ['invalid-type']],
  ['non-array origins', { origins: 'https://a.example.com' }, ['invalid-type']],
  ['regex origin', { origins: [/example\.com$/] }, ['invalid-type']],
  ['missing origins', {}, ['origins-missing']],
  ['empty origins', { origins: [] }, ['origins-empty']],
  ['* mixed with origins', { origins: ['*', 'https://a.example.com'] }, ['origin-wildcard-mixed']],
  ['* with credentials', { origins: ['*'], ...cred }, ['origin-wildcard-with-credentials']],
  ['null origin', { origins: ['null'] }, ['origin-null']],
  ['NULL origin', { origins: ['NULL'] }, ['origin-null']],
  ['file origin', { origins: ['file://'] }, ['origin-file-scheme']],
  ['no scheme', { origins: ['example.com'] }, ['origin-malformed']],
  ['no //', { origins: ['https:example.com'] }, ['origin-malformed']],
  ['no host', { origins: ['https://'] }, ['origin-malformed']],
  ['garbage after IPv6', { origins: ['http://[::1]x'] }, ['origin-malformed']],
  ['path', { origins: ['https://a.example.com/app'] }, ['origin-path']],
  ['trailing slash', { origins: ['https://a.example.com/'] }, ['origin-trailing-slash']],
  ['query', { origins: ['https://a.example.com?x=1'] }, ['origin-query']],
  ['fragment', { origins: ['https://a.example.com#top'] }, ['origin-query']],
  ['userinfo', { origins: ['https://user:pw@a.example.com'] }, ['origin-userinfo']],
  ['default https port', { origins: ['https://a.example.com:443'] }, ['origin-default-port']],
  ['default http port', { origins: ['http://localhost:80'] }, ['origin-default-port']],
  ['port 0', { origins: ['https://a.example.com:0'] }, ['origin-bad-port']],
  ['port 65536', { origins: ['https://a.example.com:65536'] }, ['origin-bad-port']],
  ['port with leading zero', { origins: ['https://a.example.com:08080'] }, ['origin-bad-port']],
  ['empty port', { origins: ['https://a.example.com:'] }, ['origin-bad-port']],
  ['uppercase host', { origins: ['https://App.Example.com'] }, ['origin-uppercase']],
  ['uppercase scheme', { origins: ['HTTPS://app.example.com'] }, ['origin-uppercase']],
  ['non-ASCII host', { origins: ['https://bücher.example'] }, ['origin-non-ascii-host']],
  ['bad host characters', { origins: ['https://a b.example.com'] }, ['origin-bad-host']],
  ['empty label', { origins: ['https://a..example.com'] }, ['origin-bad-host']],
  ['label too long', { origins: [`https://${'a'.repeat(64)}.example.com`] }, ['origin-bad-host']],
  ['non-canonical IPv4', { origins: ['http://127.1'] }, ['origin-bad-host']],
  ['IPv4 with leading zeros', { origins: ['http://127.000.0.1'] }, ['origin-bad-host']],
  ['non-canonical IPv6', { origins: ['http://[0:0::1]'] }, ['origin-bad-host']],
  ['invalid IPv6', { origins: ['http://[::g]'] }, ['origin-bad-host']],
  ['unterminated IPv6', { origins: ['http://[::1'] }, ['origin-bad-host']],
  ['trailing dot', { origins: ['https://a.example.com.'] }, ['origin-trailing-dot']],
  ['* inside a label', { origins: ['https://a*.example.com'] }, ['origin-bad-wildcard']],
  ['* as a middle label', { origins: ['https://a.*.example.com'] }, ['origin-bad-wildcard']],
  ['*. before an IPv4', { origins: ['http://*.127.0.0.1'] }, ['origin-bad-wildcard']],
  ['*. before an IPv6', { origins: ['http://*.[::1]'] }, ['origin-bad-wildcard']],
  ['http with credentials', { origins: ['http://a.example.com'], ...cred }, ['origin-insecure-with-credentials']],
  [
    'http wildcard with credentials',
    { origins: ['http://*.example.com'], ...cred },
    ['origin-insecure-with-credentials'],
  ],
  ['*.github.io', { origins: ['https://*.github.io'] }, ['origin-public-suffix-wildcard']],
  ['*.co.uk', { origins: ['https://*.co.uk'] }, ['origin-public-suffix-wildcard']],
  ['*.com', { origins: ['https://*.com'] }, ['origin-public-suffix-wildcard']],
  ['duplicate origin', { origins: ['https://a.example.com', 'https://a.example.com'] }, ['origin-duplicate']],
  [
    'origin covered by a wildcard',
    { origins: ['https://*.example.com', 'https://a.example.com'] },
    ['origin-redundant', 'any-subdomain-trusted'],
  ],
  [
    'port covered by :*',
    { origins: ['http://localhost:*', 'http://localhost:3000'] },
    ['origin-redundant', 'localhost-trusted', 'localhost-trusted'],
  ],
  ['invalid method', { origins: ['https://a.example.com'], methods: ['GET POST'] }, ['method-invalid']],
  ['* among methods', { origins: ['https://a.example.com'], methods: ['*', 'PUT'] }, ['method-invalid']],
  ['non-string method', { origins: ['https://a.example.com'], methods: [1] }, ['invalid-type']],
  ['methods not an array', { origins: ['https://a.example.com'], methods: 'PUT' }, ['invalid-type']],
  ['CONNECT', { origins: ['https://a.example.com'], methods: ['CONNECT'] }, ['method-forbidden']],
  ['trace (any case)', { origins: ['https://a.example.com'], methods: ['trace'] }, ['method-forbidden']],
  ['TRACK', { origins: ['https://a.example.com'], methods: ['TRACK'] }, ['method-forbidden']],
  [
    'duplicate after normalization',
    { origins: ['https://a.example.com'], methods: ['delete', 'DELETE'] },
    ['method-duplicate'],
  ],
  ['invalid header name', { origins: ['https://a.example.com'], requestHeaders: ['x y'] }, ['header-invalid']],
  [
    'forbidden request header',
    { origins: ['https://a.example.com'], requestHeaders: ['Cookie'] },
    ['header-forbidden'],
  ],
  [
    'sec- request header',
    { origins: ['https://a.example.com'], requestHeaders: ['sec-fetch-mode'] },
    ['header-forbidden'],
  ],
  [
    'proxy- request header',
    { origins: ['https://a.example.com'], requestHeaders: ['proxy-authorization'] },
    ['header-forbidden'],
  ],
  [
    'CORS response header as request header',
    { origins: ['https://a.example.com'], requestHeaders: ['access-control-allow-origin'] },
    ['header-prohibited'],
  ],
  [
    'duplicate request header',
    { origins: ['https://a.example.com'], requestHeaders: ['X-Token', 'x-token'] },
    ['header-duplicate'],
  ],
  [
    'name next to * in requestHeaders',
    { origins: ['https://a.example.com'], requestHeaders: ['*', 'x-token'] },
    ['header-duplicate'],
  ],
  ['requestHeaders not an array', { origins: ['https://a.example.com'], requestHeaders: 'x-token' }, ['invalid-type']],
  [
    'forbidden response header exposed',
    { origins: ['https://a.example.com'], exposeHeaders: ['Set-Cookie'] },
    ['header-forbidden'],
  ],
  [
    'CORS header exposed',
    { origins: ['https://a.example.com'], exposeHeaders: ['access-control-allow-origin'] },
    ['header-prohibited'],
  ],
  [
    'safelisted header exposed',
    { origins: ['https://a.example.com'], exposeHeaders: ['Content-Type'] },
    ['header-safelisted'],
  ],
  [
    'duplicate exposed header',
    { origins: ['https://a.example.com'], exposeHeaders: ['x-id', 'X-Id'] },
    ['header-duplicate'],
  ],
  ['invalid exposed header', { origins: ['https://a.example.com'], exposeHeaders: ['x:id'] }, ['header-invalid']],
  [
    'exposed * with credentials',
    { origins: ['https://a.example.com'], exposeHeaders: ['*'], ...cred },
    ['expose-wildcard-with-credentials'],
  ],
  ['exposed * mixed', { origins: ['https://a.example.com'], exposeHeaders: ['*', 'x-id'] }, ['expose-wildcard-mixed']],
  ['maxAge not a number', { origins: ['https://a.example.com'], maxAge: '600' }, ['invalid-type']],
  ['maxAge fractional', { origins: ['https://a.example.com'], maxAge: 1.5 }, ['max-age-not-integer']],
  ['maxAge too large', { origins: ['https://a.example.com'], maxAge: 86401 }, ['max-age-out-of-range']],
  ['maxAge too small', { origins: ['https://a.example.com'], maxAge: -2 }, ['max-age-out-of-range']],
  ['privateNetwork with *', { origins: ['*'], privateNetwork: true }, ['private-network-with-wildcard-origin']],
  ['whitespace around an origin', { origins: [' https://a.example.com\n'] }, ['origin-whitespace']],
  ['a lower-case registered method', { origins: ['https://a.example.com'], methods: ['patch'] }, ['method-case']],
  ['preflightStatus 201', { origins: ['https://a.example.com'], preflightStatus: 201 }, ['preflight-status-invalid']],
  [
    'preflightStatus as a string',
    { origins: ['https://a.example.com'], preflightStatus: '200' },
    ['preflight-status-invalid'],
  ],
  ['Origin exposed', { origins: ['https://a.example.com'], exposeHeaders: ['Origin'] }, ['header-prohibited']],
  [
    'a CORS request header exposed',
    { origins: ['https://a.example.com'], exposeHeaders: ['Access-Control-Request-Headers'] },
    ['header-prohibited'],
  ],
  ['invalid punycode', { origins: ['http://xn--f'] }, ['origin-bad-host']],
  ['invalid punycode under a wildcard', { origins: ['https://*.xn--f.example.com'] }, ['origin-bad-host']],
  ['a wildcard that can never match', { origins: [`https://*.${HOST_252}`] }, ['origin-bad-wildcard']],
  ['a label prefix that can never match', { origins: [`https://a-*.${HOST_250}`] }, ['origin-bad-wildcard']],
  ['a sparse origins list', { origins: sparse('https://a.example.com', 'https://b.example.com') }, ['invalid-type']],
  ['a sparse methods list', { origins: ['https://a.example.com'], methods: sparse('PUT', 'PATCH') }, ['invalid-type']],
  [
    'a sparse requestHeaders list',
    { origins: ['https://a.example.com'], requestHeaders: sparse('x-a', 'x-b') },
    ['invalid-type'],
  ],
  [
    'a sparse exposeHeaders list',
    { origins: ['https://a.example.com'], exposeHeaders: sparse('x-a', 'x-b') },
    ['invalid-type'],
  ],
  ['a Proxy whose trap throws', throwingProxy(), ['config-unreadable']],
  [
    'a getter that throws',
    {
      origins: ['https://a.example.com'],
      get maxAge(): number {
        throw new Error('boom');
      },
    },
    ['config-unreadable'],
  ],
  [
    'a label wildcard under a public suffix',
    { origins: ['https://myapp-*.vercel.app'] },
    ['origin-public-suffix-wildcard'],
  ],
  ['a label wildcard under a TLD', { origins: ['https://myapp-*.com'] }, ['origin-public-suffix-wildcard']],
  ['a label prefix without "-"', { origins: ['https://app*.example.com'] }, ['origin-bad-wildcard']],
  ['a label prefix of "-" alone', { origins: ['https://-*.example.com'] }, ['origin-bad-wildcard']],
  ['a label prefix with a bad character', { origins: ['https://a+b-*.example.com'] }, ['origin-bad-wildcard']],
  ['a label prefix before an IP', { origins: ['http://a-*.127.0.0.1'] }, ['origin-bad-wildcard']],
  [
    'an exact origin covered by a label prefix',
    { origins: ['https://pr-*.example.com', 'https://pr-1.example.com'] },
    ['origin-redundant', 'any-subdomain-trusted'],
  ],
  [
    'foreign option names',
    { origins: ['https://a.example.com'], allowedHeaders: ['x-a'], preflightContinue: true },
    ['unknown-option', 'unknown-option'],
  ],
  ['two resolvers', { origins: [() => true, () => false] }, ['origin-resolver-multiple']],
  ['a resolver with *', { origins: ['*', () => true] }, ['origin-wildcard-mixed']],
  ['originCache not an object', { origins: [() => true], originCache: 10 }, ['origin-cache-invalid']],
  [
    'originCache with bad numbers and an unknown key',
    { origins: [() => true], originCache: { max: 0, ttlMs: 1.5, size: 3 } },
    ['origin-cache-invalid', 'origin-cache-invalid', 'origin-cache-invalid'],
  ],
  ['originTimeoutMs 0', { origins: [() => true], originTimeoutMs: 0 }, ['origin-timeout-invalid']],
  ['onError not a function', { origins: [() => true], onError: 'log' }, ['invalid-type']],
  [
    'resolver options without a resolver',
    { origins: ['https://a.example.com'], originCache: false, originTimeoutMs: 500, onError: () => undefined },
    ['origin-resolver-missing', 'origin-resolver-missing', 'origin-resolver-missing'],
  ],
  [
    'many problems at once',
    {
      origins: ['*', 'null', 'https://*.github.io/'],
      credentials: true,
      methods: ['TRACE'],
      exposeHeaders: ['*'],
      maxAge: 90000,
    },
    [
      'origin-wildcard-with-credentials',
      'origin-null',
      'origin-trailing-slash',
      'origin-wildcard-mixed',
      'method-forbidden',
      'expose-wildcard-with-credentials',
      'max-age-out-of-range',
    ],
  ],
];

/**
 * Valid configurations: no problem at all but the warnings about the risks they declare on purpose (risks.ts),
 * listed in the third column.
 */
const valid: [string, unknown, ProblemCode[]?][] = [
  ['exact https', { origins: ['https://a.example.com'] }],
  [
    'everything',
    {
      origins: ['https://a.example.com', 'https://*.example.org', 'http://localhost:*'],
      credentials: true,
      methods: ['PUT', 'PATCH', 'purge'],
      requestHeaders: ['content-type', 'authorization'],
      exposeHeaders: ['x-id'],
      maxAge: 7200,
      privateNetwork: true,
      debug: false,
    },
    ['any-subdomain-trusted', 'localhost-trusted'],
  ],
  [
    '* without credentials',
    { origins: ['*'], exposeHeaders: ['*'], requestHeaders: '*', methods: ['*'] },
    ['wildcard-origin'],
  ],
  [
    '* requestHeaders with authorization',
    { origins: ['*'], requestHeaders: ['*', 'authorization'] },
    ['wildcard-origin'],
  ],
  [
    'loopback http with credentials',
    {
      origins: ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:5173', 'http://app.localhost'],
      credentials: true,
    },
    ['localhost-trusted', 'localhost-trusted', 'localhost-trusted', 'localhost-trusted'],
  ],
  [
    'insecure opt-in',
    { origins: ['http://intranet.example.com'], credentials: true, dangerouslyAllowInsecureOrigins: true },
    ['insecure-origin-trusted'],
  ],
  [
    'public suffix opt-in',
    { origins: ['https://*.github.io'], dangerouslyAllowPublicSuffixWildcards: true },
    ['third-party-origin-trusted'],
  ],
  [
    '*.localhost is not a public suffix',
    { origins: ['http://*.localhost:*'], credentials: true },
    ['localhost-trusted'],
  ],
  ['wildcard subdomain with port', { origins: ['https://*.example.com:8443'] }, ['any-subdomain-trusted']],
  ['punycode host', { origins: ['https://xn--bcher-kva.example'] }],
  ['non-special scheme', { origins: ['chrome-extension://abcdefghijklmnop'] }],
  ['maxAge bounds', { origins: ['https://a.example.com'], maxAge: -1 }],
  ['maxAge 86400', { origins: ['https://a.example.com'], maxAge: 86400 }],
  ['underscore label', { origins: ['https://my_app.example.com'] }],
  [
    'an upper-case PATCH and an unregistered lower-case method',
    { origins: ['https://a.example.com'], methods: ['PATCH', 'purge'] },
  ],
  [
    'a label wildcard under an owned domain',
    { origins: ['https://pr-*.preview.example.com', 'https://myapp-*.example.com:*'] },
    ['any-subdomain-trusted', 'any-subdomain-trusted'],
  ],
  [
    'a label wildcard under a public suffix, opted in',
    { origins: ['https://myapp-*.vercel.app'], dangerouslyAllowPublicSuffixWildcards: true },
    ['third-party-origin-trusted'],
  ],
  ['the longest suffix a *. pattern can have', { origins: [`https://*.${hostOf(251)}`] }, ['any-subdomain-trusted']],
  ['preflightStatus 200', { origins: ['https://a.example.com'], preflightStatus: 200 }],
  ['preflightStatus 204', { origins: ['https://a.example.com'], preflightStatus: 204 }],
  ['a Proxy around a valid configuration', new Proxy({ origins: ['https://a.example.com'], credentials: true }, {})],
  ['preflightStatus 200', { origins: ['https://a.example.com'], preflightStatus: 200 }],
  ['a resolver alone', { origins: [() => true] }],
  [
    'a resolver with its options',
    {
      origins: ['https://a.example.com', async () => Promise.resolve(true)],
      credentials: true,
      originCache: { max: 10, ttlMs: 1000 },
      originTimeoutMs: 200,
      onError: () => undefined,
    },
  ],
  ['a resolver without a cache', { origins: [() => true], originCache: false }],
];

describe('validatePolicy', () => {
  it.each(cases)('%s', (_label, config, codes) => {
    const problems = validatePolicy(config);
    expect(problems.map((p) => p.code)).toEqual(codes);
    for (const p of problems) {
      expect(p.severity).toBe(PROBLEM_CODES[p.code]);
      expect(p.message.length).toBeGreaterThan(10);
      expect(typeof p.path).toBe('string');
    }
  });

  it.each(valid)('accepts %s', (_label, config, risks = []) => {
    const problems = validatePolicy(config);
    expect(problems.map((p) => p.code)).toEqual(risks);
    for (const p of problems) expect(p.severity).toBe('warning');
  });

  it('has a case for every problem code', () => {
    const covered = new Set([...cases, ...valid].flatMap(([, , codes]) => codes ?? []));
    expect([...Object.keys(PROBLEM_CODES)].filter((c) => !covered.has(c as ProblemCode))).toEqual([]);
  });

  it('names the offending value and path', () => {
    const [p] = validatePolicy({ origins: ['https://a.example.com', 'https://B.example.com'] });
    expect(p).toMatchObject({ code: 'origin-uppercase', path: 'origins[1]', value: 'https://B.example.com' });
    expect(p!.message).toContain('https://b.example.com');
  });

  it('suggests the punycode form of a non-ASCII host', () => {
    const [p] = validatePolicy({ origins: ['https://*.bücher.example:8443'] });
    expect(p!.message).toContain('https://*.xn--bcher-kva.example:8443');
  });
});

describe('configurations written for other CORS middlewares', () => {
  it.each([
    ['origin', 'did you mean "origins"?'],
    ['allowedHeaders', 'did you mean "requestHeaders"?'],
    ['allowHeaders', 'did you mean "requestHeaders"?'],
    ['exposedHeaders', 'did you mean "exposeHeaders"?'],
    ['allowMethods', 'did you mean "methods"?'],
    ['optionsSuccessStatus', 'did you mean "preflightStatus"?'],
    ['privateNetworkAccess', 'did you mean "privateNetwork"?'],
    ['maxage', 'did you mean "maxAge"?'],
    ['preflightContinue', 'not needed: corsight answers every CORS preflight itself'],
  ])('names %s as unknown and says what to write instead', (name, hint) => {
    const [p] = validatePolicy({ origins: ['https://a.example.com'], [name]: true });
    expect(p).toMatchObject({ code: 'unknown-option', path: name });
    expect(p!.message).toContain(hint);
    expect(p!.message).not.toContain('known options');
  });

  it('lists the known options once per error, not once per problem', () => {
    let message = '';
    try {
      createPolicy({ origin: ['https://a.example.com'], allowedHeaders: ['x-a'], exposedHeaders: ['x-b'] } as never);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.match(/known options:/g)).toHaveLength(1);
    expect(message).toContain('known options: origins, credentials, methods');
    expect(() => createPolicy({ origins: [] })).toThrow(/^(?![\s\S]*known options)/);
  });

  it('names whitespace around an origin as whitespace', () => {
    const [p] = validatePolicy({ origins: ['https://a.example.com '] });
    expect(p!.message).toContain('whitespace');
    expect(p!.message).toContain('write "https://a.example.com"');
  });

  it('names whitespace around a header name as whitespace', () => {
    const [p] = validatePolicy({ origins: ['https://a.example.com'], requestHeaders: [' x-a'] });
    expect(p).toMatchObject({ code: 'header-invalid' });
    expect(p!.message).toContain('whitespace');
  });

  it('refuses a label wildcard under a public suffix and points to the resolver', () => {
    const [p] = validatePolicy({ origins: ['https://myapp-*.vercel.app'] });
    expect(p!.message).toContain('anyone can create a site named myapp-<anything>.vercel.app');
    expect(p!.message).toContain('resolver');
  });
});

describe('Proxies, getters and holes', () => {
  it('gives validatePolicy and createPolicy the same answer for a Proxy-wrapped configuration', () => {
    const config = new Proxy({ origins: ['https://a.example.com'], methods: ['PUT'] }, {});
    expect(validatePolicy(config)).toEqual([]);
    const policy = createPolicy(config);
    expect(policy.evaluate({ method: 'GET', headers: { origin: 'https://a.example.com' } }).allowed).toBe(true);
    expect(policy.config).toEqual({ origins: ['https://a.example.com'], methods: ['PUT'] });
    expect(Object.isFrozen(policy.config.origins)).toBe(true);
  });

  it('refuses, in both, a Proxy whose trap throws, naming where', () => {
    expect(validatePolicy(throwingProxy())).toMatchObject([{ code: 'config-unreadable', path: 'origins' }]);
    expect(() => createPolicy(throwingProxy() as never)).toThrow(CorsConfigError);
  });

  it('reads each value once, so a getter cannot answer the validator and the compiler differently', () => {
    let reads = 0;
    const config = {
      get origins() {
        reads++;
        return reads === 1 ? ['https://a.example.com'] : ['*'];
      },
    };
    const policy = createPolicy(config);
    expect(reads).toBe(1);
    expect(policy.evaluate({ method: 'GET', headers: { origin: 'https://evil.example' } }).allowed).toBe(false);
  });

  it('names the hole of a sparse array by its index', () => {
    expect(validatePolicy({ origins: sparse('https://a.example.com', 'https://b.example.com') })).toMatchObject([
      { code: 'invalid-type', path: 'origins[1]' },
    ]);
  });
});

describe('createPolicy', () => {
  it('throws a CorsConfigError (an AggregateError) listing every problem', () => {
    let error: unknown;
    try {
      createPolicy({ origins: ['*', 'null'], credentials: true, maxAge: 1e9 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CorsConfigError);
    expect(error).toBeInstanceOf(AggregateError);
    const e = error as CorsConfigError;
    expect(e.errors.map((x) => x.code)).toEqual([
      'origin-wildcard-with-credentials',
      'origin-null',
      'origin-wildcard-mixed',
      'max-age-out-of-range',
    ]);
    expect(e.errors.every((x) => x instanceof CorsConfigProblem)).toBe(true);
    expect(e.problems).toHaveLength(4);
    expect(e.message).toContain('4 errors');
    expect(e.message).toContain('[origin-null] origins[1]');
  });

  it('does not throw for warnings alone', () => {
    expect(() => createPolicy({ origins: ['https://a.example.com', 'https://a.example.com'] })).not.toThrow();
  });

  it('is not affected by later changes to the configuration object', () => {
    const config = { origins: ['https://a.example.com'] };
    const policy = createPolicy(config);
    config.origins.push('https://evil.example.com');
    expect(policy.evaluate({ method: 'GET', headers: { origin: 'https://evil.example.com' } }).allowed).toBe(false);
    expect(policy.config.origins).toEqual(['https://a.example.com']);
    expect(Object.isFrozen(policy.config)).toBe(true);
    expect(Object.isFrozen(policy.config.origins)).toBe(true);
  });
});
