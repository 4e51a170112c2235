/**
 * Table-driven tests: The CORS check (cors-check.ts).
 */
import { describe, expect, it } from 'vitest';
import { corsCheck } from './cors-check.js';
import { FIREFOX } from './profiles.js';

const A = 'http://a.test';

describe('corsCheck', () => {
  const h = (...lines: string[]): [string, string][] =>
    lines.map((v) => ['Access-Control-Allow-Origin', v] as [string, string]);
  it.each([
    [h('*'), 'omit', { ok: true }],
    [h('*'), 'include', { ok: false, code: 'WildcardOriginNotAllowed', parameter: '' }],
    [[], 'omit', { ok: false, code: 'MissingAllowOriginHeader', parameter: '' }],
    [h(A), 'omit', { ok: true }],
    [h(A, A), 'omit', { ok: false, code: 'MultipleAllowOriginValues', parameter: `${A}, ${A}` }],
    [h(`${A},${A}`), 'omit', { ok: false, code: 'MultipleAllowOriginValues', parameter: `${A},${A}` }],
    [h(`${A} x`), 'omit', { ok: false, code: 'MultipleAllowOriginValues', parameter: `${A} x` }],
    [h('null'), 'omit', { ok: false, code: 'AllowOriginMismatch', parameter: 'null' }],
    [h('a.test'), 'omit', { ok: false, code: 'InvalidAllowOriginValue', parameter: 'a.test' }],
    [h('http://a.test:80'), 'omit', { ok: false, code: 'AllowOriginMismatch', parameter: 'http://a.test:80' }],
    [h(A), 'include', { ok: false, code: 'InvalidAllowCredentials', parameter: '' }],
    [[...h(A), ['Access-Control-Allow-Credentials', 'true']], 'include', { ok: true }],
    [
      [...h(A), ['access-control-allow-credentials', 'TRUE']],
      'include',
      { ok: false, code: 'InvalidAllowCredentials', parameter: 'TRUE' },
    ],
  ] as [[string, string][], 'omit' | 'include', object][])('%j credentials=%s', (headers, credentials, result) => {
    expect(corsCheck({ headers, origin: A, credentials })).toEqual(result);
  });
  it('Firefox counts lines: two lines are multiple values, one "a, b" line is a mismatch', () => {
    expect(corsCheck({ headers: h('*', '*'), origin: A, credentials: 'omit' }, FIREFOX)).toMatchObject({
      code: 'MultipleAllowOriginValues',
    });
    expect(corsCheck({ headers: h(`${A}, ${A}`), origin: A, credentials: 'omit' }, FIREFOX)).toMatchObject({
      code: 'AllowOriginMismatch',
    });
  });
  it('null origin matches only ACAO null', () => {
    expect(corsCheck({ headers: h('null'), origin: 'null', credentials: 'omit' })).toEqual({ ok: true });
  });
});
