import { describe, expect, it } from 'vitest';
import {
  isPotentiallyTrustworthy,
  isSameOrigin,
  isSameSite,
  isSchemelesslySameSite,
  isSerializedOrigin,
  parseOrigin,
  serializeOrigin,
  siteOf,
} from './origin.js';

describe('serializeOrigin', () => {
  it.each([
    ['http://A.Test:80/x?y#z', 'http://a.test'],
    ['https://a.test:443/', 'https://a.test'],
    ['https://a.test:8443/', 'https://a.test:8443'],
    ['http://[0:0::1]:8001/', 'http://[::1]:8001'],
    ['file:///etc/passwd', 'null'],
    ['data:text/plain,x', 'null'],
    ['blob:https://a.test/uuid', 'https://a.test'],
  ])('%s -> %s', (u, o) => expect(serializeOrigin(u)).toBe(o));
  it('throws a TypeError for an unparsable URL', () => {
    expect(() => serializeOrigin('nope')).toThrow(TypeError);
  });
});

describe('parseOrigin / isSerializedOrigin', () => {
  it.each([
    ['null', true],
    ['http://a.test', true],
    ['https://a.test:8443', true],
    ['http://[::1]:8001', true],
    ['http://127.0.0.1:8001', true],
    ['HTTP://a.test', false],
    ['http://A.test', false],
    ['http://a.test/', false],
    ['http://a.test:80', false],
    ['http://a.test/x', false],
    ['a.test', false],
    ['', false],
    ['Null', false],
    ['file:///x', false],
  ])('%j -> %s', (s, ok) => expect(isSerializedOrigin(s)).toBe(ok));
  it('splits a tuple origin', () => {
    expect(parseOrigin('https://a.test:8443')).toMatchObject({
      type: 'tuple',
      scheme: 'https',
      host: 'a.test',
      port: 8443,
    });
    expect(parseOrigin('http://a.test')).toMatchObject({ port: null });
    expect(parseOrigin('null')).toEqual({ type: 'opaque', serialized: 'null' });
  });
});

describe('isSameOrigin', () => {
  it.each([
    ['http://a.test', 'http://a.test/x', true],
    ['http://a.test', 'http://a.test:80/', true],
    ['http://a.test', 'https://a.test/', false],
    ['http://a.test:8001', 'http://a.test:8002/', false],
    ['http://a.test', 'http://b.a.test/', false],
    ['null', 'null', false],
    ['null', 'http://a.test', false],
  ])('%s vs %s -> %s', (a, b, same) => expect(isSameOrigin(a, b)).toBe(same));
});

describe('isSameSite / siteOf', () => {
  it.each([
    ['http://a.example.com', 'http://b.example.com', true],
    ['http://127.0.0.1:8001', 'http://127.0.0.1:8002', true],
    ['http://a.test:1', 'http://a.test:2', true],
    ['http://a.test', 'https://a.test', false],
    ['http://x.github.io', 'http://y.github.io', false],
    ['http://a.co.uk', 'http://b.co.uk', false],
    ['http://localhost:1', 'http://localhost:2', true],
    ['http://[::1]:1', 'http://[::1]:2', true],
    ['null', 'null', false],
  ])('%s vs %s -> %s', (a, b, same) => expect(isSameSite(a, b)).toBe(same));
  it('a site is the scheme plus registrable domain', () => {
    expect(siteOf('https://www.example.co.uk:8443/x')).toBe('https://example.co.uk');
    expect(siteOf('null')).toBeNull();
  });
});

describe('isPotentiallyTrustworthy', () => {
  it.each([
    ['https://a.test', true],
    ['wss://a.test/', true],
    ['http://127.0.0.1:8001', true],
    ['http://127.255.0.1', true],
    ['http://[::1]', true],
    ['http://localhost:3000', true],
    ['http://app.localhost', true],
    ['file:///x', true],
    ['http://a.test', false],
    ['http://10.0.0.1', false],
    ['null', false],
    ['data:text/plain,x', false],
  ])('%s -> %s', (o, ok) => expect(isPotentiallyTrustworthy(o)).toBe(ok));
});

describe("isSchemelesslySameSite (where the scanner's --follow-redirects may go)", () => {
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
    expect(isSchemelesslySameSite(new URL(from), new URL(to))).toBe(expected);
  });
});
