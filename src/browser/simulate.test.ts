import { describe, expect, it } from 'vitest';
import { fakeServer, header, type Routes } from './__fixtures__/server.js';
import { PreflightCache } from './cache.js';
import { simulateFetch } from './simulate.js';
import type { CorsRequest } from './types.js';

const A = 'http://a.test';
const B = 'http://b.test';
const C = 'http://c.test';
const star: [string, string][] = [['Access-Control-Allow-Origin', '*']];
const allow = (origin: string): [string, string][] => [['Access-Control-Allow-Origin', origin]];
const echo = (req: { headers: [string, string][] }): [string, string][] => [
  ['Access-Control-Allow-Origin', header(req as never, 'origin') ?? ''],
];

describe('simulateFetch: simple requests', () => {
  it('cross-origin GET with ACAO * resolves as a cors response without a preflight', async () => {
    const { transport, log } = fakeServer({
      [`GET ${B}/x`]: { headers: [...star, ['X-Secret', '1'], ['Content-Type', 'text/plain']] },
    });
    const out = await simulateFetch({ origin: A, url: `${B}/x` }, transport);
    expect(out.allowed).toBe(true);
    expect(out.preflighted).toBe(false);
    expect(out.error).toBeUndefined();
    expect(out.response).toMatchObject({ status: 200, type: 'cors', exposedHeaders: ['content-type'] });
    expect(out.requests).toEqual([
      {
        method: 'GET',
        url: `${B}/x`,
        headers: [
          ['Accept', '*/*'],
          ['Origin', A],
        ],
      },
    ]);
    expect(log).toEqual(out.requests);
  });

  it('a relative URL resolves against the origin; a same-origin GET is basic and carries no Origin', async () => {
    const { transport } = fakeServer({
      [`GET ${A}/x`]: {
        headers: [
          ['Set-Cookie', 'a=b'],
          ['X-A', '1'],
        ],
      },
    });
    const out = await simulateFetch({ origin: A, url: '/x' }, transport);
    expect(out.response).toMatchObject({ type: 'basic', status: 200, exposedHeaders: ['x-a'] });
    expect(header(out.requests[0], 'origin')).toBeNull();
  });

  it('a same-origin POST carries Origin and is never preflighted', async () => {
    const { transport } = fakeServer({ [`* ${A}/x`]: {} });
    const out = await simulateFetch(
      { origin: A, url: `${A}/x`, method: 'DELETE', headers: { 'X-Any': '1' } },
      transport,
    );
    expect(out.preflighted).toBe(false);
    expect(header(out.requests[0], 'origin')).toBe(A);
    expect(out.response?.type).toBe('basic');
  });

  it('a text body adds Content-Type text/plain;charset=UTF-8 (safelisted: no preflight)', async () => {
    const { transport } = fakeServer({ [`POST ${B}/x`]: { headers: star } });
    const out = await simulateFetch({ origin: A, url: `${B}/x`, method: 'POST', body: 'text' }, transport);
    expect(out.preflighted).toBe(false);
    expect(out.requests[0]!.headers).toEqual([
      ['Content-Type', 'text/plain;charset=UTF-8'],
      ['Accept', '*/*'],
      ['Origin', A],
    ]);
  });

  it('any status can be shared when the headers pass', async () => {
    const { transport } = fakeServer({ [`GET ${B}/x`]: { status: 500, headers: allow(A) } });
    const out = await simulateFetch({ origin: A, url: `${B}/x` }, transport);
    expect(out.response).toMatchObject({ status: 500, type: 'cors' });
  });

  it('forbidden headers are dropped silently, User-Agent included in Chromium', async () => {
    const { transport } = fakeServer({ [`GET ${B}/x`]: { headers: star } });
    const out = await simulateFetch(
      {
        origin: A,
        url: `${B}/x`,
        headers: { Cookie: 'a', 'User-Agent': 'x', 'Sec-Foo': '1', 'X-HTTP-Method-Override': 'TRACE' },
      },
      transport,
    );
    expect(out.preflighted).toBe(false);
    expect(out.requests[0]!.headers).toEqual([
      ['Accept', '*/*'],
      ['Origin', A],
    ]);
    const spec = await simulateFetch({ origin: A, url: `${B}/x`, headers: { 'User-Agent': 'x' } }, transport, {
      profile: 'spec',
    });
    expect(spec.preflighted).toBe(true);
  });

  it('Chromium safelists (and sends) Intervention and DPR; the spec preflights them', async () => {
    const { transport } = fakeServer({ [`GET ${B}/x`]: { headers: star }, [`OPTIONS ${B}/x`]: { headers: star } });
    const out = await simulateFetch({ origin: A, url: `${B}/x`, headers: { Intervention: 'x', DPR: '2' } }, transport);
    expect(out.preflighted).toBe(false);
    expect(out.requests[0]!.headers).toEqual([
      ['Intervention', 'x'],
      ['DPR', '2'],
      ['Accept', '*/*'],
      ['Origin', A],
    ]);
    const spec = await simulateFetch(
      { origin: A, url: `${B}/x`, headers: { Intervention: 'x', DPR: '2' } },
      transport,
      { profile: 'spec' },
    );
    expect(header(spec.requests[0], 'access-control-request-headers')).toBe('dpr,intervention');
  });

  it('Chromium removes author client hints when a redirect leaves the origin', async () => {
    const { transport } = fakeServer({
      [`GET ${A}/r`]: { status: 307, headers: [['Location', `${B}/x`]] },
      [`GET ${B}/x`]: { headers: star },
    });
    const out = await simulateFetch({ origin: A, url: `${A}/r`, headers: { Width: '2', 'X-Keep': '1' } }, transport);
    expect(header(out.requests[0], 'width')).toBe('2');
    expect(header(out.requests[1], 'width')).toBeNull();
  });

  it("Chromium keeps author client hints only on hops to the page's own origin (observed: api -> api drops, api -> page keeps)", async () => {
    const acah: [string, string][] = [...star, ['Access-Control-Allow-Headers', '*']];
    const routes: Routes = {
      [`GET ${B}/r`]: { status: 307, headers: [...star, ['Location', `${B}/s`]] },
      [`GET ${B}/s`]: { headers: star },
      [`GET ${B}/t`]: { status: 307, headers: [...star, ['Location', `${A}/x`]] },
      [`GET ${A}/x`]: { headers: acah },
      [`OPTIONS ${A}/x`]: { headers: acah },
    };
    const apiApi = await simulateFetch(
      { origin: A, url: `${B}/r`, headers: { DPR: '2' } },
      fakeServer(routes).transport,
    );
    expect(apiApi.requests.map((r) => header(r, 'dpr'))).toEqual(['2', null]);
    const apiPage = await simulateFetch(
      { origin: A, url: `${B}/t`, headers: { DPR: '2' } },
      fakeServer(routes).transport,
    );
    expect(apiPage.requests.map((r) => header(r, 'dpr'))).toEqual(['2', '2']);
  });

  it('an https page in same-origin mode redirected to http gets the mode refusal, not mixed content', async () => {
    const S = 'https://a.test';
    const routes: Routes = { [`GET ${S}/r`]: { status: 302, headers: [['Location', 'http://b.test/x']] } };
    const out = await simulateFetch({ origin: S, url: `${S}/r`, mode: 'same-origin' }, fakeServer(routes).transport);
    expect(out.error).toMatchObject({ code: 'NetworkError', parameter: 'origin' });
    const first = await simulateFetch(
      { origin: S, url: 'http://b.test/x', mode: 'same-origin' },
      fakeServer({}).transport,
    );
    expect(first.error?.message).toContain('Request mode is "same-origin"');
    const mixed = await simulateFetch(
      { origin: S, url: `http://b.test/${'y'.repeat(1100)}` },
      fakeServer({}).transport,
    );
    expect(mixed.error?.parameter).toBe('mixed-content');
    expect(mixed.error?.message).toContain('...');
  });

  it('Chromium combines same-name author headers before classifying them', async () => {
    const { transport } = fakeServer({ [`OPTIONS ${B}/x`]: { headers: star }, [`POST ${B}/x`]: { headers: star } });
    const out = await simulateFetch(
      {
        origin: A,
        url: `${B}/x`,
        method: 'POST',
        headers: [
          ['Content-Type', 'text/plain'],
          ['Content-Type', 'application/json'],
        ],
      },
      transport,
    );
    expect(out.preflighted).toBe(true);
    expect(header(out.requests[0], 'access-control-request-headers')).toBe('content-type');
  });
});

describe('simulateFetch: CORS check errors (Chromium CheckAccess order)', () => {
  const cases: [string, [string, string][], CorsRequest['credentials'], string, string][] = [
    ['missing', [], 'omit', 'MissingAllowOriginHeader', ''],
    ['star with credentials', star, 'include', 'WildcardOriginNotAllowed', ''],
    [
      'two lines',
      [
        ['Access-Control-Allow-Origin', A],
        ['Access-Control-Allow-Origin', A],
      ],
      'omit',
      'MultipleAllowOriginValues',
      `${A}, ${A}`,
    ],
    [
      'star star',
      [
        ['Access-Control-Allow-Origin', '*'],
        ['Access-Control-Allow-Origin', '*'],
      ],
      'omit',
      'MultipleAllowOriginValues',
      '*, *',
    ],
    ['null literal', [['Access-Control-Allow-Origin', 'null']], 'omit', 'AllowOriginMismatch', 'null'],
    ['not a URL', [['Access-Control-Allow-Origin', 'foo']], 'omit', 'InvalidAllowOriginValue', 'foo'],
    ['empty', [['Access-Control-Allow-Origin', '']], 'omit', 'InvalidAllowOriginValue', ''],
    ['trailing slash', [['Access-Control-Allow-Origin', `${A}/`]], 'omit', 'AllowOriginMismatch', `${A}/`],
    [
      'uppercase scheme',
      [['Access-Control-Allow-Origin', 'HTTP://a.test']],
      'omit',
      'AllowOriginMismatch',
      'HTTP://a.test',
    ],
    ['no ACAC', allow(A), 'include', 'InvalidAllowCredentials', ''],
    [
      'ACAC True',
      [...allow(A), ['Access-Control-Allow-Credentials', 'True']],
      'include',
      'InvalidAllowCredentials',
      'True',
    ],
    [
      'ACAC twice',
      [...allow(A), ['Access-Control-Allow-Credentials', 'true'], ['Access-Control-Allow-Credentials', 'true']],
      'include',
      'InvalidAllowCredentials',
      'true, true',
    ],
  ];
  it.each(cases)('%s', async (_name, headers, credentials, code, parameter) => {
    const { transport } = fakeServer({ [`GET ${B}/x`]: { headers } });
    const out = await simulateFetch({ origin: A, url: `${B}/x`, credentials }, transport);
    expect(out.allowed).toBe(false);
    expect(out.error).toMatchObject({ code, parameter, kind: 'cors' });
    expect(out.response).toBeUndefined();
  });

  it.each([
    [star, 'omit'],
    [[['Access-Control-Allow-Origin', `  ${A}  `]], 'omit'],
    [[...allow(A), ['Access-Control-Allow-Credentials', ' true ']], 'include'],
    [[...allow(A), ['Access-Control-Allow-Credentials', 'false']], 'omit'],
  ] as [[string, string][], CorsRequest['credentials']][])(
    'passes: %j with credentials %s',
    async (headers, credentials) => {
      const { transport } = fakeServer({ [`GET ${B}/x`]: { headers } });
      const out = await simulateFetch({ origin: A, url: `${B}/x`, credentials }, transport);
      expect(out.allowed).toBe(true);
    },
  );

  it('an opaque origin matches only ACAO null or *', async () => {
    const ok = fakeServer({ [`GET ${B}/x`]: { headers: [['Access-Control-Allow-Origin', 'null']] } });
    const out = await simulateFetch({ origin: 'null', url: `${B}/x` }, ok.transport);
    expect(out.allowed).toBe(true);
    expect(header(out.requests[0], 'origin')).toBe('null');
    const bad = fakeServer({ [`GET ${B}/x`]: { headers: allow(A) } });
    expect((await simulateFetch({ origin: 'null', url: `${B}/x` }, bad.transport)).error?.code).toBe(
      'AllowOriginMismatch',
    );
  });

  it('prints the exact Chromium console text', async () => {
    const { transport } = fakeServer({
      [`GET ${B}/x`]: { headers: [['Access-Control-Allow-Origin', 'http://a.test:\t8001']] },
    });
    const out = await simulateFetch({ origin: A, url: `${B}/x` }, transport);
    expect(out.error?.message).toBe(
      "Access to fetch at 'http://b.test/x' from origin 'http://a.test' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://a.test:\\u00098001' that is not equal to the supplied origin. Have the server send the header with a valid value.",
    );
  });
});

describe('simulateFetch: preflight', () => {
  it('sends OPTIONS with Accept, exact ACRM, sorted lowercase ACRH and Origin, then the request', async () => {
    const { transport } = fakeServer({
      [`OPTIONS ${B}/x`]: {
        status: 204,
        headers: [
          ...allow(A),
          ['Access-Control-Allow-Methods', 'patch'],
          ['Access-Control-Allow-Headers', 'X-B, x-a, content-type'],
        ],
      },
      [`patch ${B}/x`]: { headers: allow(A) },
    });
    const out = await simulateFetch(
      {
        origin: A,
        url: `${B}/x`,
        method: 'patch',
        headers: [
          ['X-B', '1'],
          ['x-a', '2'],
          ['Content-Type', 'application/json'],
        ],
      },
      transport,
    );
    expect(out.allowed).toBe(true);
    expect(out.preflighted).toBe(true);
    expect(out.requests[0]).toEqual({
      method: 'OPTIONS',
      url: `${B}/x`,
      headers: [
        ['Accept', '*/*'],
        ['Access-Control-Request-Method', 'patch'],
        ['Access-Control-Request-Headers', 'content-type,x-a,x-b'],
        ['Origin', A],
      ],
    });
    expect(out.requests[1]).toEqual({
      method: 'patch',
      url: `${B}/x`,
      headers: [
        ['X-B', '1'],
        ['x-a', '2'],
        ['Content-Type', 'application/json'],
        ['Accept', '*/*'],
        ['Origin', A],
      ],
    });
  });

  it('omits ACRH when only the method is unsafe; put is sent as PUT', async () => {
    const { transport } = fakeServer({
      [`OPTIONS ${B}/x`]: { headers: [...star, ['Access-Control-Allow-Methods', 'PUT']] },
      [`PUT ${B}/x`]: { headers: star },
    });
    const out = await simulateFetch({ origin: A, url: `${B}/x`, method: 'put' }, transport);
    expect(out.allowed).toBe(true);
    expect(header(out.requests[0], 'access-control-request-headers')).toBeNull();
    expect(header(out.requests[0], 'access-control-request-method')).toBe('PUT');
  });

  // WPT fetch/api/cors/cors-preflight-star.any.js
  const starTable: [boolean, boolean, string, string, string, [string, string] | null][] = [
    [true, false, 'get', 'x-test', 'GET', ['X-Test', '1']],
    [true, false, '*', 'x-test', 'SUPER', ['X-Test', '1']],
    [true, false, '*', '*', 'OK', ['X-Test', '1']],
    [false, true, '*', '*', 'OK', ['X-Test', '1']],
    [false, true, '*', '', 'PUT', null],
    [true, true, 'PUT', '*', 'PUT', null],
    [false, true, 'get', '*', 'GET', ['X-Test', '1']],
    [false, true, '*', '*', 'GET', ['X-Test', '1']],
    [true, true, '*', '*', '*', ['*', '1']],
    [false, true, 'put', '*', 'PUT', null],
  ];
  it.each(starTable)(
    'WPT preflight-star: succeeds=%s credentials=%s ACAM=%j ACAH=%j method=%s header=%j',
    async (succeeds, creds, acam, acah, method, hdr) => {
      const acao: [string, string][] = creds ? [...allow(A), ['Access-Control-Allow-Credentials', 'true']] : star;
      const { transport } = fakeServer({
        [`OPTIONS ${B}/p`]: {
          headers: [...acao, ['Access-Control-Allow-Methods', acam], ['Access-Control-Allow-Headers', acah]],
        },
        [`* ${B}/p`]: { headers: acao },
      });
      const out = await simulateFetch(
        { origin: A, url: `${B}/p`, method, headers: hdr ? [hdr] : [], credentials: creds ? 'include' : 'same-origin' },
        transport,
      );
      expect(out.allowed).toBe(succeeds);
    },
  );

  it.each([
    [
      'preflight 404 without ACAO: the CORS check wins',
      { status: 404, headers: [] },
      'PreflightMissingAllowOriginHeader',
      '',
    ],
    ['preflight 404 with ACAO', { status: 404, headers: star }, 'PreflightInvalidStatus', ''],
    [
      'preflight 302 with Location',
      { status: 302, headers: [['Location', `${C}/y`]] },
      'PreflightDisallowedRedirect',
      '',
    ],
    [
      'preflight 301 without Location is just a bad status',
      { status: 301, headers: star },
      'PreflightInvalidStatus',
      '',
    ],
    ['ACAO mismatch on the preflight', { status: 200, headers: allow(C) }, 'PreflightAllowOriginMismatch', C],
    [
      'ACAM not a token',
      { status: 200, headers: [...star, ['Access-Control-Allow-Methods', 'GE T']] },
      'InvalidAllowMethodsPreflightResponse',
      '',
    ],
    [
      'ACAH quoted',
      {
        status: 200,
        headers: [...star, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', '"x-a"']],
      },
      'InvalidAllowHeadersPreflightResponse',
      '',
    ],
    [
      'method missing (method error wins over headers)',
      { status: 200, headers: star },
      'MethodDisallowedByPreflightResponse',
      'PUT',
    ],
    [
      'ACAM put does not match PUT',
      { status: 200, headers: [...star, ['Access-Control-Allow-Methods', 'put']] },
      'MethodDisallowedByPreflightResponse',
      'PUT',
    ],
    [
      'header missing',
      {
        status: 200,
        headers: [...star, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Allow-Headers', 'x-b']],
      },
      'HeaderDisallowedByPreflightResponse',
      'x-a',
    ],
  ] as [string, { status: number; headers: [string, string][] }, string, string][])(
    '%s',
    async (_name, preflight, code, parameter) => {
      const { transport, log } = fakeServer({ [`OPTIONS ${B}/x`]: preflight, [`PUT ${B}/x`]: { headers: star } });
      const out = await simulateFetch({ origin: A, url: `${B}/x`, method: 'PUT', headers: { 'X-A': '1' } }, transport);
      expect(out.error).toMatchObject({ code, parameter });
      expect(log.map((r) => r.method)).toEqual(['OPTIONS']);
    },
  );

  it('prefixes preflight CORS errors with "Response to preflight request doesn\'t pass access control check"', async () => {
    const { transport } = fakeServer({ [`OPTIONS ${B}/x`]: { status: 200, headers: [] } });
    const out = await simulateFetch({ origin: A, url: `${B}/x`, method: 'PUT' }, transport);
    expect(out.error?.message).toBe(
      "Access to fetch at 'http://b.test/x' from origin 'http://a.test' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
    );
  });

  it('Authorization: Chromium lets ACAH * cover it, the spec does not', async () => {
    const routes: Routes = {
      [`OPTIONS ${B}/x`]: { headers: [...star, ['Access-Control-Allow-Headers', '*']] },
      [`GET ${B}/x`]: { headers: star },
    };
    const req: CorsRequest = { origin: A, url: `${B}/x`, headers: { Authorization: 'Bearer t', 'X-A': '1' } };
    expect((await simulateFetch(req, fakeServer(routes).transport)).allowed).toBe(true);
    const spec = await simulateFetch(req, fakeServer(routes).transport, { profile: 'spec' });
    expect(spec.error).toMatchObject({ code: 'HeaderDisallowedByPreflightResponse', parameter: 'authorization' });
  });

  it('a passed preflight does not excuse the actual response from the CORS check', async () => {
    const { transport } = fakeServer({
      [`OPTIONS ${B}/x`]: { headers: [...star, ['Access-Control-Allow-Methods', 'PUT']] },
      [`PUT ${B}/x`]: {},
    });
    const out = await simulateFetch({ origin: A, url: `${B}/x`, method: 'PUT' }, transport);
    expect(out.error?.code).toBe('MissingAllowOriginHeader');
    expect(out.requests.map((r) => r.method)).toEqual(['OPTIONS', 'PUT']);
  });

  it('a stream body forces a preflight; Chromium then fails it over HTTP/1.1 but not over h2', async () => {
    const routes: Routes = { [`OPTIONS ${B}/x`]: { headers: star }, [`POST ${B}/x`]: { headers: star } };
    const h1 = await simulateFetch(
      { origin: A, url: `${B}/x`, method: 'POST', body: 'stream' },
      fakeServer(routes).transport,
    );
    expect(h1.preflighted).toBe(true);
    expect(header(h1.requests[0], 'access-control-request-method')).toBe('POST');
    expect(h1.error).toMatchObject({ code: 'NetworkError', parameter: 'net::ERR_ALPN_NEGOTIATION_FAILED' });
    expect(h1.requests).toHaveLength(1);
    const h2 = await simulateFetch(
      { origin: A, url: `${B}/x`, method: 'POST', body: 'stream' },
      fakeServer(routes).transport,
      { protocol: 'h2' },
    );
    expect(h2.allowed).toBe(true);
  });

  it('the Safari profile checks the preflight status before the CORS check', async () => {
    const { transport } = fakeServer({ [`OPTIONS ${B}/x`]: { status: 404, headers: [] } });
    const out = await simulateFetch({ origin: A, url: `${B}/x`, method: 'PUT' }, transport, { profile: 'safari' });
    expect(out.error?.code).toBe('PreflightInvalidStatus');
  });
});

describe('simulateFetch: modes', () => {
  it('no-cors: opaque response with status 0, unsafe headers dropped, no Origin on GET', async () => {
    const { transport } = fakeServer({ [`GET ${B}/x`]: { headers: [['X-A', '1']] } });
    const out = await simulateFetch(
      {
        origin: A,
        url: `${B}/x`,
        mode: 'no-cors',
        headers: { 'X-Foo': '1', 'Content-Type': 'text/plain', Range: 'bytes=0-' },
      },
      transport,
    );
    expect(out.allowed).toBe(true);
    expect(out.response).toMatchObject({ status: 0, type: 'opaque', exposedHeaders: [], wireStatus: 200 });
    expect(out.requests[0]!.headers).toEqual([
      ['Content-Type', 'text/plain'],
      ['Accept', '*/*'],
    ]);
  });

  it('no-cors POST carries Origin', async () => {
    const { transport } = fakeServer({ [`POST ${B}/x`]: {} });
    const out = await simulateFetch(
      { origin: A, url: `${B}/x`, mode: 'no-cors', method: 'POST', body: 'text' },
      transport,
    );
    expect(header(out.requests[0], 'origin')).toBe(A);
    expect(out.response?.type).toBe('opaque');
  });

  it('same-origin mode to another origin is refused by Blink (no CORS error) with the "Fetch API cannot load" text; nothing is sent', async () => {
    const { transport, log } = fakeServer({});
    const out = await simulateFetch({ origin: A, url: `${B}/x`, mode: 'same-origin' }, transport);
    expect(out.allowed).toBe(false);
    expect(out.error).toMatchObject({ code: 'NetworkError', kind: 'network', parameter: '' });
    expect(out.error?.message).toBe(
      'Fetch API cannot load http://b.test/x. Request mode is "same-origin" but the URL\'s origin is not same as the request origin http://a.test.',
    );
    expect(log).toEqual([]);
  });

  it('same-origin mode redirected to another origin: "Unsafe attempt to load URL" and no CORS error', async () => {
    const { transport } = fakeServer({ [`GET ${A}/r`]: { status: 302, headers: [['Location', `${B}/x`]] } });
    const out = await simulateFetch(
      { origin: A, url: `${A}/r`, mode: 'same-origin', documentUrl: `${A}/page` },
      transport,
    );
    expect(out.error).toMatchObject({ code: 'NetworkError', parameter: 'origin' });
    expect(out.error?.message).toBe(
      'Unsafe attempt to load URL http://b.test/x from frame with URL http://a.test/page. Domains, protocols and ports must match.\n',
    );
    expect(out.requests).toHaveLength(1);
  });

  it.each([
    ['http://u:p@b.test/x', 'userinfo'],
    ['ftp://b.test/x', 'ftp'],
  ])('same-origin mode redirected to %s: the same-origin check comes first (%s)', async (loc) => {
    const { transport } = fakeServer({ [`GET ${A}/r`]: { status: 302, headers: [['Location', loc]] } });
    const out = await simulateFetch({ origin: A, url: `${A}/r`, mode: 'same-origin' }, transport);
    expect(out.error).toMatchObject({ code: 'NetworkError', parameter: 'origin' });
    expect(out.error?.message).toBe(
      `Unsafe attempt to load URL ${loc} from frame with URL http://a.test/. Domains, protocols and ports must match.\n`,
    );
  });

  it("same-origin mode with redirect 'error': the redirect mode wins over the same-origin check (observed)", async () => {
    const { transport } = fakeServer({ [`GET ${A}/r`]: { status: 307, headers: [['Location', `${C}/x`]] } });
    const out = await simulateFetch({ origin: A, url: `${A}/r`, mode: 'same-origin', redirect: 'error' }, transport);
    expect(out.error).toMatchObject({ code: 'NetworkError', parameter: 'net::ERR_FAILED' });
  });

  it('no-cors with a redirect mode other than follow is refused before sending', async () => {
    const { transport, log } = fakeServer({});
    const out = await simulateFetch({ origin: A, url: `${B}/x`, mode: 'no-cors', redirect: 'manual' }, transport);
    expect(out.error).toMatchObject({ code: 'NetworkError', parameter: '' });
    expect(out.error?.message).toBe(
      'Fetch API cannot load http://b.test/x. Request mode is "no-cors" but the redirect mode is not "follow".',
    );
    expect(log).toEqual([]);
  });

  it('URLs longer than 1024 characters are elided in Blink messages', async () => {
    const url = `${B}/${'x'.repeat(1100)}`;
    const out = await simulateFetch({ origin: A, url, mode: 'same-origin' }, fakeServer({}).transport);
    expect(out.error?.message).toContain(
      `Fetch API cannot load ${url.slice(0, 511)}...${url.slice(-510)}. Request mode`,
    );
  });

  it('an https page cannot fetch a non-trustworthy http URL (mixed content) but may fetch loopback', async () => {
    const { transport } = fakeServer({ [`GET http://127.0.0.1:8002/x`]: { headers: star } });
    const blocked = await simulateFetch({ origin: 'https://a.test', url: `${B}/x` }, transport);
    expect(blocked.error).toMatchObject({ code: 'NetworkError', parameter: 'mixed-content' });
    expect(blocked.requests).toEqual([]);
    expect((await simulateFetch({ origin: 'https://a.test', url: 'http://127.0.0.1:8002/x' }, transport)).allowed).toBe(
      true,
    );
  });
});

describe('simulateFetch: redirects', () => {
  it('A fetches B -> C: the hop to C carries Origin: null and needs ACAO null or *', async () => {
    const { transport } = fakeServer({
      [`GET ${B}/r`]: { status: 302, headers: [...allow(A), ['Location', `${C}/x`]] },
      [`GET ${C}/x`]: { headers: echo },
    });
    const out = await simulateFetch({ origin: A, url: `${B}/r` }, transport);
    expect(out.requests.map((r) => header(r, 'origin'))).toEqual([A, 'null']);
    expect(out.allowed).toBe(true);
    expect(out.response).toMatchObject({ redirected: true, url: `${C}/x` });
  });

  it('A -> B -> A taints the origin too', async () => {
    const { transport } = fakeServer({
      [`GET ${B}/r`]: { status: 307, headers: [...star, ['Location', `${A}/x`]] },
      [`GET ${A}/x`]: { headers: allow(A) },
    });
    const out = await simulateFetch({ origin: A, url: `${B}/r` }, transport);
    expect(out.requests.map((r) => header(r, 'origin'))).toEqual([A, 'null']);
    expect(out.error).toMatchObject({ code: 'AllowOriginMismatch', parameter: A });
    expect(out.error?.message).toBe(
      "Access to fetch at 'http://a.test/x' (redirected from 'http://b.test/r') from origin 'http://a.test' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://a.test' that is not equal to the supplied origin. Have the server send the header with a valid value.",
    );
  });

  it('A -> A(redirect) -> B keeps the origin; the same-origin hop is not CORS-checked', async () => {
    const { transport } = fakeServer({
      [`GET ${A}/r`]: { status: 302, headers: [['Location', `${B}/x`]] },
      [`GET ${B}/x`]: { headers: allow(A) },
    });
    const out = await simulateFetch({ origin: A, url: `${A}/r` }, transport);
    expect(out.requests.map((r) => header(r, 'origin'))).toEqual([null, A]);
    expect(out.allowed).toBe(true);
  });

  it('the CORS check runs on the 3xx itself', async () => {
    const { transport } = fakeServer({
      [`GET ${B}/r`]: { status: 302, headers: [['Location', `${C}/x`]] },
      [`GET ${C}/x`]: { headers: star },
    });
    const out = await simulateFetch({ origin: A, url: `${B}/r` }, transport);
    expect(out.error?.code).toBe('MissingAllowOriginHeader');
    expect(out.requests).toHaveLength(1);
  });

  const chain = (n: number): Routes => {
    const routes: Routes = {};
    for (let i = 0; i < n; i++) {
      routes[`GET ${B}/${i}`] = { status: 302, headers: [...star, ['Location', `${B}/${i + 1}`]] };
    }
    routes[`GET ${B}/${n}`] = { headers: star };
    return routes;
  };
  it('follows 20 redirects', async () => {
    const out = await simulateFetch({ origin: A, url: `${B}/0` }, fakeServer(chain(20)).transport);
    expect(out.allowed).toBe(true);
    expect(out.requests).toHaveLength(21);
  });
  it('the 21st redirect is net::ERR_TOO_MANY_REDIRECTS after 21 requests', async () => {
    const out = await simulateFetch({ origin: A, url: `${B}/0` }, fakeServer(chain(21)).transport);
    expect(out.error).toMatchObject({
      code: 'NetworkError',
      kind: 'network',
      parameter: 'net::ERR_TOO_MANY_REDIRECTS',
    });
    expect(out.requests).toHaveLength(21);
  });

  it.each([
    [301, 'POST', 'GET', false],
    [302, 'POST', 'GET', false],
    [303, 'POST', 'GET', false],
    [303, 'PUT', 'GET', false],
    [303, 'HEAD', 'HEAD', true],
    [307, 'POST', 'POST', true],
    [308, 'POST', 'POST', true],
    [301, 'PUT', 'PUT', true],
  ])('%i with %s continues as %s (body headers kept: %s)', async (status, method, next, kept) => {
    const { transport } = fakeServer({
      [`OPTIONS ${B}/r`]: {
        headers: [...star, ['Access-Control-Allow-Methods', '*'], ['Access-Control-Allow-Headers', '*']],
      },
      [`* ${B}/r`]: { status, headers: [...star, ['Location', `${B}/x`]] },
      [`OPTIONS ${B}/x`]: {
        headers: [...star, ['Access-Control-Allow-Methods', '*'], ['Access-Control-Allow-Headers', '*']],
      },
      [`* ${B}/x`]: { headers: star },
    });
    const body = method === 'HEAD' ? 'none' : 'text';
    const out = await simulateFetch(
      { origin: A, url: `${B}/r`, method, body, headers: { 'Content-Language': 'en' } },
      transport,
    );
    expect(out.allowed).toBe(true);
    const last = out.requests[out.requests.length - 1]!;
    expect(last.method).toBe(next);
    expect(header(last, 'content-language') !== null).toBe(kept);
  });

  it('Authorization is removed on a cross-origin redirect and kept on a same-origin one', async () => {
    const acah: [string, string][] = [...star, ['Access-Control-Allow-Headers', 'authorization']];
    const { transport } = fakeServer({
      [`OPTIONS ${B}/r`]: { headers: acah },
      [`GET ${B}/r`]: { status: 307, headers: [...star, ['Location', `${B}/s`]] },
      [`OPTIONS ${B}/s`]: { headers: acah },
      [`GET ${B}/s`]: { status: 307, headers: [...star, ['Location', `${C}/x`]] },
      [`GET ${C}/x`]: { headers: star },
    });
    const out = await simulateFetch({ origin: A, url: `${B}/r`, headers: { Authorization: 'Bearer t' } }, transport);
    expect(out.allowed).toBe(true);
    expect(out.requests.map((r) => `${r.method} ${r.url} ${header(r, 'authorization')}`)).toEqual([
      `OPTIONS ${B}/r null`,
      `GET ${B}/r Bearer t`,
      `OPTIONS ${B}/s null`,
      `GET ${B}/s Bearer t`,
      `GET ${C}/x null`,
    ]);
  });

  it('a preflighted PUT redirected by 307 to a third origin is preflighted again with Origin: null', async () => {
    const { transport } = fakeServer({
      [`OPTIONS ${B}/r`]: { headers: [...allow(A), ['Access-Control-Allow-Methods', 'PUT']] },
      [`PUT ${B}/r`]: { status: 307, headers: [...allow(A), ['Location', `${C}/x`]] },
      [`OPTIONS ${C}/x`]: { headers: [...allow('null'), ['Access-Control-Allow-Methods', 'PUT']] },
      [`PUT ${C}/x`]: { headers: allow('null') },
    });
    const out = await simulateFetch({ origin: A, url: `${B}/r`, method: 'PUT' }, transport);
    expect(out.allowed).toBe(true);
    expect(out.requests.map((r) => `${r.method} ${r.url} ${header(r, 'origin')}`)).toEqual([
      `OPTIONS ${B}/r ${A}`,
      `PUT ${B}/r ${A}`,
      `OPTIONS ${C}/x null`,
      `PUT ${C}/x null`,
    ]);
  });

  it('a redirect Location with userinfo is RedirectContainsCredentials with an empty parameter', async () => {
    const { transport } = fakeServer({
      [`GET ${B}/r`]: { status: 302, headers: [...star, ['Location', 'http://u:p@c.test/x']] },
    });
    const out = await simulateFetch({ origin: A, url: `${B}/r` }, transport);
    expect(out.error).toMatchObject({ code: 'RedirectContainsCredentials', parameter: '' });
    expect(out.error?.message).toContain(
      "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.",
    );
  });

  it("redirect: 'manual' gives an opaqueredirect response; 'error' a network error", async () => {
    const routes: Routes = {
      [`GET ${B}/r`]: { status: 302, headers: [...star, ['Location', `${B}/x`]] },
      [`GET ${B}/x`]: { headers: star },
    };
    const manual = await simulateFetch({ origin: A, url: `${B}/r`, redirect: 'manual' }, fakeServer(routes).transport);
    expect(manual.response).toMatchObject({ type: 'opaqueredirect', status: 0, exposedHeaders: [] });
    expect(manual.requests).toHaveLength(1);
    const error = await simulateFetch({ origin: A, url: `${B}/r`, redirect: 'error' }, fakeServer(routes).transport);
    expect(error.error).toMatchObject({ code: 'NetworkError', parameter: 'net::ERR_FAILED' });
    expect(error.requests).toHaveLength(1);
  });

  it("a 3xx without Location is returned as is, but 'manual' still gives an opaqueredirect (observed); the spec also rejects 'error'", async () => {
    const routes: Routes = { [`GET ${B}/r`]: { status: 302, headers: star } };
    const follow = await simulateFetch({ origin: A, url: `${B}/r` }, fakeServer(routes).transport);
    expect(follow.response).toMatchObject({ status: 302, type: 'cors' });
    const manual = await simulateFetch({ origin: A, url: `${B}/r`, redirect: 'manual' }, fakeServer(routes).transport);
    expect(manual.response).toMatchObject({ status: 0, type: 'opaqueredirect' });
    const error = await simulateFetch({ origin: A, url: `${B}/r`, redirect: 'error' }, fakeServer(routes).transport);
    expect(error.response).toMatchObject({ status: 302, type: 'cors' });
    const spec = await simulateFetch({ origin: A, url: `${B}/r`, redirect: 'error' }, fakeServer(routes).transport, {
      profile: 'spec',
    });
    expect(spec.error).toMatchObject({ code: 'NetworkError', parameter: 'net::ERR_FAILED' });
  });

  it('Chromium fails any redirect to a URL with credentials, even same-origin (no CORS error); the spec does not', async () => {
    const routes: Routes = {
      [`GET ${A}/r`]: { status: 302, headers: [['Location', 'http://u:p@a.test/x']] },
      [`GET ${A}/x`]: {},
    };
    const out = await simulateFetch({ origin: A, url: `${A}/r` }, fakeServer(routes).transport);
    expect(out.error).toMatchObject({ kind: 'network', parameter: 'origin' });
    expect(out.requests).toHaveLength(1);
    expect(
      (await simulateFetch({ origin: A, url: `${A}/r` }, fakeServer(routes).transport, { profile: 'spec' })).allowed,
    ).toBe(true);
  });

  it('Chromium: a no-cors POST redirected to another origin carries Origin: null from then on', async () => {
    const routes: Routes = {
      [`POST ${A}/r`]: { status: 307, headers: [['Location', `${B}/s`]] },
      [`POST ${B}/s`]: { status: 307, headers: [['Location', `${B}/x`]] },
      [`POST ${B}/x`]: {},
    };
    const out = await simulateFetch(
      { origin: A, url: `${A}/r`, mode: 'no-cors', method: 'POST', body: 'text' },
      fakeServer(routes).transport,
    );
    expect(out.requests.map((r) => header(r, 'origin'))).toEqual([A, 'null', 'null']);
    const spec = await simulateFetch(
      { origin: A, url: `${A}/r`, mode: 'no-cors', method: 'POST', body: 'text' },
      fakeServer(routes).transport,
      { profile: 'spec' },
    );
    expect(spec.requests.map((r) => header(r, 'origin'))).toEqual([A, A, A]);
  });

  it.each([
    ['http://[bad', 'cors', 'NetworkError', 'net::ERR_INVALID_REDIRECT'],
    ['data:,hello', 'cors', 'NetworkError', 'net::ERR_UNSAFE_REDIRECT'],
    ['data:,hello', 'no-cors', 'NetworkError', 'net::ERR_UNSAFE_REDIRECT'],
    ['ftp://c.test/x', 'cors', 'CorsDisabledScheme', ''],
    ['ftp://c.test/x', 'no-cors', 'NetworkError', 'net::ERR_UNKNOWN_URL_SCHEME'],
    ['//c.test:1/x', 'cors', 'NetworkError', 'net::ERR_UNSAFE_PORT'],
    ['http://c.test:6667/x', 'no-cors', 'NetworkError', 'net::ERR_UNSAFE_PORT'],
  ] as const)('Location %j (%s) -> %s %s', async (loc, mode, code, parameter) => {
    const { transport, log } = fakeServer({ [`GET ${B}/r`]: { status: 302, headers: [...star, ['Location', loc]] } });
    const out = await simulateFetch({ origin: A, url: `${B}/r`, mode }, transport);
    expect(out.error).toMatchObject({ code, parameter });
    expect(log).toHaveLength(1);
  });

  it.each([
    // [redirect mode, same-origin first hop?, ACAO of the 3xx, Location, expected code, parameter] — Chromium 156 (D27)
    ['manual', true, null, 'data:,x', 'opaqueredirect', ''],
    ['error', false, '*', 'data:,x', 'NetworkError', 'net::ERR_UNSAFE_REDIRECT'],
    ['error', true, null, 'ftp://x.test/', 'NetworkError', 'net::ERR_FAILED'],
    ['error', false, '*', 'ftp://x.test/', 'NetworkError', 'net::ERR_FAILED'],
    ['follow', false, 'http://x.test', 'data:,x', 'AllowOriginMismatch', 'http://x.test'],
    ['follow', false, null, 'ftp://x.test/', 'MissingAllowOriginHeader', ''],
    ['follow', true, null, 'ftp://x.test/', 'CorsDisabledScheme', ''],
  ] as const)(
    'redirect check order: %s, same-origin=%s, ACAO %j, Location %s -> %s',
    async (redirect, same, acao, loc, code, parameter) => {
      const start = same ? `${A}/r` : `${B}/r`;
      const headers: [string, string][] = [
        ['Location', loc],
        ...(acao === null ? [] : ([['Access-Control-Allow-Origin', acao]] as [string, string][])),
      ];
      const out = await simulateFetch(
        { origin: A, url: start, redirect },
        fakeServer({ [`GET ${start}`]: { status: 302, headers } }).transport,
      );
      if (code === 'opaqueredirect') expect(out.response?.type).toBe('opaqueredirect');
      else expect(out.error).toMatchObject({ code, parameter });
    },
  );

  it('response.url has no fragment and an opaque response is never "redirected"', async () => {
    const routes: Routes = {
      [`GET ${B}/r`]: { status: 302, headers: [...star, ['Location', `${B}/x#frag`]] },
      [`GET ${B}/x`]: { headers: star },
    };
    const cors = await simulateFetch({ origin: A, url: `${B}/r` }, fakeServer(routes).transport);
    expect(cors.response).toMatchObject({ url: `${B}/x`, redirected: true });
    const opaque = await simulateFetch({ origin: A, url: `${B}/r`, mode: 'no-cors' }, fakeServer(routes).transport);
    expect(opaque.response).toMatchObject({ url: '', redirected: false, type: 'opaque' });
  });

  it('a bad port in the request URL is blocked before anything is sent; default ports never are', async () => {
    const { transport, log } = fakeServer({ 'GET http://b.test:80/': { headers: star } });
    const out = await simulateFetch({ origin: A, url: 'http://b.test:25/' }, transport);
    expect(out.error).toMatchObject({ code: 'NetworkError', parameter: 'net::ERR_UNSAFE_PORT' });
    expect(log).toEqual([]);
    expect(
      (
        await simulateFetch(
          { origin: A, url: 'http://b.test:80/' },
          fakeServer({ 'GET http://b.test/': { headers: star } }).transport,
        )
      ).allowed,
    ).toBe(true);
  });

  it('Chromium: a credentialed no-cors GET from an opaque origin to a URL same-site with the top-level page carries Origin: null', async () => {
    const t = fakeServer({ [`GET ${A}/x`]: {}, [`GET ${B}/x`]: {} }).transport;
    const base: CorsRequest = {
      origin: 'null',
      url: `${A}/x`,
      mode: 'no-cors',
      credentials: 'include',
      topLevelOrigin: A,
    };
    expect(header((await simulateFetch(base, t)).requests[0], 'origin')).toBe('null');
    expect(header((await simulateFetch({ ...base, url: `${B}/x` }, t)).requests[0], 'origin')).toBeNull();
    expect(header((await simulateFetch({ ...base, credentials: 'same-origin' }, t)).requests[0], 'origin')).toBeNull();
    expect(header((await simulateFetch({ ...base, topLevelOrigin: undefined }, t)).requests[0], 'origin')).toBeNull();
    expect(header((await simulateFetch(base, t, { profile: 'spec' })).requests[0], 'origin')).toBeNull();
    await expect(simulateFetch({ ...base, topLevelOrigin: 'a.test' }, t)).rejects.toThrow(/topLevelOrigin/);
    // Decided by the first request: a chain that starts cross-site gets no Origin after redirecting home.
    const chain = fakeServer({
      [`GET ${B}/r`]: { status: 302, headers: [['Location', `${A}/x`]] },
      [`GET ${A}/x`]: {},
    }).transport;
    const out = await simulateFetch({ ...base, url: `${B}/r` }, chain);
    expect(out.requests.map((r) => header(r, 'origin'))).toEqual([null, null]);
    // A POST (Origin: null) redirected by 303 to a GET loses the header with the method change.
    const post = fakeServer({
      [`POST ${A}/p`]: { status: 303, headers: [['Location', `${B}/x`]] },
      [`GET ${B}/x`]: {},
    }).transport;
    const out2 = await simulateFetch({ ...base, url: `${A}/p`, method: 'POST', body: 'text' }, post);
    expect(out2.requests.map((r) => header(r, 'origin'))).toEqual(['null', null]);
  });

  it('no-cors follows redirects and still resolves opaque', async () => {
    const { transport } = fakeServer({
      [`GET ${B}/r`]: { status: 302, headers: [['Location', `${A}/x`]] },
      [`GET ${A}/x`]: {},
    });
    const out = await simulateFetch({ origin: A, url: `${B}/r`, mode: 'no-cors' }, transport);
    expect(out.response?.type).toBe('opaque');
    expect(out.requests.map((r) => header(r, 'origin'))).toEqual([null, null]);
  });
});

describe('simulateFetch: preflight cache', () => {
  const routes = (maxAge: string | null, methods = 'PUT', headers = ''): Routes => ({
    [`OPTIONS ${B}/x`]: {
      headers: [
        ...allow(A),
        ['Access-Control-Allow-Credentials', 'true'],
        ['Access-Control-Allow-Methods', methods],
        ['Access-Control-Allow-Headers', headers],
        ...(maxAge === null ? [] : ([['Access-Control-Max-Age', maxAge]] as [string, string][])),
      ],
    },
    [`* ${B}/x`]: { headers: [...allow(A), ['Access-Control-Allow-Credentials', 'true']] },
  });
  const clock = () => {
    let t = 1_000_000;
    return { now: () => t, advance: (s: number) => (t += s * 1000) };
  };
  const put: CorsRequest = { origin: A, url: `${B}/x`, method: 'PUT' };

  it.each([
    [null, 4.9, false],
    [null, 5, true],
    ['10', 9.9, false],
    ['10', 10, true],
    ['abc', 4, false],
    ['abc', 5, true],
    ['0', 0, true],
    ['-5', 0, true],
    ['999999', 7199, false],
    ['999999', 7200, true],
    ['5, 10', 4, false],
  ])('Max-Age %j: a second PUT after %ss preflights again: %s', async (maxAge, wait, again) => {
    const c = clock();
    const cache = new PreflightCache({ now: c.now });
    const { transport } = fakeServer(routes(maxAge));
    expect((await simulateFetch(put, transport, { cache })).preflighted).toBe(true);
    c.advance(wait);
    const second = await simulateFetch(put, transport, { cache });
    expect(second.allowed).toBe(true);
    expect(second.preflighted).toBe(again);
  });

  it('Chromium replaces the whole entry: PUT, then a DELETE preflight, then PUT preflights again', async () => {
    const cache = new PreflightCache({ now: clock().now });
    const put1 = fakeServer(routes('600', 'PUT'));
    await simulateFetch(put, put1.transport, { cache });
    const del = fakeServer(routes('600', 'DELETE'));
    expect((await simulateFetch({ ...put, method: 'DELETE' }, del.transport, { cache })).preflighted).toBe(true);
    expect((await simulateFetch(put, put1.transport, { cache })).preflighted).toBe(true);
  });

  it('the spec keeps per-method items: PUT stays cached after a DELETE preflight', async () => {
    const cache = new PreflightCache({ now: clock().now });
    await simulateFetch(put, fakeServer(routes('600', 'PUT')).transport, { cache, profile: 'spec' });
    await simulateFetch({ ...put, method: 'DELETE' }, fakeServer(routes('600', 'DELETE')).transport, {
      cache,
      profile: 'spec',
    });
    expect(
      (await simulateFetch(put, fakeServer(routes('600', 'PUT')).transport, { cache, profile: 'spec' })).preflighted,
    ).toBe(false);
  });

  it('an uncredentialed entry does not serve a credentialed request; a credentialed one serves both', async () => {
    const cache = new PreflightCache({ now: clock().now });
    const { transport } = fakeServer(routes('600'));
    await simulateFetch(put, transport, { cache });
    expect((await simulateFetch({ ...put, credentials: 'include' }, transport, { cache })).preflighted).toBe(true);
    expect((await simulateFetch({ ...put, credentials: 'include' }, transport, { cache })).preflighted).toBe(false);
    expect((await simulateFetch(put, transport, { cache })).preflighted).toBe(false);
  });

  it('an insufficient entry is erased on lookup', async () => {
    const cache = new PreflightCache({ now: clock().now });
    const { transport } = fakeServer(routes('600', 'PUT, DELETE'));
    await simulateFetch(put, transport, { cache });
    expect(cache.size).toBe(1);
    await simulateFetch({ ...put, method: 'PATCH' }, fakeServer({}).transport, { cache });
    expect(cache.size).toBe(0);
  });

  it('Authorization allowed only through * is never served from the Chromium cache', async () => {
    const cache = new PreflightCache({ now: clock().now });
    const r: Routes = {
      [`OPTIONS ${B}/x`]: {
        headers: [...star, ['Access-Control-Allow-Headers', '*'], ['Access-Control-Max-Age', '600']],
      },
      [`GET ${B}/x`]: { headers: star },
    };
    const req: CorsRequest = { origin: A, url: `${B}/x`, headers: { Authorization: 'x' } };
    expect((await simulateFetch(req, fakeServer(r).transport, { cache })).preflighted).toBe(true);
    expect((await simulateFetch(req, fakeServer(r).transport, { cache })).preflighted).toBe(true);
    const other: CorsRequest = { origin: A, url: `${B}/x`, headers: { 'X-A': 'x' } };
    // The entry stored by the last preflight does serve a request whose headers '*' covers.
    expect((await simulateFetch(other, fakeServer(r).transport, { cache })).preflighted).toBe(false);
  });

  it('a failed preflighted fetch clears the entry in the spec, not in Chromium (observed)', async () => {
    const okRoutes = routes('600');
    const failing = fakeServer({ ...okRoutes, [`* ${B}/x`]: { headers: [] } });
    const chromium = new PreflightCache({ now: clock().now });
    await simulateFetch(put, fakeServer(okRoutes).transport, { cache: chromium });
    const out = await simulateFetch(put, failing.transport, { cache: chromium });
    expect(out.preflighted).toBe(false);
    expect(out.error?.code).toBe('MissingAllowOriginHeader');
    expect(chromium.size).toBe(1);
    expect((await simulateFetch(put, failing.transport, { cache: chromium })).preflighted).toBe(false);
    const spec = new PreflightCache({ now: clock().now });
    await simulateFetch(put, fakeServer(okRoutes).transport, { cache: spec, profile: 'spec' });
    await simulateFetch(put, failing.transport, { cache: spec, profile: 'spec' });
    expect(spec.size).toBe(0);
  });

  it('Chromium never serves an opaque (null) requester from the cache', async () => {
    const cache = new PreflightCache({ now: clock().now });
    const r: Routes = {
      [`OPTIONS ${B}/x`]: {
        headers: [...allow('null'), ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Max-Age', '60']],
      },
      [`PUT ${B}/x`]: { headers: allow('null') },
    };
    const req: CorsRequest = { origin: 'null', url: `${B}/x`, method: 'PUT' };
    expect((await simulateFetch(req, fakeServer(r).transport, { cache })).preflighted).toBe(true);
    expect((await simulateFetch(req, fakeServer(r).transport, { cache })).preflighted).toBe(true);
    expect((await simulateFetch(req, fakeServer(r).transport, { cache, profile: 'spec' })).preflighted).toBe(true);
    expect((await simulateFetch(req, fakeServer(r).transport, { cache, profile: 'spec' })).preflighted).toBe(false);
  });

  it('the cache key is the full URL, query included', async () => {
    const cache = new PreflightCache({ now: clock().now });
    const r: Routes = {
      [`OPTIONS ${B}/x?a`]: {
        headers: [...star, ['Access-Control-Allow-Methods', 'PUT'], ['Access-Control-Max-Age', '60']],
      },
      [`PUT ${B}/x?a`]: { headers: star },
    };
    r[`OPTIONS ${B}/x?b`] = r[`OPTIONS ${B}/x?a`]!;
    r[`PUT ${B}/x?b`] = r[`PUT ${B}/x?a`]!;
    const { transport } = fakeServer(r);
    await simulateFetch({ origin: A, url: `${B}/x?a`, method: 'PUT' }, transport, { cache });
    expect((await simulateFetch({ origin: A, url: `${B}/x?b`, method: 'PUT' }, transport, { cache })).preflighted).toBe(
      true,
    );
    expect(
      (await simulateFetch({ origin: A, url: `${B}/x?a#frag`, method: 'PUT' }, transport, { cache })).preflighted,
    ).toBe(false);
  });
});

describe('simulateFetch: bad input rejects with a TypeError naming the problem', () => {
  const t = fakeServer({}).transport;
  it.each([
    [{ origin: 'a.test', url: `${B}/x` }, /Invalid request origin/],
    [{ origin: 'http://a.test/', url: `${B}/x` }, /Invalid request origin/],
    [{ origin: A, url: 'http://[' }, /Failed to parse URL/],
    [{ origin: 'null', url: '/relative' }, /Failed to parse URL/],
    [{ origin: A, url: 'http://u:p@b.test/' }, /includes credentials/],
    [{ origin: A, url: `${B}/x`, method: 'TRACE' }, /'TRACE' HTTP method is unsupported/],
    [{ origin: A, url: `${B}/x`, method: 'connect' }, /HTTP method is unsupported/],
    [{ origin: A, url: `${B}/x`, method: 'G T' }, /not a valid HTTP method/],
    [{ origin: A, url: `${B}/x`, method: 'PUT', mode: 'no-cors' }, /'PUT' is unsupported in no-cors mode\./],
    [{ origin: A, url: `${B}/x`, method: 'patch', mode: 'no-cors' }, /'patch' is unsupported in no-cors mode\./],
    [{ origin: A, url: `${B}/x`, body: 'text' }, /GET\/HEAD method cannot have body/],
    [{ origin: A, url: `${B}/x`, method: 'head', body: 'stream' }, /GET\/HEAD method cannot have body/],
    [{ origin: A, url: `${B}/x`, method: 'POST', body: 'stream', mode: 'no-cors' }, /ReadableStream/],
    [{ origin: A, url: `${B}/x`, headers: { 'x y': '1' } }, /not a valid HTTP header name/],
    [{ origin: A, url: `${B}/x`, headers: { 'x-y': 'a\nb' } }, /not a valid HTTP header value/],
    [{ origin: A, url: `${B}/x`, headers: { 'x-y': 'a\u0000b' } }, /not a valid HTTP header value/],
    [{ origin: A, url: `${B}/x`, headers: { 'x-y': '\u20ac' } }, /ISO-8859-1/],
    [{ origin: A, url: `${B}/x`, mode: 'navigate' }, /navigate/],
    [{ origin: A, url: `${B}/x`, credentials: 'always' }, /RequestCredentials/],
    [{ origin: A, url: `${B}/x`, redirect: 'never' }, /RequestRedirect/],
  ] as [CorsRequest, RegExp][])('%j', async (req, msg) => {
    await expect(simulateFetch(req, t)).rejects.toThrow(TypeError);
    await expect(simulateFetch(req, t)).rejects.toThrow(msg);
  });

  it('a bad transport, profile or cache is a TypeError too', async () => {
    await expect(simulateFetch({ origin: A, url: `${B}/x` }, 'x' as never)).rejects.toThrow(
      /transport must be a function/,
    );
    await expect(simulateFetch({ origin: A, url: `${B}/x` }, t, { profile: 'edge' as never })).rejects.toThrow(
      /Unknown profile 'edge'/,
    );
    await expect(simulateFetch({ origin: A, url: `${B}/x` }, t, { cache: {} as never })).rejects.toThrow(
      /PreflightCache/,
    );
  });

  it('header values are normalized before validation (surrounding whitespace is fine)', async () => {
    const { transport } = fakeServer({ [`GET ${B}/x`]: { headers: star } });
    const out = await simulateFetch({ origin: A, url: `${B}/x`, headers: { 'X-A': '  1 \n' } }, transport);
    expect(out.requests[0]!.headers[0]).toEqual(['Accept', '*/*']);
    expect(out.preflighted).toBe(true);
  });
});

describe('simulateFetch: transport failures are network errors, never crashes', () => {
  it.each([
    ['throws', () => Promise.reject(new Error('ECONNREFUSED')), 'net::ERR_FAILED'],
    ['status 0', () => Promise.resolve({ status: 0, headers: [] }), 'net::ERR_FAILED'],
    ['status 1000', () => Promise.resolve({ status: 1000, headers: [] }), 'net::ERR_FAILED'],
    ['no headers', () => Promise.resolve({ status: 200 }), 'net::ERR_FAILED'],
    ['bad header entry', () => Promise.resolve({ status: 200, headers: [['a']] }), 'net::ERR_FAILED'],
    ['null', () => Promise.resolve(null), 'net::ERR_FAILED'],
  ])('transport %s', async (_n, transport, parameter) => {
    const out = await simulateFetch({ origin: A, url: `${B}/x` }, transport as never);
    expect(out.allowed).toBe(false);
    expect(out.error).toMatchObject({ code: 'NetworkError', kind: 'network', parameter });
  });

  it('response header values are bytes: non-Latin-1 strings are taken as UTF-8', async () => {
    // A lone latin1 byte is not UTF-8: GURL rejects the value (observed in Chromium 156).
    const { transport } = fakeServer({
      [`GET ${B}/x`]: { headers: [['Access-Control-Allow-Origin', 'http://\u00e9.test']] },
    });
    const out = await simulateFetch({ origin: A, url: `${B}/x` }, transport);
    // CDP's failedParameter is '' (not UTF-8); the console still shows the value, escaped.
    expect(out.error).toMatchObject({ code: 'InvalidAllowOriginValue', parameter: '' });
    expect(out.error?.message).toContain("invalid value 'http://\\u00E9.test'");
    const { transport: t2 } = fakeServer({ [`GET ${B}/x`]: { headers: [['Access-Control-Allow-Origin', '\u20ac']] } });
    // Valid UTF-8 (the euro sign's three bytes): CDP reports it decoded; the console prints the bytes escaped.
    const euro = await simulateFetch({ origin: A, url: `${B}/x` }, t2);
    expect(euro.error).toMatchObject({ code: 'InvalidAllowOriginValue', parameter: '\u20ac' });
    expect(euro.error?.message).toContain("invalid value '\\u00E2\\u0082\\u00AC'");
  });
});
