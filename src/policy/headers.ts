/**
 * Header names the policy reads and writes, and the two helpers adapters need: reading a request header from
 * either header representation, and appending to `Vary`.
 */
import type { RequestHeaders } from './types.js';

/**
 * `Access-Control-Allow-Origin` (https://fetch.spec.whatwg.org/#http-access-control-allow-origin), as it appears in
 * `PolicyDecision.headers`.
 */
export const ACAO = 'access-control-allow-origin';
/** `Access-Control-Allow-Credentials`. */
export const ACAC = 'access-control-allow-credentials';
/** `Access-Control-Allow-Methods`. */
export const ACAM = 'access-control-allow-methods';
/** `Access-Control-Allow-Headers`. */
export const ACAH = 'access-control-allow-headers';
/** `Access-Control-Expose-Headers`. */
export const ACEH = 'access-control-expose-headers';
/** `Access-Control-Max-Age`. */
export const ACMA = 'access-control-max-age';
/** `Access-Control-Allow-Private-Network` (Private Network Access draft). */
export const ACAPN = 'access-control-allow-private-network';
/** `Vary`: the one header adapters append to instead of setting. */
export const VARY = 'vary';
/** Debug-mode header on refused preflights, carrying the (escaped) reason. */
export const DEBUG_HEADER = 'corsight-debug';

/** `Origin` request header. */
export const ORIGIN = 'origin';
/** `Access-Control-Request-Method` request header. */
export const ACRM = 'access-control-request-method';
/** `Access-Control-Request-Headers` request header. */
export const ACRH = 'access-control-request-headers';
/** `Access-Control-Request-Private-Network` request header. */
export const ACRPN = 'access-control-request-private-network';

/**
 * Reads one request header from a Node-style record or a Fetch `Headers`-like object, without copying the
 * headers. Repeated values in a record are joined with ", " (what `Headers.get` does too). Anything that is
 * neither a string nor an array of strings reads as absent.
 */
export function readHeader(headers: RequestHeaders, name: string): string | undefined {
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') {
    const value: unknown = (get as (n: string) => unknown).call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  const value = (headers as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    if (value.length === 1 && typeof value[0] === 'string') return value[0];
    return value.every((v) => typeof v === 'string') ? value.join(', ') : undefined;
  }
  return undefined;
}

/**
 * Appends the comma-separated field names in `add` to an existing `Vary` value, skipping names already present
 * (case-insensitively). `Vary: *` stays `*`. Used by adapters so that a `Vary` set by the application or an
 * outer middleware is preserved, never overwritten (hono #5159, expressjs/cors #330).
 */
export function appendVary(existing: string | readonly string[] | number | undefined | null, add: string): string {
  if (existing === undefined || existing === null || existing === '') return add;
  const current = Array.isArray(existing) ? existing.join(', ') : String(existing);
  if (current.trim() === '') return add;
  const have = new Set<string>();
  for (const part of current.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '*') return current;
    if (name !== '') have.add(name);
  }
  let out = current;
  for (const part of add.split(',')) {
    const name = part.trim();
    if (name !== '' && !have.has(name.toLowerCase())) {
      out += ', ' + name;
      have.add(name.toLowerCase());
    }
  }
  return out;
}
