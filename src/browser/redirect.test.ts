/**
 * Table-driven tests: Redirect pieces (redirect.ts).
 */
import { describe, expect, it } from 'vitest';
import { SPEC } from './profiles.js';
import { isRedirectResponse, locationURL, redirectTaint, rewriteForRedirect } from './redirect.js';

const A = 'http://a.test';

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
