/**
 * CORS-preflight fetch (https://fetch.spec.whatwg.org/#cors-preflight-fetch): the `OPTIONS` request, the checks
 * of its answer (preflight.ts, in Chromium's order: `network::cors::PreflightController`) and storing the
 * result in the CORS-preflight cache.
 */
import type { CorsErrorCode } from './errors.js';
import { corsFailure, networkFailure, note, type FetchParams } from './fetch-params.js';
import { httpNetworkFetch } from './http-network-fetch.js';
import { buildPreflightRequest, checkPreflightResponse } from './preflight.js';

/** The key of the request's entries in the CORS-preflight cache. */
export interface PreflightCacheKey {
  readonly origin: string;
  readonly url: string;
}

/**
 * CORS-preflight fetch for the current hop. `cacheKey` is null when the result may not be cached. Returns false
 * when the preflight ended the fetch with a network error (the outcome says which).
 */
export async function corsPreflightFetch(
  params: FetchParams,
  unsafeHeaderNames: readonly string[],
  cacheKey: PreflightCacheKey | null,
): Promise<boolean> {
  const { request, profile } = params;
  const { method, current } = request;
  const url = request.currentWireUrl;
  // Firefox sends the page's origin on a preflight even after a tainting redirect, and checks the answer
  // against it (`Profile.preflight.ignoresTaint`); the spec and Chromium use the serialized request origin.
  const origin = profile.preflight.ignoresTaint ? request.origin : request.serializedOrigin;

  // Steps 1–5: `OPTIONS` to the current URL with `Accept: */*`, `Access-Control-Request-Method` and
  // `Access-Control-Request-Headers` (when there are CORS-unsafe names), plus the `Origin` that
  // HTTP-network-or-cache fetch appends for a CORS request.
  const preflight = buildPreflightRequest({ url, method, unsafeHeaderNames, origin });
  params.outcome.preflighted = true;
  note(
    params,
    'preflight',
    true,
    `OPTIONS ${url} Access-Control-Request-Method: ${method}` +
      (unsafeHeaderNames.length > 0 ? `, Access-Control-Request-Headers: ${unsafeHeaderNames.join(',')}` : '') +
      `, Origin: ${origin}`,
  );

  // Step 6: HTTP-network-or-cache fetch of the preflight (it never follows a redirect).
  const response = await httpNetworkFetch(params, preflight);
  if (response === null) {
    networkFailure(params, 'net::ERR_FAILED', current, 'OPTIONS');
    return false;
  }

  // Steps 7.1–7.10 (and 8): the CORS check with the actual request's credentials mode, an ok status, the
  // allowed methods and headers, max-age. Chromium checks a redirect first, and WebKit the status before the
  // CORS check (`Profile.preflight.statusFirst`); see checkPreflightResponse.
  const check = checkPreflightResponse(
    {
      status: response.status,
      headers: response.headers,
      url,
      method,
      unsafeHeaderNames,
      credentials: request.credentials,
      origin,
      useCorsPreflight: request.useCorsPreflight,
      ...(request.headerOrder ? { headerOrder: request.headerOrder } : {}),
    },
    profile,
  );
  if (!check.ok) {
    note(params, 'preflight-response', false, `status ${response.status}: ${check.step} check failed`);
    if (check.kind === 'network') networkFailure(params, check.parameter, current, 'OPTIONS');
    else corsFailure(params, check.code as CorsErrorCode, check.parameter, current);
    return false;
  }
  note(
    params,
    'preflight-response',
    true,
    `status ${response.status}; allowed methods [${check.methods.join(', ')}], headers [${check.headerNames.join(', ')}]; max-age ${check.maxAge}s` +
      (check.authorizationCoveredByWildcard ? '; Authorization allowed only through "*" (Chromium warns)' : ''),
  );

  // Steps 7.11–7.15: create or refresh the cache entries.
  if (cacheKey !== null) {
    params.cache.store(
      {
        ...cacheKey,
        methods: check.methods,
        headerNames: check.headerNames,
        maxAge: check.maxAge,
        credentials: request.credentials,
      },
      profile,
    );
  }
  return true;
}
