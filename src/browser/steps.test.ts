/**
 * Table-driven tests of the pure steps simulateFetch is built from.
 */
import { describe, expect, it } from 'vitest';
import { PreflightCache } from './cache.js';
import { classifyRequest, constructRequest } from './classify.js';
import { corsCheck } from './cors-check.js';
import { CORS_ERROR_CODES, isCorsErrorCode, toPreflightCode } from './errors.js';
import { exposedHeaderNames, parseExposeHeaders } from './expose.js';
import { corsConsoleMessage, corsErrorDetail, escapeForConsole } from './messages.js';
import { buildPreflightRequest, checkPreflightResponse, type PreflightCheckInput } from './preflight.js';
import {
  CHROMIUM,
  FIREFOX,
  SAFARI,
  SPEC,
  getProfile,
  parseMaxAgeChromium,
  parseMaxAgeFirefox,
  parseMaxAgeSpec,
} from './profiles.js';
import { isRedirectResponse, locationURL, redirectTaint, rewriteForRedirect } from './redirect.js';

const A = 'http://a.test';

describe('constructRequest', () => {
  it('normalizes, applies defaults and drops forbidden headers', () => {
    const r = constructRequest({
      origin: A,
      url: 'http://b.test/x#f',
      method: 'post',
      headers: { Host: 'x', 'X-A': ' 1 ' },
      body: 'text',
    });
    expect(r).toMatchObject({
      method: 'POST',
      credentials: 'same-origin',
      mode: 'cors',
      redirect: 'follow',
      body: 'text',
      useCorsPreflight: false,
    });
    expect(r.headers).toEqual([
      ['X-A', '1'],
      ['Content-Type', 'text/plain;charset=UTF-8'],
    ]);
    expect(r.dropped).toEqual([{ name: 'Host', value: 'x', reason: 'forbidden' }]);
  });
  it('no-cors keeps only no-CORS-safelisted headers, judging the combined value', () => {
    const r = constructRequest({
      origin: A,
      url: 'http://b.test/',
      mode: 'no-cors',
      headers: [
        ['Accept', 'a'],
        ['Accept', 'b"'],
        ['Range', 'bytes=0-'],
        ['X-A', '1'],
      ],
    });
    expect(r.headers).toEqual([['Accept', 'a']]);
    expect(r.dropped.map((d) => d.name)).toEqual(['Accept', 'Range', 'X-A']);
  });
  it('the spec profile keeps same-name headers as separate entries', () => {
    const r = constructRequest(
      {
        origin: A,
        url: 'http://b.test/',
        headers: [
          ['X-A', '1'],
          ['x-a', '2'],
        ],
      },
      SPEC,
    );
    expect(r.headers).toEqual([
      ['X-A', '1'],
      ['x-a', '2'],
    ]);
    const c = constructRequest(
      {
        origin: A,
        url: 'http://b.test/',
        headers: [
          ['X-A', '1'],
          ['x-a', '2'],
        ],
      },
      CHROMIUM,
    );
    expect(c.headers).toEqual([['X-A', '1, 2']]);
  });
  it('a stream body sets the use-CORS-preflight flag', () => {
    expect(
      constructRequest({ origin: A, url: 'http://b.test/', method: 'POST', body: 'stream' }).useCorsPreflight,
    ).toBe(true);
  });
});

describe('classifyRequest', () => {
  it.each([
    ['GET', [], false, false, []],
    ['POST', [['Content-Type', 'text/plain']], false, false, []],
    ['POST', [['Content-Type', 'application/json']], false, true, ['content-type']],
    ['PUT', [], false, true, []],
    ['get', [], false, true, []],
    [
      'GET',
      [
        ['X-B', '1'],
        ['x-a', '1'],
      ],
      false,
      true,
      ['x-a', 'x-b'],
    ],
    ['GET', [['DPR', '2']], false, false, []],
    ['POST', [], true, true, []],
  ] as [string, [string, string][], boolean, boolean, string[]][])(
    '%s %j upload=%s -> preflight %s %j',
    (method, headers, force, pre, unsafe) => {
      const c = classifyRequest({ method, headers, useCorsPreflight: force });
      expect(c.needsPreflight).toBe(pre);
      expect(c.unsafeHeaderNames).toEqual(unsafe);
      expect(c.reasons.length > 0).toBe(pre);
    },
  );
  it('the DPR extra is Chromium-only', () => {
    expect(classifyRequest({ method: 'GET', headers: [['DPR', '2']] }, SPEC).unsafeHeaderNames).toEqual(['dpr']);
  });
});

describe('corsCheck', () => {
  const h = (...lines: string[]): [string, string][] =>
    lines.map((v) => ['Access-Control-Allow-Origin', v] as [string, string]);
  it.each([
    [h('*'), 'omit', { ok: true }],
    [h('*'), 'include', { ok: false, code: 'WildcardOriginNotAllowed', parameter: '' }],
    [[], 'omit', { ok: false, code: 'MissingAllowOriginHeader', parameter: '' }],
    [h(A), 'omit', { ok: true }],
    [h(A, A), 'omit', { ok: false, code: 'MultipleAllowOriginValues', parameter: `${A}, ${A}` }],
    [h(`${A},${A}`), 'omit', { ok: false, code: 'MultipleAllowOriginValues', parameter: `${A},${A}` }],
    [h(`${A} x`), 'omit', { ok: false, code: 'MultipleAllowOriginValues', parameter: `${A} x` }],
    [h('null'), 'omit', { ok: false, code: 'AllowOriginMismatch', parameter: 'null' }],
    [h('a.test'), 'omit', { ok: false, code: 'InvalidAllowOriginValue', parameter: 'a.test' }],
    [h('http://a.test:80'), 'omit', { ok: false, code: 'AllowOriginMismatch', parameter: 'http://a.test:80' }],
    [h(A), 'include', { ok: false, code: 'InvalidAllowCredentials', parameter: '' }],
    [[...h(A), ['Access-Control-Allow-Credentials', 'true']], 'include', { ok: true }],
    [
      [...h(A), ['access-control-allow-credentials', 'TRUE']],
      'include',
      { ok: false, code: 'InvalidAllowCredentials', parameter: 'TRUE' },
    ],
  ] as [[string, string][], 'omit' | 'include', object][])('%j credentials=%s', (headers, credentials, result) => {
    expect(corsCheck({ headers, origin: A, credentials })).toEqual(result);
  });
  it('Firefox counts lines: two lines are multiple values, one "a, b" line is a mismatch', () => {
    expect(corsCheck({ headers: h('*', '*'), origin: A, credentials: 'omit' }, FIREFOX)).toMatchObject({
      code: 'MultipleAllowOriginValues',
    });
    expect(corsCheck({ headers: h(`${A}, ${A}`), origin: A, credentials: 'omit' }, FIREFOX)).toMatchObject({
      code: 'AllowOriginMismatch',
    });
  });
  it('null origin matches only ACAO null', () => {
    expect(corsCheck({ headers: h('null'), origin: 'null', credentials: 'omit' })).toEqual({ ok: true });
  });
});

describe('buildPreflightRequest / checkPreflightResponse', () => {
  it('builds the exact preflight', () => {
    expect(
      buildPreflightRequest({
        url: 'http://b.test/x',
        method: 'DELETE',
        unsafeHeaderNames: ['a', 'b'],
        origin: 'null',
      }),
    ).toEqual({
      method: 'OPTIONS',
      url: 'http://b.test/x',
      headers: [
        ['Accept', '*/*'],
        ['Access-Control-Request-Method', 'DELETE'],
        ['Access-Control-Request-Headers', 'a,b'],
        ['Origin', 'null'],
      ],
    });
  });
  const base = (over: Partial<PreflightCheckInput>): PreflightCheckInput => ({
    status: 200,
    headers: [['Access-Control-Allow-Origin', '*']],
    url: 'http://b.test/x',
    method: 'PUT',
    unsafeHeaderNames: [],
    credentials: 'omit',
    origin: A,
    ...over,
  });
  it.each([
    [
      {
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'PUT'],
        ],
      },
      'ok',
    ],
    [
      {
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'GET'],
          ['Access-Control-Allow-Methods', 'PUT'],
        ],
      },
      'ok',
    ],
    [
      {
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', ',PUT,,'],
        ],
      },
      'ok',
    ],
    [
      {
        method: 'GET',
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'get'],
        ],
      },
      'ok',
    ],
    [
      {
        method: 'POST',
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'x y'],
        ],
      },
      'InvalidAllowMethodsPreflightResponse',
    ],
    [
      {
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Allow-Headers', 'a b'],
        ],
      },
      'InvalidAllowHeadersPreflightResponse',
    ],
    [
      {
        unsafeHeaderNames: ['x-a', 'x-b'],
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Allow-Headers', 'X-B'],
        ],
      },
      'HeaderDisallowedByPreflightResponse:x-a',
    ],
    [
      {
        unsafeHeaderNames: ['x-a'],
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Allow-Headers', ''],
        ],
      },
      'HeaderDisallowedByPreflightResponse:x-a',
    ],
    [
      {
        status: 299,
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', '*'],
        ],
      },
      'ok',
    ],
    [{ status: 300, headers: [['Access-Control-Allow-Origin', '*']] }, 'PreflightInvalidStatus'],
    [{ status: 307, headers: [['Location', '/y']] }, 'PreflightDisallowedRedirect'],
    [{ status: 307, headers: [['Location', 'http://[']] }, 'NetworkError:net::ERR_INVALID_REDIRECT'],
    [{ credentials: 'include', headers: [['Access-Control-Allow-Origin', A]] }, 'PreflightInvalidAllowCredentials'],
    [{ credentials: 'include', headers: [['Access-Control-Allow-Origin', '*']] }, 'PreflightWildcardOriginNotAllowed'],
    [{ headers: [['Access-Control-Allow-Origin', 'x']] }, 'PreflightInvalidAllowOriginValue:x'],
  ] as [Partial<PreflightCheckInput>, string][])('%j -> %s', (over, expected) => {
    const r = checkPreflightResponse(base(over));
    const got = r.ok ? 'ok' : r.parameter ? `${r.code}:${r.parameter}` : r.code;
    expect(got).toBe(expected);
  });
  it('returns what to cache, with Max-Age parsed and capped by the profile', () => {
    const r = checkPreflightResponse(
      base({
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'PUT, *'],
          ['Access-Control-Allow-Headers', 'X-A'],
          ['Access-Control-Max-Age', '86400'],
        ],
      }),
    );
    expect(r).toEqual({
      ok: true,
      methods: ['PUT', '*'],
      headerNames: ['x-a'],
      maxAge: 7200,
      authorizationCoveredByWildcard: false,
    });
    const s = checkPreflightResponse(
      base({
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Max-Age', '86400'],
        ],
      }),
      SAFARI,
    );
    expect(s).toMatchObject({ maxAge: 600 });
  });
  it('flags Authorization covered by * (Chromium) and rejects it (spec)', () => {
    const input = base({
      unsafeHeaderNames: ['authorization', 'x-a'],
      headers: [
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Allow-Methods', 'PUT'],
        ['Access-Control-Allow-Headers', '*'],
      ],
    });
    expect(checkPreflightResponse(input)).toMatchObject({ ok: true, authorizationCoveredByWildcard: true });
    expect(checkPreflightResponse(input, SPEC)).toMatchObject({
      ok: false,
      code: 'HeaderDisallowedByPreflightResponse',
      parameter: 'authorization',
    });
  });
  it('the use-CORS-preflight flag caches the request method when ACAM is absent', () => {
    expect(checkPreflightResponse(base({ method: 'POST', useCorsPreflight: true }))).toMatchObject({
      ok: true,
      methods: ['POST'],
    });
  });
});

describe('Max-Age parsing per profile', () => {
  it.each([
    [null, 5],
    ['0', 0],
    ['10', 10],
    ['+10', 10],
    ['-5', 0],
    ['7199', 7199],
    ['7200', 7200],
    ['99999999999999999999', 5],
    ['abc', 5],
    ['1.5', 5],
    ['', 5],
    ['5, 10', 5],
  ])('Chromium %j -> %s', (v, s) => expect(parseMaxAgeChromium(v)).toBe(s));
  it.each([
    [null, 1, 5],
    ['10', 1, 10],
    ['10', 2, 5],
    ['-5', 1, 5],
    ['+10', 1, 5],
    ['100000', 1, 100000],
  ] as [string | null, number, number][])('spec %j (%i lines) -> %s', (v, n, s) =>
    expect(parseMaxAgeSpec(v, n)).toBe(s),
  );
  it.each([
    [null, 5],
    ['', 5],
    ['10', 10],
    ['abc', 0],
    ['-5', 0],
    ['100000', 86400],
  ])('Firefox %j -> %s', (v, s) => expect(parseMaxAgeFirefox(v)).toBe(s));
  it('profiles are looked up by name', () => {
    expect(getProfile(undefined)).toBe(CHROMIUM);
    expect(getProfile('firefox')).toBe(FIREFOX);
    expect(() => getProfile('opera' as never)).toThrow(TypeError);
  });
});

describe('exposedHeaderNames', () => {
  const res = (aceh: string | null, ...extra: [string, string][]): [string, string][] => [
    ['Content-Type', 'text/plain'],
    ['Cache-Control', 'no-store'],
    ['Set-Cookie', 'a=b'],
    ['Date', 'x'],
    ['bb-8', 'droid'],
    ...(aceh === null ? [] : ([['Access-Control-Expose-Headers', aceh]] as [string, string][])),
    ...extra,
  ];
  it.each([
    [null, 'omit', ['cache-control', 'content-type']],
    ['bb-8', 'omit', ['bb-8', 'cache-control', 'content-type']],
    ['BB-8', 'omit', ['bb-8', 'cache-control', 'content-type']],
    ['bb-8,', 'omit', ['bb-8', 'cache-control', 'content-type']],
    [',bb-8', 'omit', ['bb-8', 'cache-control', 'content-type']],
    [' bb-8 , date', 'omit', ['bb-8', 'cache-control', 'content-type', 'date']],
    ['"bb-8"', 'omit', ['cache-control', 'content-type']],
    ['bb-8, "x"', 'omit', ['cache-control', 'content-type']],
    ['bb 8', 'omit', ['cache-control', 'content-type']],
    [
      '*',
      'omit',
      ['access-control-expose-headers', 'bb-8', 'cache-control', 'content-type', 'date'],
      [
        ['x-\u00e9', '1'],
        ['a b', '1'],
      ],
    ],
    ['set-cookie, bb-8', 'omit', ['bb-8', 'cache-control', 'content-type']],
    ['*', 'omit', ['access-control-expose-headers', 'bb-8', 'cache-control', 'content-type', 'date']],
    ['*', 'include', ['cache-control', 'content-type']],
    ['*, bb-8', 'include', ['bb-8', 'cache-control', 'content-type']],
    ['x-absent', 'omit', ['cache-control', 'content-type']],
  ] as [string | null, 'omit' | 'include', string[], [string, string][]?][])(
    'ACEH %j credentials=%s',
    (aceh, credentials, names, extra = []) => {
      expect(exposedHeaderNames({ headers: res(aceh, ...extra), type: 'cors', credentials })).toEqual(names);
    },
  );
  it('basic responses expose everything but Set-Cookie; opaque ones nothing', () => {
    expect(exposedHeaderNames({ headers: res(null), type: 'basic', credentials: 'omit' })).toEqual([
      'bb-8',
      'cache-control',
      'content-type',
      'date',
    ]);
    expect(exposedHeaderNames({ headers: res(null), type: 'opaque', credentials: 'omit' })).toEqual([]);
    expect(exposedHeaderNames({ headers: res(null), type: 'opaqueredirect', credentials: 'omit' })).toEqual([]);
  });
  it('ACEH split over two lines is one list', () => {
    expect(
      parseExposeHeaders([
        ['Access-Control-Expose-Headers', 'A'],
        ['access-control-expose-headers', 'b'],
      ]),
    ).toEqual(['a', 'b']);
  });
});

describe('redirects', () => {
  const u = (s: string) => new URL(s);
  it.each([
    [['http://a.test/', 'http://b.test/'], 'same-origin'],
    [['http://b.test/', 'http://c.test/'], 'cross-site'],
    [['http://b.test/', 'http://b.test/2', 'http://c.test/'], 'cross-site'],
    [['http://b.test/', 'http://a.test/'], 'cross-site'],
    [['http://a.test/', 'http://a.test/2', 'http://b.test/'], 'same-origin'],
    [['http://x.b.test/', 'http://y.b.test/'], 'same-site'],
    [['http://b.test/'], 'same-origin'],
  ] as [string[], string][])('redirect-taint of %j from a.test is %s', (list, taint) => {
    expect(redirectTaint(list.map(u), A)).toBe(taint);
  });
  it.each([
    [[['Location', '/y']], 'url', 'http://b.test/y'],
    [[['Location', 'y']], 'url', 'http://b.test/d/y'],
    [[['Location', '/y#h']], 'url', 'http://b.test/y#h'],
    [[], 'none', null],
    [[['Location', '']], 'none', null],
    [
      [
        ['Location', '/a'],
        ['Location', '/b'],
      ],
      'multiple',
      null,
    ],
    [
      [
        ['Location', '/a'],
        ['Location', '/a'],
      ],
      'url',
      'http://b.test/a',
    ],
    [[['Location', 'http://[']], 'invalid', null],
  ] as [[string, string][], string, string | null][])('locationURL %j -> %s', (headers, kind, href) => {
    const r = locationURL(headers, u('http://b.test/d/x'));
    expect(r.kind).toBe(kind);
    if (r.kind === 'url') expect(r.url.href).toBe(href);
  });
  it('inherits the fragment when the Location has none', () => {
    const r = locationURL([['Location', '/y']], u('http://b.test/x#frag'));
    expect(r.kind === 'url' && r.url.href).toBe('http://b.test/y#frag');
  });
  it('a redirect needs a Location in browser profiles, not in the spec', () => {
    expect(isRedirectResponse(302, [])).toBe(false);
    expect(isRedirectResponse(302, [], SPEC)).toBe(true);
    expect(isRedirectResponse(300, [['Location', '/']])).toBe(false);
    expect(isRedirectResponse(308, [['Location', '/']])).toBe(true);
  });
  it('rewrites the method, body headers and Authorization', () => {
    const r = rewriteForRedirect(
      {
        method: 'POST',
        body: 'text',
        headers: [
          ['Content-Type', 'text/plain'],
          ['Content-Language', 'en'],
          ['Authorization', 'x'],
          ['X-A', '1'],
        ],
      },
      302,
      u('http://b.test/'),
      u('http://c.test/'),
    );
    expect(r).toMatchObject({ method: 'GET', body: 'none', headers: [['X-A', '1']] });
    expect(r.changes).toHaveLength(3);
  });
});

describe('PreflightCache (direct)', () => {
  it('stores, looks up and expires with the injected clock', () => {
    let t = 0;
    const cache = new PreflightCache({ now: () => t });
    cache.store({
      origin: A,
      url: 'http://b.test/',
      methods: ['PUT'],
      headerNames: ['X-A'],
      maxAge: 10,
      credentials: 'omit',
    });
    const q = {
      origin: A,
      url: 'http://b.test/',
      method: 'PUT',
      unsafeHeaderNames: ['x-a'],
      credentials: 'omit' as const,
    };
    expect(cache.lookup(q).hit).toBe(true);
    expect(cache.entries()).toEqual([
      {
        origin: A,
        url: 'http://b.test/',
        credentials: false,
        methods: ['PUT'],
        headerNames: ['x-a'],
        expiresAt: 10000,
      },
    ]);
    t = 10000;
    expect(cache.lookup(q)).toMatchObject({ hit: false, detail: expect.stringContaining('expired') });
    expect(cache.size).toBe(0);
  });
  it('does not cache URLs of 1024 characters or more in Chromium', () => {
    const cache = new PreflightCache({ now: () => 0 });
    const url = `http://b.test/${'x'.repeat(1010)}`;
    cache.store({ origin: A, url, methods: ['PUT'], headerNames: [], maxAge: 10, credentials: 'omit' });
    expect(cache.size).toBe(0);
    cache.store({ origin: A, url, methods: ['PUT'], headerNames: [], maxAge: 10, credentials: 'omit' }, SPEC);
    expect(cache.size).toBe(1);
  });
  it('Firefox keys by credentials: a credentialed entry does not serve an uncredentialed request', () => {
    const cache = new PreflightCache({ now: () => 0 });
    cache.store(
      { origin: A, url: 'u', methods: ['PUT'], headerNames: [], maxAge: 10, credentials: 'include' },
      FIREFOX,
    );
    const q = { origin: A, url: 'u', method: 'PUT', unsafeHeaderNames: [], credentials: 'omit' as const };
    expect(cache.lookup(q, FIREFOX).hit).toBe(false);
    expect(cache.lookup(q, SPEC).hit).toBe(true);
    expect(cache.lookup({ ...q, credentials: 'include' }, FIREFOX).hit).toBe(true);
  });
  it('spec items: * covers methods and headers except Authorization', () => {
    const cache = new PreflightCache({ now: () => 0 });
    cache.store({ origin: A, url: 'u', methods: ['*'], headerNames: ['*'], maxAge: 10, credentials: 'omit' }, SPEC);
    const q = { origin: A, url: 'u', method: 'DELETE', unsafeHeaderNames: ['x-a'], credentials: 'omit' as const };
    expect(cache.lookup(q, SPEC).hit).toBe(true);
    expect(cache.lookup({ ...q, unsafeHeaderNames: ['authorization'] }, SPEC).hit).toBe(false);
    cache.clearAll();
    expect(cache.size).toBe(0);
  });
  it('rejects a clock that is not a function', () => {
    expect(() => new PreflightCache({ now: 5 as never })).toThrow(TypeError);
  });
});

describe('errors and messages', () => {
  it('every code has a console detail and the Preflight twins exist', () => {
    for (const code of CORS_ERROR_CODES) expect(corsErrorDetail(code, 'v').length).toBeGreaterThan(10);
    expect(toPreflightCode('AllowOriginMismatch')).toBe('PreflightAllowOriginMismatch');
    expect(isCorsErrorCode('NetworkError')).toBe(false);
    expect(isCorsErrorCode('MissingAllowOriginHeader')).toBe(true);
  });
  it.each([
    [
      'MethodDisallowedByPreflightResponse',
      'patch',
      'Method patch is not allowed by Access-Control-Allow-Methods in preflight response.',
    ],
    [
      'HeaderDisallowedByPreflightResponse',
      'x-a',
      'Request header field x-a is not allowed by Access-Control-Allow-Headers in preflight response.',
    ],
    ['PreflightInvalidStatus', '', 'It does not have HTTP ok status.'],
    ['PreflightDisallowedRedirect', '', 'Redirect is not allowed for a preflight request.'],
    [
      'InvalidAllowCredentials',
      'True',
      "The value of the 'Access-Control-Allow-Credentials' header in the response is 'True' which must be 'true' when the request's credentials mode is 'include'.",
    ],
    [
      'MultipleAllowOriginValues',
      '*, *',
      "The 'Access-Control-Allow-Origin' header contains multiple values '*, *', but only one is allowed. Have the server send the header with a valid value.",
    ],
    [
      'InvalidAllowOriginValue',
      'foo',
      "The 'Access-Control-Allow-Origin' header contains the invalid value 'foo'. Have the server send the header with a valid value.",
    ],
  ] as const)('%s detail', (code, p, text) => expect(corsErrorDetail(code, p)).toBe(text));
  it('builds the full line with the redirect and preflight parts', () => {
    expect(
      corsConsoleMessage('PreflightInvalidStatus', '', {
        initialUrl: 'http://b.test/1',
        finalUrl: 'http://c.test/2',
        origin: 'null',
      }),
    ).toBe(
      "Access to fetch at 'http://c.test/2' (redirected from 'http://b.test/1') from origin 'null' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
    );
  });
  it('escapes control characters as \\uXXXX', () => {
    expect(escapeForConsole('a\tb\u0001\u007f\u00e9')).toBe('a\\u0009b\\u0001\\u007F\\u00E9');
  });
});
