/**
 * HTTP fetch (https://fetch.spec.whatwg.org/#concept-http-fetch): the preflight when one is needed and the cache
 * does not cover the request, the actual request, the CORS check of its response, and what a redirect status
 * does in each redirect mode.
 */
import { isRedirectStatus } from '../fetch/status.js';
import type { RequestClassification } from './classify.js';
import { corsCheck } from './cors-check.js';
import { corsPreflightFetch } from './cors-preflight-fetch.js';
import { corsFailure, networkFailure, note, type FetchParams, type FetchResponse } from './fetch-params.js';
import { httpNetworkOrCacheFetch } from './http-network-or-cache-fetch.js';
import { httpRedirectFetch } from './http-redirect-fetch.js';
import { locationURL, type LocationResult } from './redirect.js';

/**
 * HTTP fetch of the current hop. `preflight` is the classification of a request that main fetch sends with
 * makeCORSPreflight set (it needs a preflight unless the cache covers it), or null.
 */
export async function httpFetch(params: FetchParams, preflight: RequestClassification | null): Promise<FetchResponse> {
  const { request, profile, cache } = params;

  // Step 4.1: makeCORSPreflight, and no method / header-name cache entry match: CORS-preflight fetch.
  if (preflight !== null) {
    // Chromium keys its cache by the page's origin even after a tainting redirect (`request_initiator`;
    // `Profile.cache.originKey`); the spec by the serialized request origin.
    const key = {
      origin: profile.cache.originKey === 'initiator' ? request.origin : request.serializedOrigin,
      url: request.currentWireUrl,
    };
    request.preflightKey = key;
    // Chromium never serves an opaque requester from the cache (its key includes a transient
    // NetworkIsolationKey; `Profile.cache.opaqueOriginNotCached`).
    const cacheable = !(profile.cache.opaqueOriginNotCached && request.origin === 'null');
    const lookup = cacheable
      ? cache.lookup(
          {
            ...key,
            method: request.method,
            unsafeHeaderNames: preflight.unsafeHeaderNames,
            credentials: request.credentials,
            useCorsPreflight: request.useCorsPreflight,
          },
          profile,
        )
      : { hit: false, detail: 'an opaque requester is never served from the preflight cache' };
    note(params, 'cache', lookup.hit, lookup.detail);
    if (!lookup.hit && !(await corsPreflightFetch(params, preflight.unsafeHeaderNames, cacheable ? key : null))) {
      return null;
    }
  } else {
    request.preflightKey = null;
  }

  // Step 4.3: HTTP-network-or-cache fetch.
  const response = await httpNetworkOrCacheFetch(params);
  if (response === null) return null;
  const { current, method } = request;

  // A redirect status. Chromium's //net only follows it with a (non-empty) Location; without one
  // the response reaches Blink, which still turns it into an opaqueredirect for 'manual' (observed)
  // but resolves it as is for 'error' and 'follow'.
  const redirectStatus = isRedirectStatus(response.status);
  const networkStack = profile.redirect.order === 'network-stack';
  const location: LocationResult = redirectStatus ? locationURL(response.headers, current, profile) : { kind: 'none' };

  // Chromium's //net rejects an unusable Location (HTTP-redirect fetch step 5) before the CORS layer sees the
  // redirect (`net::URLRequestHttpJob::IsRedirectResponse`).
  if (redirectStatus && networkStack && location.kind !== 'none') {
    if (location.kind === 'multiple') {
      return networkFailure(params, 'net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION', current, method);
    }
    if (location.kind === 'invalid') return networkFailure(params, 'net::ERR_INVALID_REDIRECT', current, method);
  }

  // Step 4.4: the CORS check runs on every response of a cors-tainted request, redirects included.
  if (request.tainting === 'cors') {
    const check = corsCheck(
      { headers: response.headers, origin: request.serializedOrigin, credentials: request.credentials },
      profile,
    );
    if (!check.ok) {
      note(params, 'cors-check', false, `status ${response.status}: ${check.code}`);
      return corsFailure(params, check.code, check.parameter, current);
    }
    note(
      params,
      'cors-check',
      true,
      `status ${response.status}: Access-Control-Allow-Origin matches ${request.serializedOrigin}`,
    );
  }

  // Step 6: a redirect status.
  if (!redirectStatus) return response;
  // Firefox fails several different Location values before looking at the redirect mode
  // (`Profile.redirect.multipleLocationsFailBeforeManual`).
  if (profile.redirect.multipleLocationsFailBeforeManual && location.kind === 'multiple') {
    note(params, 'redirect', false, 'several different Location values');
    return networkFailure(params, 'net::ERR_INVALID_REDIRECT', current, method);
  }
  // Step 6.3 "manual": an opaque-redirect filtered response.
  if (request.redirect === 'manual') {
    note(params, 'redirect', true, "redirect mode 'manual': opaque-redirect response");
    return {
      filtered: {
        status: 0,
        type: 'opaqueredirect',
        exposedHeaders: [],
        wireStatus: response.status,
        url: current.href,
        redirected: false,
      },
    };
  }
  // Step 6.3 "error": a network error. Chromium applies 'error' only to a redirect //net would follow
  // (observed: a 302 without Location resolves), so it checks it in HTTP-redirect fetch instead.
  if (request.redirect === 'error' && !networkStack) {
    note(params, 'redirect', false, "redirect mode 'error'");
    return networkFailure(params, 'net::ERR_FAILED', current, method);
  }
  // Step 6.3 "follow": HTTP-redirect fetch.
  return httpRedirectFetch(params, response, location);
}
