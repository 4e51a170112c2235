import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  byteLowercase,
  getDecodeSplit,
  getHeader,
  isHeaderName,
  isHeaderValue,
  isToken,
  nameEquals,
  normalizeHeaderValue,
  parseTokenList,
  sortedLowercaseSet,
  splitHeaderValue,
  toByteString,
  toHeaderList,
} from './headers.js';

describe('isToken / isHeaderName', () => {
  it.each([
    ['x-foo', true],
    ['X_Foo.1', true],
    ["!#$%&'*+-.^_`|~", true],
    ['*', true],
    ['', false],
    ['x foo', false],
    ['"x"', false],
    ['x:y', false],
    ['x,y', false],
    ['x/y', false],
    ['é', false],
    ['x\t', false],
  ])('%j -> %s', (s, ok) => {
    expect(isToken(s)).toBe(ok);
    expect(isHeaderName(s)).toBe(ok);
  });
});

describe('isHeaderValue / normalizeHeaderValue', () => {
  it.each([
    ['', true],
    ['a b', true],
    ['a\tb', true],
    [' a', false],
    ['a\t', false],
    ['a\nb', false],
    ['a\rb', false],
    ['a\0b', false],
    ['\u00ff', true],
  ])('isHeaderValue(%j) -> %s', (v, ok) => expect(isHeaderValue(v)).toBe(ok));

  it.each([
    ['  a  ', 'a'],
    ['\t\r\na b\n', 'a b'],
    ['\u000ba', '\u000ba'],
    ['', ''],
  ])('normalizeHeaderValue(%j) -> %j', (v, out) => expect(normalizeHeaderValue(v)).toBe(out));
});

describe('getHeader (Fetch "get")', () => {
  const list: [string, string][] = [
    ['Access-Control-Allow-Origin', 'a'],
    ['x', '1'],
    ['access-control-allow-origin', 'b'],
  ];
  it('joins all values of the name with ", " in order, case-insensitively', () => {
    expect(getHeader(list, 'ACCESS-CONTROL-ALLOW-ORIGIN')).toBe('a, b');
  });
  it('returns null when absent and "" for an empty value', () => {
    expect(getHeader(list, 'y')).toBeNull();
    expect(getHeader([['y', '']], 'y')).toBe('');
  });
});

describe('splitHeaderValue (Fetch "get, decode, and split")', () => {
  it.each([
    ['nosniff,', ['nosniff', '']],
    ['', ['']],
    ['text/html;", x/x', ['text/html;", x/x']],
    ['text/html;"', ['text/html;"']],
    ['x/x;test="hi",y/y', ['x/x;test="hi"', 'y/y']],
    ['x/x;test=hi, y/y', ['x/x;test=hi', 'y/y']],
    ['x / x,,,1', ['x / x', '', '', '1']],
    ['"1,2", 3', ['"1,2"', '3']],
    ['"1,2"x, 3', ['"1,2"x', '3']],
    ['"a\\"b,c", d', ['"a\\"b,c"', 'd']],
  ])('%j -> %j', (v, out) => expect(splitHeaderValue(v)).toEqual(out));

  it('getDecodeSplit is null for an absent header', () => {
    expect(getDecodeSplit([], 'a')).toBeNull();
    expect(
      getDecodeSplit(
        [
          ['A', 'x, y'],
          ['a', 'z'],
        ],
        'a',
      ),
    ).toEqual(['x', 'y', 'z']);
  });
});

describe('parseTokenList (Chromium ParseAccessControlAllowList)', () => {
  it.each([
    ['GET, PUT', ['GET', 'PUT']],
    [' GET ,  PUT ', ['GET', 'PUT']],
    ['GET,,PUT,', ['GET', 'PUT']],
    ['', []],
    [',', []],
    ['*', ['*']],
    ['x-foo, "x-bar"', null],
    ['GE T', null],
    ['x bar', null],
    ['x-a;y', null],
  ])('%j -> %j', (v, out) => expect(parseTokenList(v)).toEqual(out));
});

describe('sortedLowercaseSet', () => {
  it('lowercases, de-duplicates and sorts by bytes', () => {
    expect(sortedLowercaseSet(['X-B', 'x-a', 'Content-Type', 'x-b'])).toEqual(['content-type', 'x-a', 'x-b']);
  });
  it('sorts by code unit, not locale', () => {
    expect(sortedLowercaseSet(['a_b', 'a-b', 'a.b'])).toEqual(['a-b', 'a.b', 'a_b']);
  });
  it('byteLowercase only touches ASCII', () => {
    expect(byteLowercase('ÀBC')).toBe('Àbc');
  });
});

describe('toHeaderList', () => {
  it('accepts records and pair lists, keeping order and duplicates', () => {
    expect(toHeaderList({ A: '1', b: '2' })).toEqual([
      ['A', '1'],
      ['b', '2'],
    ]);
    expect(
      toHeaderList([
        ['a', '1'],
        ['a', '2'],
      ]),
    ).toEqual([
      ['a', '1'],
      ['a', '2'],
    ]);
    expect(toHeaderList(undefined)).toEqual([]);
  });
  it.each([
    [[['a']], /index 0/],
    [[['a', 1]], /strings/],
    [{ a: 1 }, /header 'a'/],
    ['x', /record or a list/],
  ])('rejects %j with a TypeError', (init, msg) => {
    expect(() => toHeaderList(init as never)).toThrow(TypeError);
    expect(() => toHeaderList(init as never)).toThrow(msg);
  });
});

describe('toByteString', () => {
  it('keeps byte strings and turns other strings into their UTF-8 bytes', () => {
    expect(toByteString('abc\u00e9')).toBe('abc\u00e9');
    expect(toByteString('\u20ac')).toBe('\u00e2\u0082\u00ac');
  });
});

describe('byteLowercase and nameEquals, the fast paths', () => {
  // The definition they must keep: only A-Z change, every other code unit stays as it is.
  const reference = (s: string) => s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x20));
  const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('İ', 'Σ', 'K', 'ẞ'));

  it('byte-lowercases exactly A-Z, whatever else the string holds', () => {
    fc.assert(fc.property(text, (s) => byteLowercase(s) === reference(s)));
    expect(byteLowercase('İX-Ǆ')).toBe('İx-Ǆ');
  });

  it('compares names byte-case-insensitively, never folding beyond ASCII', () => {
    fc.assert(fc.property(text, text, (a, b) => nameEquals(a, b) === (reference(a) === reference(b))));
    fc.assert(
      fc.property(text, (a) => nameEquals(a, a.toUpperCase()) === (reference(a) === reference(a.toUpperCase()))),
    );
    expect(nameEquals('[', '{')).toBe(false);
    expect(nameEquals('@', '`')).toBe(false);
    expect(nameEquals('İ', 'i')).toBe(false);
  });
});
