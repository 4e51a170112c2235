/**
 * Tests of the differential harness itself: the case encoding, the pure answer function, the raw wire server,
 * and a handful of browser facts that prove the plumbing (page, null frame, CDP, console, server log) reads
 * Chromium correctly. The engine is not involved here.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession, chromiumAvailable, fetchInit, launchChromium } from './chromium.js';
import type { Browser } from 'playwright-core';
import { compareObservations } from './compare.js';
import { checkExpectation } from './expect.js';
import { chromiumDefaultAcceptLanguage, observeBrowser } from './observe.js';
import type { Observation } from './observe.js';
import { differenceKind } from './shrink.js';
import { getHeader, respond } from './respond.js';
import { decodeHops, encodeHops, expandHops, hopUrl, parseCaseUrl, validateCase } from './spec.js';
import type { CaseSpec, Hop, World } from './spec.js';
import { RequestLog, parseHead, serializeReply, startWireServer } from './wire-server.js';
import { startWorld } from './world.js';
import type { RunningWorld } from './world.js';

const world: World = {
  origins: {
    page: 'http://page.test:1001',
    api: 'http://api.test:1002',
    other: 'http://other.test:1003',
    sibling: 'http://page.test:1002',
    secure: 'https://api.test:1004',
    spage: 'https://page.test:1004',
    loopback: 'http://127.0.0.1:1002',
  },
};

describe('case specs', () => {
  it('round-trips hops through the URL and expands repeats', () => {
    const hops: Hop[] = [
      { at: 'api', repeat: 2, actual: { status: 302, headers: [['Location', '{{next}}']] } },
      { at: 'other', userinfo: 'u:p' },
    ];
    expect(decodeHops(encodeHops(hops))).toEqual(hops);
    expect(expandHops(hops).map((h) => h.at)).toEqual(['api', 'api', 'other']);
    const url = hopUrl(world, 'k1', hops, 2);
    expect(url.startsWith('http://u:p@other.test:1003/c/k1/2?s=')).toBe(true);
    expect(parseCaseUrl(url)).toMatchObject({ key: 'k1', hop: 2, hops });
    expect(parseCaseUrl('http://api.test:1002/favicon.ico')).toBeNull();
  });

  it('rejects malformed specs with a message naming the problem', () => {
    expect(() => validateCase({ id: 'x', request: {}, hops: [] })).toThrow(/hops: must be a non-empty array/);
    expect(() => validateCase({ id: 'x', request: { mode: 'navigate' }, hops: [{ at: 'api' }] })).toThrow(
      /request.mode/,
    );
    expect(() => validateCase({ id: 'x', request: {}, hops: [{ at: 'mars' }] })).toThrow(/hops\[0\].at/);
    expect(() =>
      validateCase({ id: 'x', request: {}, hops: [{ at: 'api', actual: { headers: [['X', 'a\r\nb']] } }] }),
    ).toThrow(/cannot go on the wire/);
    expect(() =>
      validateCase({ id: 'x', request: {}, hops: [{ at: 'api', actual: { headers: [['Content-Length', '1']] } }] }),
    ).toThrow(/set by the harness/);
    expect(() => validateCase({ id: 'x', request: {}, hops: [{ at: 'api' }], expect: { allowd: true } })).toThrow(
      /unknown field "allowd"/,
    );
  });
});

describe('respond', () => {
  const hops: Hop[] = [
    {
      at: 'api',
      preflight: [
        {
          when: { acrm: 'PUT' },
          status: 204,
          headers: [
            ['Access-Control-Allow-Origin', '{{origin}}'],
            ['Access-Control-Allow-Methods', '{{acrm}}'],
          ],
        },
        { status: 403 },
      ],
      actual: {
        status: 307,
        headers: [
          ['Location', '{{next}}'],
          ['Access-Control-Allow-Origin', '*'],
          ['X-A', '1'],
          ['x-a', '2'],
        ],
      },
    },
    { at: 'other', userinfo: 'u:p' },
  ];
  const url = hopUrl(world, 'k', hops, 0);

  it('answers preflights by their first matching rule and expands placeholders', () => {
    const r = respond(world, 'OPTIONS', url, [
      ['Origin', 'http://page.test:1001'],
      ['Access-Control-Request-Method', 'PUT'],
    ]);
    expect(r.status).toBe(204);
    expect(r.headers).toEqual([
      ['Access-Control-Allow-Origin', 'http://page.test:1001'],
      ['Access-Control-Allow-Methods', 'PUT'],
      ['Content-Type', 'text/plain'],
      ['Cache-Control', 'no-store'],
      ['Connection', 'keep-alive'],
    ]);
    expect(respond(world, 'OPTIONS', url, [['Access-Control-Request-Method', 'DELETE']]).status).toBe(403);
  });

  it('answers other requests (a plain OPTIONS included) with the actual answer, repeated lines kept', () => {
    const r = respond(world, 'OPTIONS', url, []);
    expect(r.status).toBe(307);
    expect(getHeader(r.headers, 'x-a')).toBe('1, 2');
    expect(getHeader(r.headers, 'location')).toBe(hopUrl(world, 'k', hops, 1));
    expect(getHeader(r.headers, 'content-length')).toBe('3');
  });

  it('flags a hop reached on the wrong origin, and serves the page', () => {
    expect(respond(world, 'GET', url.replace('api.test', 'other.test'), []).status).toBe(599);
    expect(respond(world, 'GET', 'http://page.test:1001/', []).headers[0]).toEqual([
      'Content-Type',
      'text/html; charset=utf-8',
    ]);
    expect(respond(world, 'GET', 'http://page.test:1001/favicon.ico', []).status).toBe(404);
  });
});

describe('comparison and expectations', () => {
  const base: Observation = {
    settled: 'network-error',
    cors: { code: 'AllowOriginMismatch', parameter: 'http://x.test' },
    message: 'Access to fetch at ...',
    netError: 'net::ERR_FAILED',
    response: null,
    requests: [
      {
        method: 'GET',
        url: 'http://api.test:1/c/k/0',
        preflight: false,
        origin: 'http://page.test:1',
        acrm: null,
        acrh: null,
        headers: { 'x-a': '1' },
      },
    ],
  };
  it('finds every kind of difference', () => {
    expect(compareObservations(base, base)).toEqual([]);
    const other: Observation = {
      ...base,
      cors: { code: 'AllowOriginMismatch', parameter: 'http://y.test' },
      message: 'other',
      requests: [{ ...base.requests[0]!, origin: 'null', headers: { 'x-a': null } }],
    };
    expect(compareObservations(base, other).map(differenceKind)).toEqual([
      'failedParameter',
      'console message',
      'request N origin',
      'request N header x-a',
    ]);
    expect(
      compareObservations(base, {
        ...base,
        settled: 'resolved',
        response: { status: 200, type: 'cors', exposedHeaders: [] },
      })[0],
    ).toMatch(/^settled: browser network-error, engine resolved/);
    expect(compareObservations(base, { ...base, requests: [] })[0]).toMatch(/^requests on the wire: browser sent 1/);
  });
  it('checks corpus expectations', () => {
    expect(
      checkExpectation({ allowed: false, error: 'AllowOriginMismatch', origins: ['$page'] }, base, {
        ...world,
        origins: { ...world.origins, page: 'http://page.test:1' },
      }),
    ).toEqual([]);
    expect(checkExpectation({ allowed: true, preflight: true, parameter: '' }, base, world)).toEqual([
      'allowed: expected true, got false',
      'failedParameter: expected "", got "http://x.test"',
      'preflight sent: expected true, got false',
    ]);
  });
});

describe('wire server', () => {
  it('parses heads exactly and serialises replies byte for byte', () => {
    expect(parseHead('patch /x?y HTTP/1.1\r\nHost: a\r\nX-A:  v \t')).toEqual({
      method: 'patch',
      target: '/x?y',
      headers: [
        ['Host', 'a'],
        ['X-A', 'v'],
      ],
    });
    expect(parseHead('GET /x HTTP/2')).toBeNull();
    const bytes = serializeReply({ status: 200, headers: [['X', 'caf\u00e9']], body: 'ok\n' }, 'HEAD');
    expect([...bytes.subarray(bytes.length - 8)]).toEqual([...Buffer.from('caf\u00e9\r\n\r\n', 'latin1')]);
  });

  it('logs and answers methods node:http would refuse, on a kept-alive connection', async () => {
    const log = new RequestLog();
    const server = await startWireServer({
      log,
      handler: (m) => ({
        status: 200,
        headers: [
          ['X-M', m],
          ['Content-Length', '2'],
        ],
        body: 'ok',
      }),
    });
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const s = net.connect(server.port, '127.0.0.1');
        let got = '';
        s.on('data', (d) => {
          got += d.toString('latin1');
          if (got.split('HTTP/1.1 200').length === 3) {
            s.end();
            resolve(got);
          }
        });
        s.on('error', reject);
        s.write(
          'patch /c/k/0?s=x HTTP/1.1\r\nHost: api.test:9\r\nContent-Length: 3\r\n\r\nabcFOO / HTTP/1.1\r\nHost: a\r\n\r\n',
        );
      });
      expect(text).toContain('X-M: patch');
      expect(text).toContain('X-M: FOO');
      expect(log.entries.map((e) => [e.method, e.url])).toEqual([
        ['patch', 'http://api.test:9/c/k/0?s=x'],
        ['FOO', 'http://a/'],
      ]);
      expect(log.forKey('k')).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

// Outside CI the browser part may skip only when the Chromium binary is absent (never under CI=true).
const runBrowser = chromiumAvailable();

describe.runIf(runBrowser)('the harness reads Chromium correctly', () => {
  let w: RunningWorld;
  let browser: Browser;
  let session: BrowserSession;
  beforeAll(async () => {
    w = await startWorld();
    browser = await launchChromium();
    session = await BrowserSession.open(browser, w.world);
  });
  afterAll(async () => {
    await session?.close();
    await browser?.close();
    await w?.close();
  });

  const run = async (spec: CaseSpec) => {
    const key = `h${Math.random().toString(36).slice(2, 8)}`;
    const url = hopUrl(w.world, key, spec.hops, 0);
    const [result] = await session.run([
      { key, url, from: spec.request.from ?? 'page', init: fetchInit(spec.request) },
    ]);
    return observeBrowser(result!, w.log.forKey(key), spec.request);
  };
  const allow = [['Access-Control-Allow-Origin', '{{origin}}']] as [string, string][];

  it('sees a preflight, its ACRM/ACRH and the CDP error when the method is not allowed', async () => {
    const o = await run({
      id: 'put',
      request: {
        method: 'PUT',
        headers: [
          ['X-B', '1'],
          ['x-a', '2'],
        ],
      },
      hops: [
        {
          at: 'api',
          preflight: { headers: [...allow, ['Access-Control-Allow-Headers', 'x-a, x-b']] },
          actual: { headers: allow },
        },
      ],
    });
    expect(o.settled).toBe('network-error');
    expect(o.cors).toEqual({ code: 'MethodDisallowedByPreflightResponse', parameter: 'PUT' });
    expect(o.message).toMatch(
      /^Access to fetch at 'http:\/\/api\.test:\d+\/c\/.*' from origin 'http:\/\/page\.test:\d+' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response\.$/,
    );
    expect(o.requests).toHaveLength(1);
    expect(o.requests[0]).toMatchObject({
      method: 'OPTIONS',
      preflight: true,
      acrm: 'PUT',
      acrh: 'x-a,x-b',
      origin: w.world.origins.page,
      headers: { 'x-a': null, 'x-b': null },
    });
  });

  it('reads a resolved response, its readable header names and the actual request headers', async () => {
    const o = await run({
      id: 'ok',
      request: { method: 'POST', body: 'text', headers: [['X-A', 'v']] },
      hops: [
        {
          at: 'secure',
          preflight: { headers: [...allow, ['Access-Control-Allow-Headers', '*']] },
          actual: {
            status: 500,
            headers: [...allow, ['X-Hidden', '1'], ['X-Shown', '2'], ['Access-Control-Expose-Headers', 'x-shown']],
          },
        },
      ],
    });
    expect(o.settled).toBe('resolved');
    expect(o.response).toMatchObject({
      status: 500,
      type: 'cors',
      exposedHeaders: ['cache-control', 'content-length', 'content-type', 'x-shown'],
      redirected: false,
    });
    expect(o.response!.url).toMatch(/^https:\/\/api\.test:\d+\/c\//);
    expect(o.requests.map((r) => [r.method, r.preflight, r.headers])).toEqual([
      ['OPTIONS', true, { 'content-type': null, 'x-a': null }],
      ['POST', false, { 'content-type': 'text/plain;charset=UTF-8', 'x-a': 'v' }],
    ]);
  });

  it('sees the Accept-Language Chromium adds by itself (treated as "no script value")', async () => {
    const key = `al${Math.random().toString(36).slice(2, 8)}`;
    const hops: Hop[] = [{ at: 'api', actual: { headers: [['Access-Control-Allow-Origin', '*']] } }];
    await session.run([{ key, url: hopUrl(w.world, key, hops, 0), from: 'page', init: {} }]);
    expect(getHeader(w.log.forKey(key)[0]!.headers, 'accept-language')).toBe(chromiumDefaultAcceptLanguage);
  });

  it('runs null-origin cases in the sandboxed frame, with CDP and console', async () => {
    const o = await run({
      id: 'null',
      request: { from: 'null' },
      hops: [{ at: 'api', actual: { headers: [['Access-Control-Allow-Origin', 'http://x.test']] } }],
    });
    expect(o.requests.map((r) => r.origin)).toEqual(['null']);
    expect(o.cors).toEqual({ code: 'AllowOriginMismatch', parameter: 'http://x.test' });
    expect(o.message).toContain("from origin 'null' has been blocked by CORS policy");
  });

  it('follows a redirect chain and sees Origin become null after a cross-origin hop', async () => {
    const o = await run({
      id: 'redirect',
      request: {},
      hops: [
        {
          at: 'api',
          actual: {
            status: 302,
            headers: [
              ['Location', '{{next}}'],
              ['Access-Control-Allow-Origin', '*'],
            ],
          },
        },
        { at: 'other', actual: { headers: [['Access-Control-Allow-Origin', '*']] } },
      ],
    });
    expect(o.settled).toBe('resolved');
    expect(o.requests.map((r) => [r.url.split('/c/')[0], r.origin])).toEqual([
      [w.world.origins.api, w.world.origins.page],
      [w.world.origins.other, 'null'],
    ]);
  });

  it('keeps the records of a key apart when it is run again (sequences reuse URLs)', async () => {
    const key = `re${Math.random().toString(36).slice(2, 8)}`;
    const hops: Hop[] = [
      {
        at: 'api',
        preflight: { status: 403, headers: [['Access-Control-Allow-Origin', '*']] },
        actual: { headers: [['Access-Control-Allow-Origin', '*']] },
      },
    ];
    const url = hopUrl(w.world, key, hops, 0);
    const [first] = await session.run([{ key, url, from: 'page', init: { method: 'PUT' } }]);
    expect(first!.failures.map((f) => f.corsError)).toContain('PreflightInvalidStatus');
    expect(first!.console).toHaveLength(1);
    const [second] = await session.run([{ key, url, from: 'page', init: {} }]);
    expect(second!.settled).toBe('resolved');
    expect(second!.failures).toEqual([]);
    expect(second!.console).toEqual([]);
  });

  it('tells construction TypeErrors from network errors', async () => {
    const o = await run({ id: 'nocors-put', request: { method: 'PUT', mode: 'no-cors' }, hops: [{ at: 'api' }] });
    expect(o.settled).toBe('type-error');
    expect(o.requests).toHaveLength(0);
    const redirectError = await run({
      id: 'redir-error',
      request: { redirect: 'error' },
      hops: [
        {
          at: 'api',
          actual: {
            status: 301,
            headers: [
              ['Location', '{{next}}'],
              ['Access-Control-Allow-Origin', '*'],
            ],
          },
        },
        { at: 'api' },
      ],
    });
    expect(redirectError.settled).toBe('network-error');
    expect(redirectError.cors.code).toBeNull();
  });
});
