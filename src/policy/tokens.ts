/**
 * What the policy takes from the Fetch vocabulary, indexed for its hot path, and the escaping of
 * attacker-controlled values. The rules themselves live once, in src/fetch.
 */

import { CORS_SAFELISTED_METHODS } from '../fetch/methods.js';
import { CORS_SAFELISTED_RESPONSE_HEADER_NAMES, isForbiddenRequestHeader } from '../fetch/safelist.js';

export { isForbiddenMethod, normalizeMethod } from '../fetch/methods.js';
export { TCHAR as TOKEN, isToken } from '../fetch/headers.js';
export { isForbiddenResponseHeaderName } from '../fetch/safelist.js';

/**
 * CORS-safelisted methods (https://fetch.spec.whatwg.org/#cors-safelisted-method). A browser never needs
 * `Access-Control-Allow-Methods` for them.
 */
export const SAFELISTED_METHODS: ReadonlySet<string> = new Set(CORS_SAFELISTED_METHODS);

/**
 * Whether listing this request header in `requestHeaders` can never have an effect: a forbidden request-header
 * name (https://fetch.spec.whatwg.org/#forbidden-request-header, scripts cannot set it), or
 * `Access-Control-Request-Private-Network`, which only the browser sends. `name` must be lower-case.
 */
export function isForbiddenRequestHeaderName(name: string): boolean {
  // An empty value: the X-HTTP-Method-Override family is forbidden only with a forbidden method as its value.
  return isForbiddenRequestHeader(name, '') || name === 'access-control-request-private-network';
}

/**
 * CORS-safelisted response-header names (https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name): always
 * readable by scripts, so listing them in `exposeHeaders` is redundant.
 */
export const SAFELISTED_RESPONSE_HEADERS: ReadonlySet<string> = new Set(CORS_SAFELISTED_RESPONSE_HEADER_NAMES);

/**
 * Makes an attacker-controlled value safe to embed in a debug reason, a log line or a response header:
 * at most `max` characters are kept, and everything outside printable ASCII, plus `"` and `\`, is escaped as
 * `\xHH` or `\u{H...}` (flask-cors CVE-2024-1681 was log injection through such values).
 */
export function escapeValue(value: string, max = 64): string {
  let out = '';
  const n = Math.min(value.length, max);
  for (let i = 0; i < n; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c) {
      out += value.charAt(i);
    } else if (code < 0x100) {
      out += '\\x' + code.toString(16).padStart(2, '0');
    } else {
      out += '\\u{' + code.toString(16) + '}';
    }
  }
  if (value.length > max) out += `...(${value.length} chars)`;
  return out;
}
