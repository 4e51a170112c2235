import { describe, expect, it } from 'vitest';
import { OK, RequestHeaderChecker, TOO_LONG, MAX_WILDCARD_ACRH_LENGTH } from './request-headers.js';

const list = new RequestHeaderChecker(['content-type', 'x-token', 'authorization'], false);
const wildcard = new RequestHeaderChecker([], true);
const wildcardWithAuth = new RequestHeaderChecker(['authorization'], true);

describe('Access-Control-Request-Headers checker', () => {
  it.each<[string, RequestHeaderChecker, string, number]>([
    ['one listed name', list, 'x-token', OK],
    ['sorted lower-case names (what Chromium sends)', list, 'authorization,content-type,x-token', OK],
    ['any order', list, 'x-token,content-type', OK],
    ['case-insensitive', list, 'X-Token,Content-Type', OK],
    ['OWS around elements', list, ' x-token ,\tcontent-type\t', OK],
    ['repeated header lines joined with ", "', list, 'x-token, content-type', OK],
    ['empty elements', list, ',x-token,,content-type,', OK],
    ['only commas and spaces', list, ' , ,', OK],
    ['16 empty elements are tolerated', list, ','.repeat(16) + 'x-token', OK],
    ['a 17th empty element is refused', list, 'x-token' + ','.repeat(18), 24],
    ['wildcard: a flood of empty elements is refused', wildcard, ', '.repeat(40), 32],
    ['unlisted name', list, 'x-token,x-other', 8],
    ['duplicate name', list, 'x-token,x-token', 8],
    ['duplicate name in other case', list, 'x-token,X-TOKEN', 8],
    ['prefix of a listed name', list, 'x-tok', 0],
    ['listed name plus suffix', list, 'x-tokens', 0],
    ['space inside a name', list, 'x token', 0],
    ['non-token byte', list, 'x-token,x"y', 8],
    ['NUL byte', list, 'x-token\u0000', 0],
    ['non-ASCII', list, 'x-tökén', 0],
    ['longer than any allowed list', list, 'x-token,'.repeat(100), TOO_LONG],
    ['wildcard: any token', wildcard, 'x-a,x-b,content-type', OK],
    ['wildcard: duplicates are harmless', wildcard, 'x-a,x-a', OK],
    ['wildcard: authorization is never covered by *', wildcard, 'x-a,authorization', 4],
    ['wildcard: Authorization in any case', wildcard, 'Authorization', 0],
    ['wildcard: authorization with OWS', wildcard, 'x-a, authorization ,x-b', 5],
    ['wildcard: authorization-x is another name', wildcard, 'authorization-x', OK],
    ['wildcard: authorization listed by name', wildcardWithAuth, 'x-a,authorization', OK],
    ['wildcard: invalid token', wildcard, 'x-a,(x)', 4],
    ['wildcard: too long', wildcard, 'a,'.repeat(MAX_WILDCARD_ACRH_LENGTH), TOO_LONG],
  ])('%s', (_label, checker, value, expected) => {
    expect(checker.check(value)).toBe(expected);
  });

  it('forgets duplicates between calls (generation marks)', () => {
    for (let i = 0; i < 1000; i++) expect(list.check('x-token')).toBe(OK);
  });

  it('handles a 1 MiB adversarial value (commas, OWS, repeated names) by the length cap', () => {
    const mib = 1 << 20;
    for (const value of [','.repeat(mib), ' '.repeat(mib), 'x-token,'.repeat(mib / 8), 'a'.repeat(mib)]) {
      expect(list.check(value)).toBe(TOO_LONG);
      expect(wildcard.check(value)).toBe(TOO_LONG);
    }
  });
});
