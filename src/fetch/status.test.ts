import { describe, expect, it } from 'vitest';
import { isOkStatus, isRedirectStatus, REDIRECT_STATUSES } from './status.js';

describe('redirect status', () => {
  it('knows the redirect statuses (Fetch)', () => {
    expect([300, 301, 302, 303, 304, 307, 308].filter(isRedirectStatus)).toEqual([301, 302, 303, 307, 308]);
  });
  it('REDIRECT_STATUSES lists exactly them', () => {
    expect(REDIRECT_STATUSES.filter(isRedirectStatus)).toEqual([...REDIRECT_STATUSES]);
  });
});

describe('ok status', () => {
  it('is 200 to 299', () => {
    expect([199, 200, 204, 299, 300].filter(isOkStatus)).toEqual([200, 204, 299]);
  });
});
