/**
 * The CORS check (https://fetch.spec.whatwg.org/#concept-cors-check), in Chromium's evaluation order
 * (`services/network/public/cpp/cors/cors.cc` `CheckAccess`), which also picks the error name.
 */
import { getAllHeaderValues, getHeader } from '../fetch/headers.js';
import type { CorsCheckErrorCode } from './errors.js';
import { CHROMIUM, type Profile } from './profiles.js';
import type { CredentialsMode } from './types.js';

/** Input of {@link corsCheck}. */
export interface CorsCheckInput {
  /** The response's header list. */
  headers: readonly (readonly [string, string])[];
  /** The byte-serialized request origin (`null` when opaque or redirect-tainted). */
  origin: string;
  /** The request's credentials mode (for a preflight: the actual request's). */
  credentials: CredentialsMode;
}

/** Result of {@link corsCheck}. */
export type CorsCheckResult = { ok: true } | { ok: false; code: CorsCheckErrorCode; parameter: string };

/**
 * Whether Chromium's GURL accepts the header value as a URL. The value is a byte string; bytes that
 * are not valid UTF-8 (a lone latin1 `é`) make it invalid (observed: `InvalidAllowOriginValue`).
 */
function isParsableUrl(value: string): boolean {
  let text = value;
  if (/[\u0080-\u00ff]/.test(value)) {
    const bytes = Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return false;
    }
  }
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Run the CORS check on a response. Chromium order:
 * 1. `Access-Control-Allow-Origin` (all lines joined by `", "`) is exactly `*`: passes unless
 *    credentials are included (`WildcardOriginNotAllowed`).
 * 2. Absent: `MissingAllowOriginHeader`.
 * 3. Not byte-equal to the origin: contains a space or comma → `MultipleAllowOriginValues`; is
 *    `null` → `AllowOriginMismatch`; does not parse as a URL → `InvalidAllowOriginValue`; otherwise
 *    `AllowOriginMismatch`. `failedParameter` is the value.
 * 4. With credentials included, `Access-Control-Allow-Credentials` must be exactly `true`
 *    (`InvalidAllowCredentials`, parameter the value or `''`).
 * The Firefox profile counts header lines: two ACAO lines are `MultipleAllowOriginValues`, one line
 * `a, b` is a mismatch.
 */
export function corsCheck(input: CorsCheckInput, profile: Profile = CHROMIUM): CorsCheckResult {
  const include = input.credentials === 'include';
  const lines = getAllHeaderValues(input.headers, 'access-control-allow-origin');
  const value = lines.length === 0 ? null : lines.join(', ');
  if (value === '*' && lines.length === 1) {
    if (!include) return { ok: true };
    return { ok: false, code: 'WildcardOriginNotAllowed', parameter: '' };
  }
  if (value === null) return { ok: false, code: 'MissingAllowOriginHeader', parameter: '' };
  if (profile.corsCheck.countAllowOriginLines) {
    if (lines.length > 1) return { ok: false, code: 'MultipleAllowOriginValues', parameter: value };
  }
  if (value !== input.origin) {
    // Firefox has a single "does not match" error for every other value.
    if (profile.corsCheck.countAllowOriginLines) return { ok: false, code: 'AllowOriginMismatch', parameter: value };
    if (/[ ,]/.test(value)) return { ok: false, code: 'MultipleAllowOriginValues', parameter: value };
    if (value === 'null') return { ok: false, code: 'AllowOriginMismatch', parameter: value };
    if (!isParsableUrl(value)) return { ok: false, code: 'InvalidAllowOriginValue', parameter: value };
    return { ok: false, code: 'AllowOriginMismatch', parameter: value };
  }
  if (include) {
    const acac = getHeader(input.headers, 'access-control-allow-credentials');
    if (acac !== 'true') return { ok: false, code: 'InvalidAllowCredentials', parameter: acac ?? '' };
  }
  return { ok: true };
}
