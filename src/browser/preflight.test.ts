/**
 * Table-driven tests: Building the preflight and judging its answer (preflight.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildPreflightRequest, checkPreflightResponse, type PreflightCheckInput } from './preflight.js';
import { SAFARI, SPEC } from './profiles.js';

const A = 'http://a.test';

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
