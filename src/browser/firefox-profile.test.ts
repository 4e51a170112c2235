/**
 * The firefox profile's departures from Chromium, one case each, as observed in Firefox ESR 153 (the whole
 * corpus runs against the real browser in test/firefox/; these pin each rule without a browser).
 */
import { describe, expect, it } from 'vitest';
import { fakeServer, header, type Routes } from './__fixtures__/server.js';
import { PreflightCache } from './cache.js';
import { simulateFetch } from './simulate.js';
import type { CorsRequest, ProfileName } from './types.js';

const PAGE = 'http://page.test';
const API = 'http://api.test/r';
const OTHER = 'http://other.test/r';
const reflect = (req: { headers: [string, string][] }): [string, string][] => [
  ['Access-Control-Allow-Origin', header(req as never, 'origin') ?? '*'],
  ['Access-Control-Allow-Methods', 'PUT, POST, GET'],
  ['Access-Control-Allow-Headers', header(req as never, 'access-control-request-headers') ?? ''],
];

async function both(request: Partial<CorsRequest>, routes: Routes) {
  const out = {} as Record<
    'chromium' | 'firefox',
    { allowed: boolean; sent: { method: string; url: string; headers: [string, string][] }[] }
  >;
  for (const profile of ['chromium', 'firefox'] as ProfileName[]) {
    const { transport, log } = fakeServer(routes);
    const outcome = await simulateFetch({ origin: PAGE, url: API, ...request }, transport, { profile });
    out[profile as 'chromium' | 'firefox'] = { allowed: outcome.allowed, sent: log };
  }
  return out;
}

describe('firefox profile (observed in Firefox ESR 153)', () => {
  it('lists a repeated unsafe name twice in ACRH, and merges the values into one line on the wire', async () => {
    const r = await both(
      {
        method: 'POST',
        headers: [
          ['X-A', '1'],
          ['X-A', '2'],
        ],
      },
      { [`* ${API}`]: { headers: reflect } },
    );
    expect(header(r.chromium.sent[0], 'access-control-request-headers')).toBe('x-a');
    expect(header(r.firefox.sent[0], 'access-control-request-headers')).toBe('x-a,x-a');
    expect(r.firefox.sent[1]?.headers.filter(([n]) => n.toLowerCase() === 'x-a')).toEqual([['X-A', '1, 2']]);
  });

  it('keeps the last value of a singleton header on the wire, but the first Content-Type of a request with a body', async () => {
    const routes = { [`* ${API}`]: { headers: reflect } };
    const auth = await both(
      {
        method: 'POST',
        headers: [
          ['Authorization', 'a'],
          ['Authorization', 'b'],
        ],
      },
      routes,
    );
    expect(header(auth.firefox.sent[1], 'authorization')).toBe('b');
    const ct = await both(
      {
        method: 'POST',
        body: 'text',
        headers: [
          ['Content-Type', 'text/plain'],
          ['Content-Type', 'application/json'],
        ],
      },
      routes,
    );
    expect(header(ct.firefox.sent[1], 'content-type')).toBe('text/plain');
  });

  it('treats a byte above 0x7F in Accept as unsafe', async () => {
    const r = await both({ headers: [['Accept', 'café']] }, { [`* ${API}`]: { headers: reflect } });
    expect(r.chromium.sent.map((s) => s.method)).toEqual(['GET']);
    expect(r.firefox.sent.map((s) => s.method)).toEqual(['OPTIONS', 'GET']);
  });

  it('stringifies a ReadableStream body: a text body, no preflight', async () => {
    const r = await both({ method: 'POST', body: 'stream' }, { [`* ${API}`]: { headers: reflect } });
    expect(r.chromium.sent[0]?.method).toBe('OPTIONS');
    expect(r.firefox.sent.map((s) => s.method)).toEqual(['POST']);
    expect(header(r.firefox.sent[0], 'content-type')).toBe('text/plain;charset=UTF-8');
  });

  it('sends the page origin on a preflight after a cross-origin redirect, null on the actual request', async () => {
    const routes: Routes = {
      [`OPTIONS ${API}`]: { status: 204, headers: reflect },
      [`PUT ${API}`]: {
        status: 307,
        headers: [
          ['Location', OTHER],
          ['Access-Control-Allow-Origin', '*'],
        ],
      },
      [`* ${OTHER}`]: { headers: reflect },
    };
    const r = await both({ method: 'PUT' }, routes);
    const origins = (sent: { method: string; headers: [string, string][] }[]) =>
      sent.map((s) => `${s.method} ${header(s as never, 'origin')}`);
    expect(origins(r.chromium.sent)).toEqual([
      'OPTIONS http://page.test',
      'PUT http://page.test',
      'OPTIONS null',
      'PUT null',
    ]);
    expect(origins(r.firefox.sent)).toEqual([
      'OPTIONS http://page.test',
      'PUT http://page.test',
      'OPTIONS http://page.test',
      'PUT null',
    ]);
  });

  it('keeps preflighting after a redirect made the request simple (Authorization dropped)', async () => {
    const routes: Routes = {
      [`* ${PAGE}/r`]: { status: 302, headers: [['Location', OTHER]] },
      [`* ${OTHER}`]: { headers: reflect },
    };
    const r = await both({ url: `${PAGE}/r`, headers: [['Authorization', 'Bearer t']] }, routes);
    expect(r.chromium.sent.map((s) => s.method)).toEqual(['GET', 'GET']);
    expect(r.firefox.sent.map((s) => s.method)).toEqual(['GET', 'OPTIONS', 'GET']);
  });

  it('rejects redirect: error on a 3xx without Location, which Chromium returns as a response', async () => {
    const r = await both(
      { redirect: 'error' },
      { [`* ${API}`]: { status: 302, headers: [['Access-Control-Allow-Origin', '*']] } },
    );
    expect(r.chromium.allowed).toBe(true);
    expect(r.firefox.allowed).toBe(false);
  });

  it('fails several different Location values even in manual mode', async () => {
    const routes = {
      [`* ${API}`]: {
        status: 301,
        headers: [
          ['Location', OTHER],
          ['Location', `${OTHER}2`],
          ['Access-Control-Allow-Origin', '*'],
        ] as [string, string][],
      },
    };
    const r = await both({ redirect: 'manual' }, routes);
    expect(r.firefox.allowed).toBe(false);
  });

  it('sends Origin: null on a non-CORS POST from an https page to http, as the spec says', async () => {
    const r = await both(
      { origin: 'https://page.test', url: 'http://127.0.0.1/r', method: 'POST', mode: 'no-cors' },
      { '* http://127.0.0.1/r': {} },
    );
    expect(header(r.chromium.sent[0], 'origin')).toBe('https://page.test');
    expect(header(r.firefox.sent[0], 'origin')).toBe('null');
  });

  it('does not let a cached `*` cover another method: the next request is preflighted again', async () => {
    const routes: Routes = {
      [`OPTIONS ${API}`]: {
        status: 204,
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Methods', '*'],
          ['Access-Control-Max-Age', '600'],
        ],
      },
      [`* ${API}`]: { headers: [['Access-Control-Allow-Origin', '*']] },
    };
    const methods: Record<string, string[]> = {};
    for (const profile of ['chromium', 'firefox'] as ProfileName[]) {
      const cache = new PreflightCache();
      const { transport, log } = fakeServer(routes);
      await simulateFetch({ origin: PAGE, url: API, method: 'PUT' }, transport, { profile, cache });
      await simulateFetch({ origin: PAGE, url: API, method: 'DELETE' }, transport, { profile, cache });
      methods[profile] = log.map((r) => r.method);
    }
    expect(methods.chromium).toEqual(['OPTIONS', 'PUT', 'DELETE']);
    expect(methods.firefox).toEqual(['OPTIONS', 'PUT', 'OPTIONS', 'DELETE']);
  });

  it('follows two identical Location lines as one, and an empty Location as a redirect to the same URL (a loop)', async () => {
    const same = await both(
      {},
      {
        [`* ${API}`]: {
          status: 302,
          headers: [
            ['Location', OTHER],
            ['Location', OTHER],
            ['Access-Control-Allow-Origin', '*'],
          ],
        },
        [`* ${OTHER}`]: { headers: [['Access-Control-Allow-Origin', '*']] },
      },
    );
    expect(same.firefox.sent.map((r) => r.url)).toEqual([API, OTHER]);
    const empty = await both(
      {},
      {
        [`* ${API}`]: {
          status: 302,
          headers: [
            ['Location', ''],
            ['Access-Control-Allow-Origin', '*'],
          ],
        },
      },
    );
    expect(empty.chromium.allowed).toBe(true);
    expect(empty.firefox.allowed).toBe(false);
    expect(empty.firefox.sent).toHaveLength(21);
  });

  it('merges an empty header value as Firefox does: an empty entry empties the line, an empty line takes the next value', async () => {
    const routes = { [`* ${API}`]: { headers: reflect } };
    const emptyFirst = await both(
      {
        headers: [
          ['Accept-Language', ''],
          ['Accept-Language', 'fr'],
        ],
      },
      routes,
    );
    expect(header(emptyFirst.firefox.sent[0], 'accept-language')).toBe('fr');
    const emptyLast = await both(
      {
        headers: [
          ['Accept-Language', 'fr'],
          ['Accept-Language', ''],
        ],
      },
      routes,
    );
    expect(header(emptyLast.firefox.sent[0], 'accept-language')).toBe('');
  });
});
