import { describe, expect, it } from 'vitest';
import { parseTargetLine } from './lines.js';
import { isCopiedHeader, targetKey, targetRequest } from './request.js';
import { applyScope, createScope, scopePatterns } from './scope.js';

describe('isCopiedHeader: what the probes carry of the application request', () => {
  it.each([
    ['Cookie', true],
    ['Authorization', true],
    ['X-CSRF-Token', true],
    ['Content-Type', true],
    ['Accept', true],
    ['Origin', false],
    ['Host', false],
    ['Content-Length', false],
    ['Connection', false],
    ['Keep-Alive', false],
    ['Transfer-Encoding', false],
    ['Proxy-Authorization', false],
    ['Sec-Fetch-Site', false],
    ['Referer', false],
    ['Accept-Encoding', false],
    ['User-Agent', false],
    ['If-None-Match', false],
    [':authority', false],
    ['X-HTTP-Method-Override', true],
  ])('%s -> %s', (name, copied) => {
    expect(isCopiedHeader(name, 'v')).toBe(copied);
  });

  it('a method override naming a forbidden method is not copied', () => {
    expect(isCopiedHeader('X-HTTP-Method-Override', 'TRACE')).toBe(false);
  });
});

describe('targetRequest: the preflight a browser sends before the request', () => {
  it.each([
    ['GET', [['Accept', 'application/json']], undefined],
    ['POST', [['Content-Type', 'text/plain']], undefined],
    ['POST', [['Content-Type', 'application/json']], { method: 'POST', headers: ['content-type'] }],
    ['get', [['Cookie', 'a=b']], undefined],
    ['delete', [], { method: 'DELETE', headers: [] }],
    [
      'patch',
      [
        ['X-B', '1'],
        ['x-a', '2'],
      ],
      { method: 'patch', headers: ['x-a', 'x-b'] },
    ],
  ] as const)('%s %j', (method, headers, preflight) => {
    const target = targetRequest(
      'https://a.test/',
      method,
      headers.map(([n, v]) => [n, v]),
    );
    expect(target.preflight).toEqual(preflight);
  });

  it('keeps each name and value once, trimmed; declared names join the preflight but are not sent', () => {
    const target = targetRequest(
      'https://a.test/',
      'GET',
      [
        ['Cookie', ' a=b '],
        ['cookie', 'a=b'],
        ['Origin', 'https://x.test'],
      ],
      ['X-Api-Key', 'Cookie'],
    );
    expect(target).toEqual({
      url: 'https://a.test/',
      method: 'GET',
      headers: [['Cookie', 'a=b']],
      preflight: { method: 'GET', headers: ['x-api-key'] },
    });
  });

  it('refuses a method that is no token or that browsers never send', () => {
    expect(() => targetRequest('https://a.test/', 'GE T')).toThrow("'GE T' is not an HTTP method");
    expect(() => targetRequest('https://a.test/', 'connect')).toThrow('never sent by browsers');
  });

  it('a target is keyed by method and URL', () => {
    expect(targetKey('https://a.test/')).toBe('https://a.test/');
    expect(targetKey({ url: 'https://a.test/' })).toBe('https://a.test/');
    expect(targetKey(targetRequest('https://a.test/', 'put'))).toBe('PUT https://a.test/');
  });
});

describe('parseTargetLine', () => {
  it.each([
    ['https://a.test/x', { target: 'https://a.test/x' }],
    ['a.test', { target: 'https://a.test/' }],
    [
      'PUT https://a.test/x',
      { target: { url: 'https://a.test/x', method: 'PUT', preflight: { method: 'PUT', headers: [] } } },
    ],
    ['GET\thttps://a.test/', { target: { url: 'https://a.test/', method: 'GET' } }],
    ['two words', { reason: "invalid URL 'two words'" }],
    ['GET ftp://a.test/', { reason: "unsupported scheme 'ftp:' in 'ftp://a.test/' (http or https only)" }],
    ['TRACE https://a.test/', { reason: "method 'TRACE' is never sent by browsers (a forbidden method in Fetch)" }],
    [
      '{"url": "https://a.test/", "headers": {"X-Key": "k", "Accept": ["a", "b"]}}',
      {
        target: {
          url: 'https://a.test/',
          method: 'GET',
          headers: [
            ['X-Key', 'k'],
            ['Accept', 'a'],
            ['Accept', 'b'],
          ],
          preflight: { method: 'GET', headers: ['x-key'] },
        },
      },
    ],
    ['{"url": "https://a.test/", "method": "post"}', { target: { url: 'https://a.test/', method: 'POST' } }],
    ['{"url": "https://a.test/"', { reason: expect.stringMatching(/^invalid JSON: /) as unknown }],
    ['{"href": "https://a.test/"}', { reason: 'unknown key "href" (known: url, method, headers)' }],
    [
      '{"url": "https://a.test/", "headers": {"Origin": "https://x.test"}}',
      { reason: expect.stringContaining('--origin') as unknown },
    ],
    [
      '{"url": "https://a.test/", "headers": {"X": "a\\nb"}}',
      { reason: 'header "X": the value contains a NUL, CR or LF byte' },
    ],
    ['{"url": "https://a.test/", "headers": ["X: 1"]}', { reason: '"headers" must be an object of name: value' }],
  ])('%s', (line, expected) => {
    expect(parseTargetLine(line)).toEqual(expected);
  });
});

describe('--scope', () => {
  it('host names match exactly (case-insensitive), *.example.com any sub-domain but not example.com itself', () => {
    const scope = createScope(scopePatterns(['api.example.com,*.example.org', ' 127.0.0.1 ']));
    expect(['API.example.com', 'a.example.org', 'a.b.example.org', '127.0.0.1'].map((h) => scope.includes(h))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ['example.org', 'xexample.org', 'example.com', 'api.example.com.evil.test'].map((h) => scope.includes(h)),
    ).toEqual([false, false, false, false]);
  });

  it('refuses what is not a host pattern', () => {
    for (const bad of ['https://a.test', 'a.test:443', '*', 'a..test', '*.']) {
      expect(() => createScope([bad])).toThrow(`bad --scope '${bad}'`);
    }
    expect(() => scopePatterns([' , '])).toThrow('bad --scope: name at least one host');
  });

  it('splits targets into those in scope and the hosts skipped, with their request counts', () => {
    const targets = ['https://app.test/', 'https://cdn.test/a.js', 'https://app.test/api', 'https://cdn.test/b.js'].map(
      (url) => targetRequest(url, 'GET'),
    );
    const { inScope, skipped } = applyScope(targets, createScope(['app.test']));
    expect(inScope.map((t) => t.url)).toEqual(['https://app.test/', 'https://app.test/api']);
    expect(skipped).toEqual([{ host: 'cdn.test', requests: 2, reason: 'out of scope' }]);
  });
});
