/**
 * Table-driven tests: Response filtering (expose.ts).
 */
import { describe, expect, it } from 'vitest';
import { exposedHeaderNames, parseExposeHeaders } from './expose.js';

describe('exposedHeaderNames', () => {
  const res = (aceh: string | null, ...extra: [string, string][]): [string, string][] => [
    ['Content-Type', 'text/plain'],
    ['Cache-Control', 'no-store'],
    ['Set-Cookie', 'a=b'],
    ['Date', 'x'],
    ['bb-8', 'droid'],
    ...(aceh === null ? [] : ([['Access-Control-Expose-Headers', aceh]] as [string, string][])),
    ...extra,
  ];
  it.each([
    [null, 'omit', ['cache-control', 'content-type']],
    ['bb-8', 'omit', ['bb-8', 'cache-control', 'content-type']],
    ['BB-8', 'omit', ['bb-8', 'cache-control', 'content-type']],
    ['bb-8,', 'omit', ['bb-8', 'cache-control', 'content-type']],
    [',bb-8', 'omit', ['bb-8', 'cache-control', 'content-type']],
    [' bb-8 , date', 'omit', ['bb-8', 'cache-control', 'content-type', 'date']],
    ['"bb-8"', 'omit', ['cache-control', 'content-type']],
    ['bb-8, "x"', 'omit', ['cache-control', 'content-type']],
    ['bb 8', 'omit', ['cache-control', 'content-type']],
    [
      '*',
      'omit',
      ['access-control-expose-headers', 'bb-8', 'cache-control', 'content-type', 'date'],
      [
        ['x-\u00e9', '1'],
        ['a b', '1'],
      ],
    ],
    ['set-cookie, bb-8', 'omit', ['bb-8', 'cache-control', 'content-type']],
    ['*', 'omit', ['access-control-expose-headers', 'bb-8', 'cache-control', 'content-type', 'date']],
    ['*', 'include', ['cache-control', 'content-type']],
    ['*, bb-8', 'include', ['bb-8', 'cache-control', 'content-type']],
    ['x-absent', 'omit', ['cache-control', 'content-type']],
  ] as [string | null, 'omit' | 'include', string[], [string, string][]?][])(
    'ACEH %j credentials=%s',
    (aceh, credentials, names, extra = []) => {
      expect(exposedHeaderNames({ headers: res(aceh, ...extra), type: 'cors', credentials })).toEqual(names);
    },
  );
  it('basic responses expose everything but Set-Cookie; opaque ones nothing', () => {
    expect(exposedHeaderNames({ headers: res(null), type: 'basic', credentials: 'omit' })).toEqual([
      'bb-8',
      'cache-control',
      'content-type',
      'date',
    ]);
    expect(exposedHeaderNames({ headers: res(null), type: 'opaque', credentials: 'omit' })).toEqual([]);
    expect(exposedHeaderNames({ headers: res(null), type: 'opaqueredirect', credentials: 'omit' })).toEqual([]);
  });
  it('ACEH split over two lines is one list', () => {
    expect(
      parseExposeHeaders([
        ['Access-Control-Expose-Headers', 'A'],
        ['access-control-expose-headers', 'b'],
      ]),
    ).toEqual(['a', 'b']);
  });
});
