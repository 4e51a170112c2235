import { describe, expect, it } from 'vitest';
import { isRateLimitStatus, parseRetryAfter, retryAfterOf } from './retry-after.js';

const now = Date.UTC(2026, 11, 6, 10, 0, 0);

describe('parseRetryAfter (https://www.rfc-editor.org/rfc/rfc9110#name-retry-after)', () => {
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Sun, 06 Dec 2026 10:00:30 GMT', 30_000],
    ['Sunday, 06-Dec-26 10:01:00 GMT', 60_000],
    ['Sun Dec  6 10:00:05 2026', 5_000],
    ['Sun, 06 Dec 2026 09:00:00 GMT', 0],
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
    [null, undefined],
  ])('%j -> %j ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it('reads the header from a response header list, case-insensitively', () => {
    expect(retryAfterOf([['retry-AFTER', '7']], now)).toBe(7_000);
    expect(retryAfterOf([], now)).toBeUndefined();
  });

  it('treats 429 and 503 as "not now"', () => {
    expect([200, 429, 500, 502, 503].map(isRateLimitStatus)).toEqual([false, true, false, false, true]);
  });
});
