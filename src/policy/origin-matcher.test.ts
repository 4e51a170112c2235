import { describe, expect, it } from 'vitest';
import { createPolicy } from './index.js';

/** Whether a policy with `origins` grants `origin` on a simple GET. */
function allows(origins: string[], origin: string): boolean {
  return createPolicy({ origins }).evaluate({ method: 'GET', headers: { origin } }).allowed;
}

const table: [patterns: string[], origin: string, allowed: boolean, why: string][] = [
  // exact
  [['https://example.com'], 'https://example.com', true, 'exact match'],
  [['https://example.com'], 'http://example.com', false, 'scheme differs'],
  [['https://example.com'], 'https://example.com:8443', false, 'port differs'],
  [['https://example.com'], 'https://EXAMPLE.com', false, 'browsers send lower case; case differs'],
  [['https://example.com'], 'https://example.com.', false, 'trailing dot is another origin'],
  [['https://example.com'], 'https://example.com/', false, 'trailing slash is not an origin'],
  [['https://example.com'], 'https://example.com.evil.com', false, 'look-alike suffix'],
  [['https://example.com'], 'https://evilexample.com', false, 'look-alike prefix'],
  [['https://example.com'], 'https://www.example.com', false, 'subdomain of an exact origin'],
  [['https://example.com'], 'null', false, 'opaque origin'],
  [['https://example.com'], '', false, 'empty Origin'],
  [['https://example.com'], 'https://example.com, https://example.com', false, 'two Origin values joined'],
  [['https://xn--bcher-kva.example'], 'https://xn--bcher-kva.example', true, 'punycode host'],
  [['https://xn--bcher-kva.example'], 'https://bücher.example', false, 'Unicode form is never sent by browsers'],
  [['http://[::1]:8080'], 'http://[::1]:8080', true, 'IPv6 exact'],
  // subdomain wildcards
  [['https://*.example.com'], 'https://a.example.com', true, 'one label'],
  [['https://*.example.com'], 'https://a.b.c.example.com', true, 'any depth'],
  [['https://*.example.com'], 'https://example.com', false, 'never the apex'],
  [['https://*.example.com'], 'https://.example.com', false, 'empty label'],
  [['https://*.example.com'], 'https://a..example.com', false, 'empty inner label'],
  [['https://*.example.com'], 'https://evilexample.com', false, 'no label boundary'],
  [['https://*.example.com'], 'https://a.example.com.evil.com', false, 'look-alike suffix'],
  [['https://*.example.com'], 'https://a.example.com.', false, 'trailing dot'],
  [['https://*.example.com'], 'http://a.example.com', false, 'scheme differs'],
  [['https://*.example.com'], 'https://a.example.com:8443', false, 'port differs'],
  [['https://*.example.com'], 'https://A.example.com', false, 'upper case is never sent'],
  [['https://*.example.com'], 'https://a b.example.com', false, 'invalid host character'],
  [['https://*.example.com'], 'https://a.example.com/', false, 'path'],
  [['https://*.example.com'], 'https://a.example.com\r\nx: y', false, 'header injection attempt is never reflected'],
  [['https://*.example.com'], 'https://user@a.example.com', false, 'userinfo'],
  [['https://*.example.com:8443'], 'https://a.example.com:8443', true, 'wildcard with port'],
  [['https://*.example.com:8443'], 'https://a.example.com', false, 'wildcard with port, no port'],
  [['https://*.example.com:*'], 'https://a.example.com:1', true, 'wildcard with any port'],
  [['https://*.example.com:*'], 'https://a.example.com', true, 'any port includes none'],
  [['https://*.example.com:*'], 'https://a.example.com:443', false, 'default port spelt out is not a browser origin'],
  [
    ['https://*.foo.com', 'https://*.bar.com'],
    'https://x.barfoo.com',
    false,
    'GHSA-vhxv-fg4m-p2w8 class: no suffix sharing across labels',
  ],
  [
    ['https://foo.com', 'https://bar.com'],
    'https://barfoo.com',
    false,
    'GHSA-vhxv-fg4m-p2w8: exact origins do not combine',
  ],
  [
    ['https://*.a.example.com', 'http://*.example.com'],
    'https://b.example.com',
    false,
    'nearest node has the wrong scheme, outer node has none',
  ],
  [['https://*.a.example.com', 'https://*.example.com'], 'https://x.a.example.com', true, 'nested patterns'],
  // port wildcards
  [['http://localhost:*'], 'http://localhost:3000', true, 'any port'],
  [['http://localhost:*'], 'http://localhost', true, 'no port'],
  [['http://localhost:*'], 'http://localhost:80', false, 'default port spelt out'],
  [['http://localhost:*'], 'http://localhost:0', false, 'port 0'],
  [['http://localhost:*'], 'http://localhost:65536', false, 'port out of range'],
  [['http://localhost:*'], 'http://localhost:03000', false, 'leading zero'],
  [['http://localhost:*'], 'http://localhost:', false, 'empty port'],
  [['http://localhost:*'], 'http://a.localhost:3000', false, 'port wildcard is not a subdomain wildcard'],
  [['http://localhost:*'], 'https://localhost:3000', false, 'scheme differs'],
  [['http://localhost:*'], 'http://localhost.evil.com:3000', false, 'look-alike'],
  [['http://127.0.0.1:*'], 'http://127.0.0.1:5173', true, 'IPv4 any port'],
  [['http://[::1]:*'], 'http://[::1]:5173', true, 'IPv6 any port'],
  [['http://[::1]:*'], 'http://[::1]', true, 'IPv6 no port'],
  [['http://[::1]:*'], 'http://[::2]:5173', false, 'other IPv6'],
  [['chrome-extension://abcdefghijklmnop'], 'chrome-extension://abcdefghijklmnop', true, 'non-special scheme'],
  // label-prefix wildcards (preview deployments)
  [['https://pr-*.preview.example.com'], 'https://pr-42.preview.example.com', true, 'prefix and one more character'],
  [['https://pr-*.preview.example.com'], 'https://pr-.preview.example.com', false, 'the prefix alone'],
  [['https://pr-*.preview.example.com'], 'https://pr.preview.example.com', false, 'shorter than the prefix'],
  [['https://pr-*.preview.example.com'], 'https://xpr-1.preview.example.com', false, 'prefix not at the start'],
  [['https://pr-*.preview.example.com'], 'https://a.pr-1.preview.example.com', false, 'one label only, not deeper'],
  [['https://pr-*.preview.example.com'], 'https://pr-1.x.preview.example.com', false, 'the label sits on the suffix'],
  [['https://pr-*.preview.example.com'], 'https://preview.example.com', false, 'never the suffix itself'],
  [['https://pr-*.preview.example.com'], 'http://pr-1.preview.example.com', false, 'scheme differs'],
  [['https://pr-*.preview.example.com'], 'https://pr-1.preview.example.com:8443', false, 'port differs'],
  [['https://pr-*.preview.example.com'], 'https://PR-1.preview.example.com', false, 'upper case is never sent'],
  [['https://pr-*.preview.example.com'], 'https://pr-1.preview.example.com.evil.com', false, 'look-alike suffix'],
  [['https://pr-*.preview.example.com:*'], 'https://pr-1.preview.example.com:3000', true, 'with any port'],
  [
    ['https://pr-*.example.com', 'https://pr-1-*.example.com'],
    'https://pr-1-x.example.com',
    true,
    'overlapping prefixes share the trie',
  ],
  [['https://pr-1-*.example.com', 'https://app-*.example.com'], 'https://pr-2.example.com', false, 'no prefix fits'],
  [['https://app-*.example.com', 'https://*.a.example.com'], 'https://app-1.a.example.com', true, 'beside *.'],
];

describe('origin matching', () => {
  it.each(table)('%j vs %j -> %s (%s)', (patterns, origin, expected) => {
    expect(allows(patterns, origin)).toBe(expected);
  });

  it('reflects the matched origin itself, never a pattern', () => {
    const policy = createPolicy({ origins: ['https://*.example.com'] });
    const d = policy.evaluate({ method: 'GET', headers: { origin: 'https://deep.a.example.com' } });
    expect(d.headers['access-control-allow-origin']).toBe('https://deep.a.example.com');
  });

  it('matches among 10,000 origins and patterns', () => {
    const origins = Array.from({ length: 5000 }, (_, i) => `https://app${i}.example.com`);
    origins.push(...Array.from({ length: 5000 }, (_, i) => `https://*.tenant${i}.example.net`));
    const policy = createPolicy({ origins });
    expect(policy.evaluate({ method: 'GET', headers: { origin: 'https://app4999.example.com' } }).allowed).toBe(true);
    expect(policy.evaluate({ method: 'GET', headers: { origin: 'https://x.tenant4999.example.net' } }).allowed).toBe(
      true,
    );
    expect(policy.evaluate({ method: 'GET', headers: { origin: 'https://x.tenant5000.example.net' } }).allowed).toBe(
      false,
    );
    expect(policy.evaluate({ method: 'GET', headers: { origin: 'https://app5000.example.com' } }).allowed).toBe(false);
  });

  it('matches a label prefix among 10,000 prefixes in one pass over the label', () => {
    const origins = Array.from({ length: 10_000 }, (_, i) => `https://app${i}-*.example.com`);
    const policy = createPolicy({ origins });
    const allowed = (origin: string) => policy.evaluate({ method: 'GET', headers: { origin } }).allowed;
    expect(allowed('https://app9999-feature-x.example.com')).toBe(true);
    expect(allowed('https://app10000-feature-x.example.com')).toBe(false);
    expect(allowed('https://app9999-.example.com')).toBe(false);
  });

  it('refuses an overlong Origin without matching it', () => {
    expect(allows(['https://*.example.com'], `https://${'a.'.repeat(500_000)}example.com`)).toBe(false);
    expect(allows(['https://example.com'], `https://example.com${' '.repeat(1 << 20)}`)).toBe(false);
  });
});
