import { describe, expect, it } from 'vitest';
import {
  corsUnsafeRequestHeaderNames,
  isCorsSafelistedRequestHeader,
  isCorsSafelistedResponseHeaderName,
  isCorsUnsafeRequestHeaderByte,
  isForbiddenRequestHeader,
  isForbiddenResponseHeaderName,
  isNoCorsSafelistedRequestHeader,
  mimeEssence,
} from './safelist.js';

// WPT cors/cors-safelisted-request-header.any.js: [value, preflight expected].
const wptContentType: [string, boolean][] = [
  ['text /plain', true],
  ['text\t/\tplain', true],
  ['text/plain;', false],
  ['text/plain;garbage', false],
  ['text/plain;garbage\u0001\u0002', true],
  ['text/plain,', true],
  [',text/plain', true],
  ['text/plain,text/plain', true],
  ['text/plain,x/x', true],
  ['text/plain\u000B', true],
  ['text/plain\u000C', true],
  ['application/www-form-urlencoded', true],
  ['application/x-www-form-urlencoded;\u007F', true],
  ['multipart/form-data', false],
  ['multipart/form-data;"', true],
];

const wptRange: [string, boolean][] = [
  ['100-200', true],
  ['MB=100-200', true],
  ['bytes=100-200', false],
  ['bytes =100-200', true],
  ['bytes\t=100-200', true],
  ['bytes=  100-200', true],
  ['bytes=\t\t100-200', true],
  ['bytes= \t100-200', true],
  ['bytes=100 -200', true],
  ['bytes=100\t-200', true],
  ['bytes=100- 200', true],
  ['bytes=100-\t200', true],
  ['bytes=100-200hello', true],
  ['bytes=abc-def', true],
  ['bytes=100-200,300-400', true],
  ['bytes=-200', true],
  ['bytes=200-', false],
  ['bytes=200-100', true],
  [`bytes=1${'0'.repeat(60)}-2${'0'.repeat(60)}`, true],
  ['bytes 100-200', true],
  ['bytes = 100-200', true],
  [',bytes=100-200', true],
  ['bytes=,100-200', true],
];

const wptLastEventId: [string, boolean][] = [
  ['abc123', true],
  ['"', true],
  ['e5p3n<3k0k0s', true],
];

describe('CORS-safelisted request-header: WPT tables', () => {
  it.each(wptContentType)('Content-Type %j -> preflight %s', (v, preflight) => {
    expect(isCorsSafelistedRequestHeader('Content-Type', v)).toBe(!preflight);
    expect(isCorsSafelistedRequestHeader('content-type', v, { chromium: true })).toBe(!preflight);
  });
  it.each(wptRange)('Range %j -> preflight %s', (v, preflight) => {
    expect(isCorsSafelistedRequestHeader('Range', v)).toBe(!preflight);
  });
  // Last-Event-ID is not safelisted for fetch() in the current spec or in Chromium (observed).
  it.each(wptLastEventId)('Last-Event-ID %j -> preflight %s', (v, preflight) => {
    expect(isCorsSafelistedRequestHeader('Last-Event-ID', v, { chromium: true })).toBe(!preflight);
  });
});

describe('CORS-safelisted request-header: other rules', () => {
  it.each([
    ['Accept', '*/*', true],
    ['Accept', 'text/html, application/json;q=0.9', true],
    ['Accept', 'a"b', false],
    ['Accept', 'a\u0001', false],
    ['Accept', 'a\tb', true],
    ['Accept', 'x'.repeat(128), true],
    ['Accept', 'x'.repeat(129), false],
    ['Accept-Language', 'en-US,en;q=0.5', true],
    ['Accept-Language', 'de_DE', false],
    ['Content-Language', 'en *', true],
    ['Content-Language', 'en/x', false],
    ['Content-Type', 'TEXT/PLAIN', true],
    ['Content-Type', 'text/plain; charset=utf-8', true],
    ['Content-Type', 'text/plain; charset="utf-8"', false],
    ['Content-Type', 'application/json', false],
    ['Content-Type', ' text/plain', true],
    ['Content-Type', 'text/plain ;x', true],
    ['Range', 'bytes=0-', true],
    ['Range', 'bytes=0-10', true],
    ['Range', 'bytes=5-5', true],
    ['X-Foo', 'bar', false],
    ['Authorization', 'Bearer x', false],
    ['DPR', '2', false],
  ])('%s: %j -> %s (spec)', (n, v, ok) => expect(isCorsSafelistedRequestHeader(n, v)).toBe(ok));

  it.each([
    ['DPR', '2', true],
    ['DPR', '2.5', true],
    ['DPR', '2.', false],
    ['DPR', '.5', false],
    ['dpr', '1.2.3', false],
    ['Device-Memory', '8', true],
    ['Device-Memory', '0.25', true],
    ['Device-Memory', 'a', false],
    ['Width', '100', true],
    ['Width', '100.5', false],
    ['Viewport-Width', '1280', true],
    ['Viewport-Width', '', false],
    ['Save-Data', 'on', true],
    ['Save-Data', 'ON', true],
    ['Save-Data', 'off', false],
    ['Intervention', 'anything', true],
    ['Width', '1'.repeat(129), false],
  ])('%s: %j -> %s (Chromium extras)', (n, v, ok) => {
    expect(isCorsSafelistedRequestHeader(n, v, { chromium: true })).toBe(ok);
    if (ok) expect(isCorsSafelistedRequestHeader(n, v)).toBe(false);
  });

  it('CORS-unsafe request-header bytes', () => {
    const unsafe = [...Array(0x80).keys()].filter(isCorsUnsafeRequestHeaderByte).map((c) => String.fromCharCode(c));
    const expected = [...Array(0x20).keys()].filter((c) => c !== 9).map((c) => String.fromCharCode(c));
    expected.push('"', '(', ')', ':', '<', '>', '?', '@', '[', '\\', ']', '{', '}', '\u007f');
    expect(unsafe.sort()).toEqual(expected.sort());
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['Text/Plain;charset=x', 'text/plain'],
    ['  multipart/form-data  ', 'multipart/form-data'],
    ['text/', null],
    ['/plain', null],
    ['text', null],
    ['te xt/plain', null],
  ])('mimeEssence(%j) -> %j', (v, e) => expect(mimeEssence(v)).toBe(e));
});

describe('CORS-unsafe request-header names', () => {
  it('lowercases, sorts and de-duplicates unsafe names', () => {
    expect(
      corsUnsafeRequestHeaderNames([
        ['X-B', '1'],
        ['x-a', '1'],
        ['Content-Type', 'application/json'],
        ['Accept', '*/*'],
        ['x-b', '2'],
      ]),
    ).toEqual(['content-type', 'x-a', 'x-b']);
  });
  it('classifies each entry separately (two Content-Type entries, one unsafe)', () => {
    expect(
      corsUnsafeRequestHeaderNames([
        ['Content-Type', 'text/plain'],
        ['Content-Type', 'application/json'],
      ]),
    ).toEqual(['content-type']);
  });
  it('1024-byte rule: safelisted values totalling more than 1024 bytes all become unsafe', () => {
    const v = 'x'.repeat(128);
    const nine: [string, string][] = Array.from({ length: 9 }, () => ['Accept', v] as [string, string]);
    expect(corsUnsafeRequestHeaderNames(nine.slice(0, 8))).toEqual([]); // 1024 bytes: still safe
    expect(corsUnsafeRequestHeaderNames([...nine.slice(0, 8), ['Accept-Language', 'e']])).toEqual([
      'accept',
      'accept-language',
    ]);
    expect(
      corsUnsafeRequestHeaderNames([...nine.slice(0, 8), ['Accept-Language', 'e']], { totalLimit: false }),
    ).toEqual([]);
  });
  it('Chromium extras only count as safe with the chromium option', () => {
    expect(corsUnsafeRequestHeaderNames([['DPR', '2']])).toEqual(['dpr']);
    expect(corsUnsafeRequestHeaderNames([['DPR', '2']], { chromium: true })).toEqual([]);
  });
});

describe('forbidden request-header', () => {
  it.each([
    ['Accept-Charset', 'x', true],
    ['accept-encoding', 'gzip', true],
    ['Access-Control-Request-Headers', 'x', true],
    ['Access-Control-Request-Method', 'x', true],
    ['Connection', 'close', true],
    ['Content-Length', '1', true],
    ['Cookie', 'a=b', true],
    ['Cookie2', 'a', true],
    ['Date', 'x', true],
    ['DNT', '1', true],
    ['Expect', 'x', true],
    ['Host', 'x', true],
    ['Keep-Alive', 'x', true],
    ['Origin', 'x', true],
    ['Referer', 'x', true],
    ['Set-Cookie', 'x', true],
    ['TE', 'x', true],
    ['Trailer', 'x', true],
    ['Transfer-Encoding', 'x', true],
    ['Upgrade', 'x', true],
    ['Via', 'x', true],
    ['Proxy-Authorization', 'x', true],
    ['proxy-', 'x', true],
    ['Sec-Fetch-Mode', 'x', true],
    ['sec-foo', 'x', true],
    ['X-HTTP-Method-Override', 'PATCH', false],
    ['X-HTTP-Method-Override', 'TRACE', true],
    ['x-http-method', 'get, connect', true],
    ['X-Method-Override', 'track', true],
    ['X-Method-Override', 'tracking', false],
    ['User-Agent', 'x', false],
    ['Authorization', 'x', false],
    ['X-Foo', 'x', false],
  ])('%s: %j -> %s', (n, v, forbidden) => expect(isForbiddenRequestHeader(n, v)).toBe(forbidden));
  it('Chromium still forbids User-Agent', () => {
    expect(isForbiddenRequestHeader('User-Agent', 'x', { userAgent: true })).toBe(true);
  });
});

describe('response-header and no-CORS name lists', () => {
  it.each([
    ['Cache-Control', true],
    ['content-language', true],
    ['Content-Length', true],
    ['Content-Type', true],
    ['Expires', true],
    ['Last-Modified', true],
    ['Pragma', true],
    ['Date', false],
    ['Set-Cookie', false],
  ])('safelisted response header %s -> %s', (n, ok) => expect(isCorsSafelistedResponseHeaderName(n)).toBe(ok));
  it('forbidden response-header names', () => {
    expect(isForbiddenResponseHeaderName('Set-Cookie')).toBe(true);
    expect(isForbiddenResponseHeaderName('set-cookie2')).toBe(true);
    expect(isForbiddenResponseHeaderName('Cookie')).toBe(false);
  });
  it.each([
    ['Accept', 'text/html', true],
    ['Content-Type', 'text/plain', true],
    ['Content-Type', 'application/json', false],
    ['Range', 'bytes=0-', false],
    ['X-Foo', '1', false],
  ])('no-CORS-safelisted %s: %s -> %s', (n, v, ok) => expect(isNoCorsSafelistedRequestHeader(n, v)).toBe(ok));
});
