/**
 * HTTP-redirect fetch (https://fetch.spec.whatwg.org/#http-redirect-fetch): following a redirect response in
 * redirect mode "follow", with Chromium's order (`network::cors::CorsURLLoader::OnReceiveRedirect` and
 * `FollowRedirect` on top of //net's `URLRequest::Redirect`, then Blink) where it differs. The pure pieces (location
 * URL, redirect-taint, the request rewrite) are in redirect.ts.
 */
import { byteLowercase } from '../fetch/headers.js';
import { isSameOrigin } from '../fetch/origin.js';
import { isBadPort, isHttpScheme } from '../fetch/url.js';
import {
  corsFailure,
  networkFailure,
  note,
  REDIRECTED,
  type FetchParams,
  type FetchResponse,
  type HopResponse,
} from './fetch-params.js';
import { unsafeRedirectMessage } from './messages.js';
import { MAX_REDIRECTS, rewriteForRedirect, type LocationResult } from './redirect.js';

/** Author-settable client hints Chromium removes when a redirect goes to an origin other than the page's (observed). */
const CLIENT_HINT_NAMES = ['dpr', 'device-memory', 'width', 'viewport-width'];

/** Schemes //net never follows a redirect to (net::ERR_UNSAFE_REDIRECT, `net::URLRequest::IsSafeRedirect`). */
const NET_UNSAFE_REDIRECT_SCHEMES = ['data:', 'file:', 'blob:', 'filesystem:', 'about:', 'javascript:'];

/**
 * HTTP-redirect fetch given `response`, whose location URL (step 3) is `location`. Returns the response itself
 * when it has no location URL, a network error, or `REDIRECTED` once the location is on the URL list (step 22
 * is the caller's loop).
 */
export function httpRedirectFetch(params: FetchParams, response: HopResponse, location: LocationResult): FetchResponse {
  const { request, profile } = params;
  const { current, method } = request;
  const networkStack = profile.redirect.order === 'network-stack';

  // Step 4: no location URL: the response is returned as is. (Chromium's //net only treats a response with a
  // non-empty Location as a redirect, `Profile.redirect.needsLocation`, so it gets here for those too.)
  if (location.kind === 'none') {
    note(params, 'redirect', true, `status ${response.status} without Location: returned as is`);
    return response;
  }
  // Step 5: a location URL that is failure. (Chromium's //net rejected it before the CORS check: http-fetch.ts.)
  if (location.kind === 'multiple' || location.kind === 'invalid') {
    return networkFailure(params, 'net::ERR_INVALID_REDIRECT', current, method);
  }
  const next = location.url;

  // Chromium's order, pinned case by case against Chromium 156: the network service first (after the CORS check
  // of the redirect response and 'manual'): //net refuses local schemes (data: …) and bad ports, then the
  // redirect count, the CORS userinfo rule and the stream-body rule; then Blink: redirect mode 'error', the
  // same-origin mode check, any other userinfo; other schemes (ftp:) are only refused once the redirect is
  // followed (main fetch step 12 of the next hop, in the spec's words).
  if (networkStack && NET_UNSAFE_REDIRECT_SCHEMES.includes(next.protocol)) {
    note(params, 'redirect', false, `redirect to a ${next.protocol} URL`);
    return networkFailure(params, 'net::ERR_UNSAFE_REDIRECT', current, method);
  }
  // Main fetch step 7 ("block bad port") of the next hop, which //net runs before following.
  if (networkStack && isBadPort(next)) {
    note(params, 'redirect', false, `port ${next.port} is a bad port`);
    return networkFailure(params, 'net::ERR_UNSAFE_PORT', current, method);
  }
  // Step 6: the location URL's scheme is not an HTTP(S) scheme.
  if (!networkStack && !isHttpScheme(next)) {
    note(params, 'redirect', false, `redirect to a ${next.protocol} URL`);
    return networkFailure(params, 'net::ERR_UNSAFE_REDIRECT', current, method);
  }
  // Steps 7–8: the redirect count.
  if (request.redirectCount === MAX_REDIRECTS) {
    note(params, 'redirect', false, `redirect count is already ${MAX_REDIRECTS}`);
    return networkFailure(params, 'net::ERR_TOO_MANY_REDIRECTS', current, method);
  }
  request.redirectCount++;
  // Steps 9–10: a location URL that includes credentials, in mode "cors" to another origin than the request's
  // (a tainted request origin is `null`, same origin with nothing), or with response tainting "cors".
  const hasUserinfo = next.username !== '' || next.password !== '';
  if (
    hasUserinfo &&
    ((request.mode === 'cors' && (request.taint !== 'same-origin' || !isSameOrigin(request.origin, next))) ||
      request.tainting === 'cors')
  ) {
    note(params, 'redirect', false, 'redirect location contains credentials');
    // Chromium 156 reports an empty failedParameter, prints '' as the location and names the
    // URL that answered with the redirect.
    return corsFailure(params, 'RedirectContainsCredentials', '', current);
  }
  // Step 11: a body that cannot be sent again (a ReadableStream) and a status other than 303.
  if (request.body === 'stream' && response.status !== 303) {
    note(params, 'redirect', false, 'a ReadableStream body cannot be resent');
    return networkFailure(params, 'net::ERR_INVALID_ARGUMENT', current, method);
  }
  // HTTP fetch step 6.3 "error", which Chromium's Blink applies only to a redirect //net would follow
  // (observed: a 302 without Location resolves).
  if (networkStack && request.redirect === 'error') {
    note(params, 'redirect', false, "redirect mode 'error'");
    return networkFailure(params, 'net::ERR_FAILED', current, method);
  }
  // Main fetch step 12 ("same-origin" mode) of the next hop, which Blink checks on the redirect: before the
  // scheme and userinfo checks (observed for ftp: and for a Location with credentials, which it prints as is),
  // after 'error'.
  if (networkStack && request.mode === 'same-origin' && !isSameOrigin(request.origin, next)) {
    note(params, 'redirect', false, 'mode same-origin and the redirect leaves the origin');
    return networkFailure(params, 'origin', current, method, unsafeRedirectMessage(next.href, params.documentUrl));
  }
  if (hasUserinfo && networkStack) {
    // Observed: Chromium fails any redirect to a URL with credentials, same-origin and no-cors
    // ones included, without a CORS error (the spec allows these). CDP: blockedReason "origin".
    note(params, 'redirect', false, 'redirect location contains credentials');
    return networkFailure(
      params,
      'origin',
      current,
      method,
      `${method} ${current.href} (blocked: redirect to a URL with credentials)`,
    );
  }
  // Step 6 in Chromium's place: after the checks above.
  if (!isHttpScheme(next)) {
    note(params, 'redirect', false, `redirect to a ${next.protocol} URL`);
    // Chromium's CORS layer refuses a CORS-enabled request to a non-HTTP(S) URL
    // (`network::cors::CorsURLLoader::FollowRedirect`); a no-cors request fails in //net (both observed for ftp:).
    if (request.mode === 'cors') return corsFailure(params, 'CorsDisabledScheme', '', next);
    return networkFailure(params, 'net::ERR_UNKNOWN_URL_SCHEME', current, method);
  }

  // Steps 12–13: a 301/302 POST or a 303 becomes a GET without body and request-body headers; a hop to
  // another origin removes `Authorization`.
  const rewritten = rewriteForRedirect(
    { method, headers: request.headers, body: request.body },
    response.status,
    current,
    next,
  );
  // //net drops the Origin header when a redirect changes the method.
  if (rewritten.method !== method) request.opaqueSameSiteOrigin = false;
  // Observed: the hints survive a hop to the page's own origin and are dropped on any other hop
  // (`Profile.redirect.dropClientHintsCrossOrigin`).
  if (profile.redirect.dropClientHintsCrossOrigin && !isSameOrigin(request.origin, next)) {
    const before = rewritten.headers.length;
    rewritten.headers = rewritten.headers.filter(([n]) => !CLIENT_HINT_NAMES.includes(byteLowercase(n)));
    if (rewritten.headers.length !== before) {
      rewritten.changes.push('client hints removed (cross-origin redirect)');
    }
  }
  // Chromium's //net (`net::RedirectUtil::UpdateHttpRequest`, redirect_util.cc) replaces the Origin of a request
  // it follows itself (no-cors) with `null` on a cross-origin hop, and it stays `null`
  // (`Profile.redirect.netNullsOrigin`).
  if (
    profile.redirect.netNullsOrigin &&
    request.mode === 'no-cors' &&
    rewritten.method !== 'GET' &&
    rewritten.method !== 'HEAD' &&
    !isSameOrigin(current, next)
  ) {
    request.netNullOrigin = true;
  }
  request.method = rewritten.method;
  request.headers = rewritten.headers;
  request.body = rewritten.body;
  // Step 18: append the location URL to the URL list.
  request.urlList.push(next);
  note(
    params,
    'redirect',
    true,
    `${response.status} -> ${next.href}` + (rewritten.changes.length > 0 ? ` (${rewritten.changes.join('; ')})` : ''),
  );
  // Step 22: main fetch again, for the new current URL.
  return REDIRECTED;
}
