/**
 * Table-driven tests: Profile rules (profiles.ts): Max-Age parsing.
 */
import { describe, expect, it } from 'vitest';
import { CHROMIUM, FIREFOX, getProfile, parseMaxAgeChromium, parseMaxAgeFirefox, parseMaxAgeSpec } from './profiles.js';

describe('Max-Age parsing per profile', () => {
  it.each([
    [null, 5],
    ['0', 0],
    ['10', 10],
    ['+10', 10],
    ['-5', 0],
    ['7199', 7199],
    ['7200', 7200],
    ['99999999999999999999', 5],
    ['abc', 5],
    ['1.5', 5],
    ['', 5],
    ['5, 10', 5],
  ])('Chromium %j -> %s', (v, s) => expect(parseMaxAgeChromium(v)).toBe(s));
  it.each([
    [null, 1, 5],
    ['10', 1, 10],
    ['10', 2, 5],
    ['-5', 1, 5],
    ['+10', 1, 5],
    ['100000', 1, 100000],
  ] as [string | null, number, number][])('spec %j (%i lines) -> %s', (v, n, s) =>
    expect(parseMaxAgeSpec(v, n)).toBe(s),
  );
  it.each([
    [null, 5],
    ['', 5],
    ['10', 10],
    ['abc', 0],
    ['-5', 0],
    ['100000', 86400],
  ])('Firefox %j -> %s', (v, s) => expect(parseMaxAgeFirefox(v)).toBe(s));
  it('profiles are looked up by name', () => {
    expect(getProfile(undefined)).toBe(CHROMIUM);
    expect(getProfile('firefox')).toBe(FIREFOX);
    expect(() => getProfile('opera' as never)).toThrow(TypeError);
  });
});
