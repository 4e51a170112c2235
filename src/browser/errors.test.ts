/**
 * Table-driven tests: the error vocabulary (errors.ts).
 */
import { describe, expect, it } from 'vitest';
import { CORS_ERROR_CODES, isCorsErrorCode, toPreflightCode } from './errors.js';
import { corsErrorDetail } from './messages.js';

describe('error codes', () => {
  it('every code has a console detail and the Preflight twins exist', () => {
    for (const code of CORS_ERROR_CODES) expect(corsErrorDetail(code, 'v').length).toBeGreaterThan(10);
    expect(toPreflightCode('AllowOriginMismatch')).toBe('PreflightAllowOriginMismatch');
    expect(isCorsErrorCode('NetworkError')).toBe(false);
    expect(isCorsErrorCode('MissingAllowOriginHeader')).toBe(true);
  });
});
