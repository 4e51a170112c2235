import { describe, expect, it } from 'vitest';
import { isRedirectStatus, redirectLocation, sameSite } from './redirects.js';

describe('sameSite (where --follow-redirects may go)', () => {
  it.each([
    ['https://www.example.com/', 'https://api.example.com/x', true],
    ['http://example.com/', 'https://example.com/', true],
    ['https://a.example.co.uk/', 'https://b.example.co.uk/', true],
    ['https://example.com/', 'https://example.org/', false],
    ['https://example.co.uk/', 'https://other.co.uk/', false],
    // github.io is a public suffix (PSL private section): two users are two sites.
    ['https://alice.github.io/', 'https://bob.github.io/', false],
    ['https://alice.github.io/', 'https://alice.github.io/repo', true],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:9090/', true],
    ['http://127.0.0.1/', 'http://127.0.0.2/', false],
    ['http://localhost/', 'http://intranet/', false],
  ])('%s -> %s: %s', (from, to, expected) => {
    expect(sameSite(new URL(from), new URL(to))).toBe(expected);
  });
});

describe('redirectLocation', () => {
  const base = new URL('https://api.example.com/v1/items?x=1');
  const response = (location?: string) => ({
    status: 302,
    headers: location === undefined ? [] : ([['Location', location]] as [string, string][]),
    bodySnippet: '',
  });
  it('resolves relative locations against the request URL and drops the fragment', () => {
    expect(redirectLocation(response('../v2/items#top'), base)?.url?.href).toBe('https://api.example.com/v2/items');
    expect(redirectLocation(response('//cdn.example.com/a'), base)?.url?.href).toBe('https://cdn.example.com/a');
  });
  it('keeps the raw value when it is not a followable URL', () => {
    expect(redirectLocation(response('javascript:alert(1)'), base)).toEqual({
      raw: 'javascript:alert(1)',
      url: undefined,
    });
    expect(redirectLocation(response('http://[bad'), base)).toEqual({ raw: 'http://[bad', url: undefined });
    expect(redirectLocation(response(), base)).toBeUndefined();
  });
  it('knows the redirect statuses (Fetch)', () => {
    expect([300, 301, 302, 303, 304, 307, 308].filter(isRedirectStatus)).toEqual([301, 302, 303, 307, 308]);
  });
});
