/**
 * Response filtering (https://fetch.spec.whatwg.org/#concept-filtered-response): which response header names script can
 * read, per response type, including `Access-Control-Expose-Headers`.
 */
import { byteLowercase, getHeader, isToken, parseTokenList, sortedLowercaseSet } from '../fetch/headers.js';
import { isCorsSafelistedResponseHeaderName, isForbiddenResponseHeaderName } from '../fetch/safelist.js';
import type { CredentialsMode } from './types.js';

/** Input of {@link exposedHeaderNames}. */
export interface ExposeInput {
  /** The response's header list, as received. */
  headers: readonly (readonly [string, string])[];
  /** The response type script gets. */
  type: 'basic' | 'cors' | 'opaque' | 'opaqueredirect';
  /** The request's credentials mode (matters for `Access-Control-Expose-Headers: *`). */
  credentials: CredentialsMode;
}

/**
 * Parse `Access-Control-Expose-Headers` into lowercase names: null when absent or when any item is not
 * a token (then nothing extra is exposed), else the list (may contain `*`).
 */
export function parseExposeHeaders(headers: readonly (readonly [string, string])[]): string[] | null {
  const value = getHeader(headers, 'access-control-expose-headers');
  if (value === null) return null;
  const items = parseTokenList(value);
  return items === null ? null : items.map(byteLowercase);
}

/**
 * The header names script can read from the response (what `[...response.headers.keys()]` lists):
 * lowercase, sorted, unique, only names present in the response and only valid names (tokens).
 * - `basic`: every name except `Set-Cookie` / `Set-Cookie2`.
 * - `cors`: the CORS-safelisted response-header names (Cache-Control, Content-Language,
 *   Content-Length, Content-Type, Expires, Last-Modified, Pragma) plus the names listed in
 *   `Access-Control-Expose-Headers`; a `*` there exposes every name when credentials are not
 *   included (with credentials it is a literal name); a list that fails to parse exposes nothing
 *   extra. `Set-Cookie` / `Set-Cookie2` are never exposed.
 * - `opaque`, `opaqueredirect`: nothing.
 */
export function exposedHeaderNames(input: ExposeInput): string[] {
  if (input.type === 'opaque' || input.type === 'opaqueredirect') return [];
  // A name that is not a token never makes it into the Headers object script sees (observed in Chromium).
  const present = sortedLowercaseSet(input.headers.map(([n]) => n)).filter(
    (n) => isToken(n) && !isForbiddenResponseHeaderName(n),
  );
  if (input.type === 'basic') return present;
  const listed = parseExposeHeaders(input.headers) ?? [];
  const all = input.credentials !== 'include' && listed.includes('*');
  return present.filter((n) => all || isCorsSafelistedResponseHeaderName(n) || listed.includes(n));
}
