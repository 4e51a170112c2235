import { describe, expect, it } from 'vitest';
import { BAD_PORTS, isBadPort, isHttpScheme, wireURL } from './url.js';

describe('HTTP(S) scheme', () => {
  it.each([
    ['http://a.test/', true],
    ['https://a.test/', true],
    ['ftp://a.test/', false],
    ['data:text/plain,x', false],
  ])('%s -> %s', (u, expected) => expect(isHttpScheme(new URL(u))).toBe(expected));
});

describe('bad port', () => {
  it.each([
    ['http://a.test:6667/', true],
    ['https://a.test:25/', true],
    ['http://a.test:0/', true],
    ['http://a.test:8080/', false],
    // A default port is elided by the URL parser, and never a bad port.
    ['http://a.test:80/', false],
    ['ftp://a.test:21/', false],
  ])('%s -> %s', (u, expected) => expect(isBadPort(new URL(u))).toBe(expected));
  it('the list is sorted and unique', () => {
    expect([...BAD_PORTS].sort((a, b) => a - b)).toEqual([...new Set(BAD_PORTS)]);
  });
});

describe('wireURL (exclude fragment)', () => {
  it.each([
    ['https://a.test/x?y', 'https://a.test/x?y'],
    ['https://a.test/x#frag', 'https://a.test/x'],
    ['https://a.test/x#', 'https://a.test/x'],
    ['https://a.test/x?q#', 'https://a.test/x?q'],
  ])('%s -> %s', (u, expected) => expect(wireURL(new URL(u))).toBe(expected));
});
