/**
 * Main fetch (https://fetch.spec.whatwg.org/#main-fetch): for each URL of the request's URL list, the checks that
 * refuse a request before anything is sent, then the choice between a basic, an opaque (no-cors) and a CORS
 * fetch, with or without preflight; and, once the fetch is over, the response filtering script sees.
 *
 * Chromium runs these checks in Blink's order (`blink::FetchManager::Loader::Start`): the request-mode refusals
 * of step 12 come before the scheme check and before mixed-content and bad-port blocking (step 7), so they are
 * in that order here, each labelled with its spec step.
 */
import { isPotentiallyTrustworthy, isSameOrigin } from '../fetch/origin.js';
import { isBadPort, isHttpScheme, wireURL } from '../fetch/url.js';
import { classifyRequest, type RequestClassification } from './classify.js';
import { exposedHeaderNames } from './expose.js';
import {
  corsFailure,
  networkFailure,
  note,
  type FetchParams,
  type FetchResponse,
  type HopResponse,
} from './fetch-params.js';
import { httpFetch } from './http-fetch.js';
import { checkLocalNetworkAccess, exemptsMixedContent } from './local-network.js';
import {
  mixedContentMessage,
  noCorsRedirectModeMessage,
  sameOriginModeMessage,
  unsafeRedirectMessage,
  unsupportedSchemeMessage,
} from './messages.js';
import { redirectTaint } from './redirect.js';
import type { SimulatedResponse } from './types.js';

/**
 * Main fetch of the request's current URL (the first, or the one HTTP-redirect fetch appended). Returns a
 * network error, a response, or `REDIRECTED` when a redirect was followed and main fetch must run again.
 */
export async function mainFetch(params: FetchParams): Promise<FetchResponse> {
  const { request, profile, lna } = params;
  const { urlList, method } = request;
  const current = urlList[urlList.length - 1] ?? request.current;
  request.current = current;
  request.currentWireUrl = wireURL(current);
  // The request's redirect-taint, and so its serialized origin, for this hop
  // (https://fetch.spec.whatwg.org/#concept-request-tainted-origin).
  request.taint = redirectTaint(urlList, request.origin);
  request.serializedOrigin = request.taint === 'same-origin' ? request.origin : 'null';

  // Step 12, first matching statement: "request's current URL's origin is same origin with request's origin,
  // and request's response tainting is "basic"".
  const sameOriginBasic = isSameOrigin(current, request.origin) && request.tainting === 'basic';
  // Step 12, "request's current URL's scheme is "data"": scheme fetch returns a basic response without
  // network access (Blink checks it first).
  if (current.protocol === 'data:') {
    note(params, 'main-fetch', true, 'data: URL: basic response without network access');
    return {
      filtered: {
        status: 200,
        type: 'basic',
        exposedHeaders: ['content-type'],
        url: current.href,
        redirected: urlList.length > 1,
      },
    };
  }
  // Step 12, "request's mode is "same-origin"": a network error.
  if (!sameOriginBasic && request.mode === 'same-origin') {
    note(params, 'main-fetch', false, 'mode same-origin and the URL is cross-origin');
    // Blink refuses these itself: CDP reports no CORS error (and no net error name).
    if (urlList.length === 1) {
      return networkFailure(params, '', current, method, sameOriginModeMessage(current.href, request.origin));
    }
    // CDP: loadingFailed with blockedReason "origin".
    return networkFailure(params, 'origin', current, method, unsafeRedirectMessage(current.href, params.documentUrl));
  }
  // Step 12, "request's mode is "no-cors"", step 1: a redirect mode other than "follow" is a network error.
  if (!sameOriginBasic && request.mode === 'no-cors' && request.redirect !== 'follow') {
    note(params, 'main-fetch', false, "a no-cors request must use redirect mode 'follow'");
    return networkFailure(params, '', current, method, noCorsRedirectModeMessage(current.href));
  }
  // Step 12, "request's current URL's scheme is not an HTTP(S) scheme": a network error.
  if (!isHttpScheme(current)) {
    note(params, 'main-fetch', false, `URL scheme "${current.protocol.slice(0, -1)}" is not supported`);
    // Blink refuses it before anything is sent (no net error in CDP).
    return networkFailure(
      params,
      '',
      current,
      method,
      unsupportedSchemeMessage(current.href, current.protocol.slice(0, -1)),
    );
  }
  // Step 7, "should fetching request be blocked as mixed content"
  // (https://w3c.github.io/webappsec-mixed-content/#should-block-fetch): before any CORS processing (Chromium:
  // CDP blockedReason mixed-content), unless the request declares a targetAddressSpace (Local Network Access):
  // Chromium then only warns and lets that check decide (observed).
  const lnaExempt = profile.localNetwork.enabled && exemptsMixedContent(lna);
  if (
    request.origin.startsWith('https:') &&
    current.protocol === 'http:' &&
    !isPotentiallyTrustworthy(current) &&
    !lnaExempt
  ) {
    note(params, 'mixed-content', false, `an https: page may not fetch ${request.currentWireUrl}`);
    return networkFailure(params, 'mixed-content', current, method, mixedContentMessage(request.origin, current.href));
  }
  // Step 7, "should request be blocked due to a bad port" (https://fetch.spec.whatwg.org/#block-bad-port).
  if (isBadPort(current)) {
    note(params, 'bad-port', false, `port ${current.port} is a bad port`);
    return networkFailure(params, 'net::ERR_UNSAFE_PORT', current, method);
  }
  // Local Network Access (https://wicg.github.io/local-network-access/; local-network.ts), on every hop, after
  // mixed content (observed), before anything is sent: a preflight that would be needed is not sent either, and
  // no-cors requests are checked too (`Profile.localNetwork.enabled`).
  if (lna !== null && profile.localNetwork.enabled) {
    // Only a targetAddressSpace check depends on whether a preflight will go out first.
    const preflighted =
      lna.target !== undefined &&
      !isSameOrigin(current, request.origin) &&
      request.mode === 'cors' &&
      classifyRequest({ method, headers: request.headers, useCorsPreflight: request.useCorsPreflight }, profile)
        .needsPreflight;
    const verdict = checkLocalNetworkAccess(lna, current, preflighted);
    if (!verdict.ok) {
      note(params, 'local-network-access', false, verdict.detail);
      return corsFailure(
        params,
        verdict.code,
        verdict.parameter,
        current,
        '',
        verdict.code === 'InvalidLocalNetworkAccess' ? verdict.server : undefined,
      );
    }
    if (verdict.detail !== null) note(params, 'local-network-access', true, verdict.detail);
    request.tasMismatch = verdict.mismatch;
  }

  // Step 12, the remaining statements: which fetch this hop is.
  if (sameOriginBasic) {
    // Same origin, tainting "basic": scheme fetch, which for HTTP(S) is HTTP fetch.
    note(params, 'main-fetch', true, 'same-origin request: no CORS, basic response');
    return httpFetch(params, null);
  }
  if (request.mode === 'no-cors') {
    // Mode "no-cors", step 2: response tainting "opaque", then scheme fetch.
    request.tainting = 'opaque';
    note(params, 'main-fetch', true, 'no-cors cross-origin request: opaque response, no CORS check');
    return httpFetch(params, null);
  }
  // Response tainting "cors", then HTTP fetch with makeCORSPreflight when the use-CORS-preflight flag is set or
  // the method or a header is not CORS-safelisted (classify.ts). A CORS-with-preflight fetch that ends in a
  // network error clears its cache entries (`corsFailure` / `networkFailure`, `Profile.cache.clearOnFailure`).
  request.tainting = 'cors';
  const classification: RequestClassification = classifyRequest(
    { method, headers: request.headers, useCorsPreflight: request.useCorsPreflight || request.preflightSticks },
    profile,
  );
  // Firefox keeps preflighting once a hop needed it (`Profile.preflight.sticksAcrossRedirects`).
  if (classification.needsPreflight && profile.preflight.sticksAcrossRedirects) request.preflightSticks = true;
  if (!classification.needsPreflight) {
    note(params, 'classify', true, 'no preflight needed: safelisted method and headers');
    return httpFetch(params, null);
  }
  note(params, 'classify', true, `preflight needed: ${classification.reasons.join('; ')}`);
  return httpFetch(params, classification);
}

/**
 * Main fetch steps 14–16, once the fetch is over: the basic, CORS or opaque filtered response script sees
 * (https://fetch.spec.whatwg.org/#concept-filtered-response), with the header names it can read
 * (expose.ts) and its URL.
 */
export function filteredResponse(params: FetchParams, response: HopResponse): SimulatedResponse {
  const { request } = params;
  const type = request.tainting === 'opaque' ? 'opaque' : request.tainting === 'cors' ? 'cors' : 'basic';
  return {
    status: type === 'opaque' ? 0 : response.status,
    type,
    exposedHeaders: exposedHeaderNames({ headers: response.headers, type, credentials: request.credentials }),
    wireStatus: response.status,
    // Response's url getter excludes the fragment; an opaque response has an empty URL list.
    url: type === 'opaque' ? '' : wireURL(response.url),
    redirected: type !== 'opaque' && request.urlList.length > 1,
  };
}
