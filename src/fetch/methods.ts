/**
 * Methods (Fetch Standard, https://fetch.spec.whatwg.org/#methods).
 */
import { byteUppercase, isToken } from './headers.js';

/** The CORS-safelisted methods, byte-exact: `GET`, `HEAD`, `POST`. */
export const CORS_SAFELISTED_METHODS: readonly string[] = ['GET', 'HEAD', 'POST'];

/** The forbidden methods (compared byte-case-insensitively): `CONNECT`, `TRACE`, `TRACK`. */
export const FORBIDDEN_METHODS: readonly string[] = ['CONNECT', 'TRACE', 'TRACK'];

const NORMALIZED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];

/** True if `method` is a syntactically valid method (an HTTP token). */
export function isMethod(method: string): boolean {
  return isToken(method);
}

/**
 * Normalize a method (Fetch "normalize"): if it byte-case-insensitively matches `DELETE`, `GET`,
 * `HEAD`, `OPTIONS`, `POST` or `PUT`, uppercase it; otherwise keep its exact bytes. So `put` becomes
 * `PUT` but `patch` stays `patch` (and is sent, and compared against `Access-Control-Allow-Methods`,
 * as `patch`).
 */
export function normalizeMethod(method: string): string {
  const upper = byteUppercase(method);
  return NORMALIZED_METHODS.includes(upper) ? upper : method;
}

/** CORS-safelisted method: exactly `GET`, `HEAD` or `POST` (case-sensitive, after normalization). */
export function isCorsSafelistedMethod(method: string): boolean {
  return CORS_SAFELISTED_METHODS.includes(method);
}

/** Forbidden method: byte-case-insensitive `CONNECT`, `TRACE` or `TRACK`. `fetch()` rejects these. */
export function isForbiddenMethod(method: string): boolean {
  return FORBIDDEN_METHODS.includes(byteUppercase(method));
}
