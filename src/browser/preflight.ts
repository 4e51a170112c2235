/**
 * The CORS preflight (https://fetch.spec.whatwg.org/#cors-preflight-fetch): building the `OPTIONS` request and
 * judging its response in Chromium's order (`services/network/cors/preflight_controller.cc`
 * `CreatePreflightRequest`, `CheckPreflightAccess`, `CheckPreflightResult`;
 * `preflight_result.cc`).
 */
import { byteLowercase, getAllHeaderValues, getHeader, parseTokenList } from '../fetch/headers.js';
import { isCorsSafelistedMethod } from '../fetch/methods.js';
import { corsCheck } from './cors-check.js';
import { toPreflightCode, type CorsErrorCode } from './errors.js';
import { CHROMIUM, type Profile } from './profiles.js';
import { isRedirectResponse, locationURL } from './redirect.js';
import type { CredentialsMode, WireRequest } from './types.js';

/** Input of {@link buildPreflightRequest}. */
export interface PreflightRequestInput {
  /** The request's current URL (serialized, without fragment). */
  url: string;
  /** The actual request's method, exact bytes (after normalization). */
  method: string;
  /** CORS-unsafe request-header names (lowercase, sorted, unique). */
  unsafeHeaderNames: readonly string[];
  /** The serialized request origin to send (`null` when opaque or redirect-tainted). */
  origin: string;
}

/**
 * Build the preflight: `OPTIONS` to the same URL with `Accept: *\/*`,
 * `Access-Control-Request-Method: <method>` (exact bytes, so `patch` stays `patch`),
 * `Access-Control-Request-Headers: <names joined by ",">` when there are unsafe names, and `Origin`.
 * No author headers and no credentials are sent. (Chromium also sends `Sec-Fetch-*`, `User-Agent`
 * and `Referer`; corsight does not invent those.)
 */
export function buildPreflightRequest(input: PreflightRequestInput): WireRequest {
  const headers: [string, string][] = [
    ['Accept', '*/*'],
    ['Access-Control-Request-Method', input.method],
  ];
  if (input.unsafeHeaderNames.length > 0) {
    headers.push(['Access-Control-Request-Headers', input.unsafeHeaderNames.join(',')]);
  }
  headers.push(['Origin', input.origin]);
  return { method: 'OPTIONS', url: input.url, headers };
}

/** Input of {@link checkPreflightResponse}. */
export interface PreflightCheckInput {
  /** The preflight response status. */
  status: number;
  /** The preflight response header list. */
  headers: readonly (readonly [string, string])[];
  /** The preflight URL (to resolve a `Location`). */
  url: string;
  /** The actual request's method. */
  method: string;
  /** The actual request's CORS-unsafe request-header names (lowercase, sorted). */
  unsafeHeaderNames: readonly string[];
  /** The actual request's credentials mode (the CORS check uses it, not the preflight's). */
  credentials: CredentialsMode;
  /** The serialized request origin the preflight carried. */
  origin: string;
  /** The use-CORS-preflight flag (only affects what is cached when ACAM is absent). */
  useCorsPreflight?: boolean;
  /**
   * The request's header names (lowercase) in the order the browser walks them: the first unsafe
   * name not allowed in this order is reported. Default: the unsafe names in sorted order. Chromium
   * walks its request header list, whose order comes from Blink's header hash map (see
   * `chromiumRequestHeaderOrder` in blink-order.ts).
   */
  headerOrder?: readonly string[];
}

/** A preflight that passed: what to cache. */
export interface PreflightSuccess {
  ok: true;
  /** Allowed methods (case kept). */
  methods: string[];
  /** Allowed header names (lowercase). */
  headerNames: string[];
  /** Cache lifetime in seconds after the profile's parsing and cap (0 = not cached). */
  maxAge: number;
  /** True when `Access-Control-Allow-Headers: *` let `Authorization` through (Chromium raises a DevTools issue). */
  authorizationCoveredByWildcard: boolean;
}

/** A preflight that failed. */
export interface PreflightFailure {
  ok: false;
  /** `cors`: a CORS error; `network`: the preflight's Location was unusable (no CORS error in Chromium). */
  kind: 'cors' | 'network';
  code: CorsErrorCode | 'NetworkError';
  /** CDP failedParameter (or the net error name for `network`). */
  parameter: string;
  /** Which check failed. */
  step: 'redirect' | 'cors-check' | 'status' | 'allow-methods' | 'allow-headers' | 'method' | 'headers';
}

/** Result of {@link checkPreflightResponse}. */
export type PreflightCheckResult = PreflightSuccess | PreflightFailure;

/**
 * Judge a preflight response. Chromium order:
 * 0. a redirect (3xx with `Location`) → `PreflightDisallowedRedirect` (preflights never follow redirects);
 * 1. the CORS check with the actual request's credentials mode → `Preflight…` CORS errors;
 * 2. status 200–299 → else `PreflightInvalidStatus` (the Safari profile checks the status first);
 * 3. `Access-Control-Allow-Methods` / `-Headers`: every comma-separated, non-empty item must be a token
 *    → `InvalidAllowMethodsPreflightResponse` / `InvalidAllowHeadersPreflightResponse`;
 * 4. method: listed (case-sensitive), or CORS-safelisted, or `*` without credentials →
 *    else `MethodDisallowedByPreflightResponse` (parameter: the method);
 * 5. headers: each unsafe name, in request-header order (`headerOrder`, default sorted), listed (case-insensitive) or covered by `*` without
 *    credentials → else `HeaderDisallowedByPreflightResponse` (parameter: the first failing name).
 *    In Chromium (and the Firefox/Safari profiles) `*` covers `Authorization`; in the spec it never does,
 *    and the spec checks `Authorization` before the other names.
 * 6. `Access-Control-Max-Age` → seconds via the profile (Chromium: default 5, unparsable 5, negative 0, cap 7200).
 */
export function checkPreflightResponse(input: PreflightCheckInput, profile: Profile = CHROMIUM): PreflightCheckResult {
  const fail = (step: PreflightFailure['step'], code: CorsErrorCode, parameter = ''): PreflightFailure => ({
    ok: false,
    kind: 'cors',
    code,
    parameter,
    step,
  });
  if (isRedirectResponse(input.status, input.headers, profile)) {
    let base: URL | null = null;
    try {
      base = new URL(input.url);
    } catch {
      base = null;
    }
    const loc = base === null ? { kind: 'invalid' as const } : locationURL(input.headers, base, profile);
    if (loc.kind === 'invalid' || loc.kind === 'multiple') {
      return {
        ok: false,
        kind: 'network',
        code: 'NetworkError',
        parameter: loc.kind === 'invalid' ? 'net::ERR_INVALID_REDIRECT' : 'net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION',
        step: 'redirect',
      };
    }
    return fail('redirect', 'PreflightDisallowedRedirect');
  }
  const okStatus = input.status >= 200 && input.status <= 299;
  if (profile.preflight.statusFirst && !okStatus) return fail('status', 'PreflightInvalidStatus');
  const cors = corsCheck({ headers: input.headers, origin: input.origin, credentials: input.credentials }, profile);
  if (!cors.ok) return fail('cors-check', toPreflightCode(cors.code), cors.parameter);
  if (!okStatus) return fail('status', 'PreflightInvalidStatus');

  const acam = getHeader(input.headers, 'access-control-allow-methods');
  const acah = getHeader(input.headers, 'access-control-allow-headers');
  let methods = acam === null ? [] : parseTokenList(acam);
  if (methods === null) return fail('allow-methods', 'InvalidAllowMethodsPreflightResponse');
  const rawHeaderNames = acah === null ? [] : parseTokenList(acah);
  if (rawHeaderNames === null) return fail('allow-headers', 'InvalidAllowHeadersPreflightResponse');
  const headerNames = rawHeaderNames.map(byteLowercase);
  if (acam === null && input.useCorsPreflight) methods = [input.method];

  const include = input.credentials === 'include';
  const methodOk =
    methods.includes(input.method) || isCorsSafelistedMethod(input.method) || (!include && methods.includes('*'));
  if (!methodOk) return fail('method', 'MethodDisallowedByPreflightResponse', input.method);

  const wildcard = !include && headerNames.includes('*');
  let authorizationCoveredByWildcard = false;
  if (
    profile.preflight.authorizationCheckedFirst &&
    input.unsafeHeaderNames.includes('authorization') &&
    !headerNames.includes('authorization')
  ) {
    return fail('headers', 'HeaderDisallowedByPreflightResponse', 'authorization');
  }
  const order = input.headerOrder;
  const ordered = order
    ? [
        ...order.filter((n) => input.unsafeHeaderNames.includes(n)),
        ...input.unsafeHeaderNames.filter((n) => !order.includes(n)),
      ]
    : input.unsafeHeaderNames;
  for (const name of ordered) {
    if (headerNames.includes(name)) continue;
    if (wildcard && (name !== 'authorization' || profile.preflight.wildcardCoversAuthorization)) {
      if (name === 'authorization') authorizationCoveredByWildcard = true;
      continue;
    }
    return fail('headers', 'HeaderDisallowedByPreflightResponse', name);
  }

  const maxAgeLines = getAllHeaderValues(input.headers, 'access-control-max-age');
  const maxAgeValue = maxAgeLines.length === 0 ? null : maxAgeLines.join(', ');
  const maxAge = Math.min(profile.preflight.parseMaxAge(maxAgeValue, maxAgeLines.length), profile.preflight.maxAgeCap);
  return { ok: true, methods, headerNames, maxAge, authorizationCoveredByWildcard };
}
