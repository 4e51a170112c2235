/**
 * Error vocabulary of `corsight/browser`.
 *
 * CORS errors use the names of Chromium's `network::mojom::CorsError`, as the Chrome DevTools
 * Protocol reports them in `Network.loadingFailed.corsErrorStatus.corsError`
 * (`services/network/public/mojom/cors.mojom`, CDP `Network.CorsError`). Failures that are not CORS
 * errors (too many redirects, a transport failure ...) use {@link NetworkErrorCode}, so callers can
 * always tell the two apart; CDP reports those without a `corsErrorStatus`.
 */

/**
 * Chromium's CORS error names (CDP `Network.CorsError`). simulateFetch produces all but `DisallowedByMode`,
 * `InvalidResponse`, `NoCorsRedirectModeNotFollow` and the obsolete `…AllowExternal` ones: Blink refuses those
 * requests before the network service, so CDP reports no CORS error for them.
 */
export const CORS_ERROR_CODES = [
  'DisallowedByMode',
  'InvalidResponse',
  'WildcardOriginNotAllowed',
  'MissingAllowOriginHeader',
  'MultipleAllowOriginValues',
  'InvalidAllowOriginValue',
  'AllowOriginMismatch',
  'InvalidAllowCredentials',
  'CorsDisabledScheme',
  'PreflightInvalidStatus',
  'PreflightDisallowedRedirect',
  'PreflightWildcardOriginNotAllowed',
  'PreflightMissingAllowOriginHeader',
  'PreflightMultipleAllowOriginValues',
  'PreflightInvalidAllowOriginValue',
  'PreflightAllowOriginMismatch',
  'PreflightInvalidAllowCredentials',
  'PreflightMissingAllowExternal',
  'PreflightInvalidAllowExternal',
  'InvalidAllowMethodsPreflightResponse',
  'InvalidAllowHeadersPreflightResponse',
  'MethodDisallowedByPreflightResponse',
  'HeaderDisallowedByPreflightResponse',
  'RedirectContainsCredentials',
  'InsecureLocalNetwork',
  'InvalidLocalNetworkAccess',
  'LocalNetworkAccessPermissionDenied',
  'NoCorsRedirectModeNotFollow',
] as const;

/** A Chromium CORS error name (CDP `Network.CorsError`). */
export type CorsErrorCode = (typeof CORS_ERROR_CODES)[number];

/**
 * Network errors that are not CORS errors. There is one code; `parameter` carries what Chromium's CDP names:
 * a `net::ERR_*` error, a `blockedReason`, or nothing. simulateFetch produces exactly these:
 * - `net::ERR_FAILED` — redirect mode `error` on a followed redirect; the transport threw or answered something
 *   that is not an HTTP response (for the preflight or the actual request).
 * - `net::ERR_TOO_MANY_REDIRECTS` — a 21st redirect.
 * - `net::ERR_INVALID_REDIRECT` — a redirect `Location` that does not parse as a URL (or, in the spec order,
 *   several `Location` values).
 * - `net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION` — several different `Location` lines (Chromium's //net).
 * - `net::ERR_UNSAFE_REDIRECT` — a redirect to a local scheme (`data:` …), or to any non-HTTP(S) scheme in the
 *   spec order.
 * - `net::ERR_UNKNOWN_URL_SCHEME` — a `no-cors` redirect to another non-HTTP(S) scheme (`ftp:`).
 * - `net::ERR_UNSAFE_PORT` — a Fetch "bad port" in the URL or a redirect's Location.
 * - `net::ERR_INVALID_ARGUMENT` — a `ReadableStream` body redirected with a status other than 303.
 * - `net::ERR_ALPN_NEGOTIATION_FAILED` — a stream upload over HTTP/1.1 (Chromium).
 * - `mixed-content` — an `https:` page fetching a non-trustworthy `http:` URL (blocked before CORS; CDP blockedReason).
 * - `origin` — Blink blocked it (CDP blockedReason `origin`): a `same-origin` mode request redirected to
 *   another origin, or (Chromium) a redirect to a URL with credentials outside CORS.
 * - `''` — Blink refused the request before it reached the network and CDP reports nothing: `same-origin`
 *   mode to another origin, `no-cors` with a redirect mode other than `follow`, an unsupported URL scheme.
 */
export type NetworkErrorCode = 'NetworkError';

/** All error codes an outcome can carry. */
export type FetchErrorCode = CorsErrorCode | NetworkErrorCode;

/** True if `code` is a CORS error name (as opposed to `NetworkError`). */
export function isCorsErrorCode(code: string): code is CorsErrorCode {
  return (CORS_ERROR_CODES as readonly string[]).includes(code);
}

/** The CORS-check errors, which have a `Preflight…` twin used when the check fails on a preflight response. */
export type CorsCheckErrorCode =
  | 'WildcardOriginNotAllowed'
  | 'MissingAllowOriginHeader'
  | 'MultipleAllowOriginValues'
  | 'InvalidAllowOriginValue'
  | 'AllowOriginMismatch'
  | 'InvalidAllowCredentials';

/** The `Preflight…` variant of a CORS-check error (Chromium `preflight_controller.cc` `CheckPreflightAccess`). */
export function toPreflightCode(code: CorsCheckErrorCode): CorsErrorCode {
  return `Preflight${code}` as CorsErrorCode;
}

/** Codes whose console text starts with "Response to preflight request doesn't pass access control check: ". */
export const PREFLIGHT_PREFIXED_CODES: readonly CorsErrorCode[] = [
  'PreflightWildcardOriginNotAllowed',
  'PreflightMissingAllowOriginHeader',
  'PreflightMultipleAllowOriginValues',
  'PreflightInvalidAllowOriginValue',
  'PreflightAllowOriginMismatch',
  'PreflightInvalidAllowCredentials',
  'PreflightInvalidStatus',
  'PreflightDisallowedRedirect',
];
