/**
 * `simulateFetch`: one `fetch()` call run through the Fetch Standard's algorithms — main fetch (main-fetch.ts),
 * HTTP fetch (http-fetch.ts), CORS-preflight fetch (cors-preflight-fetch.ts), HTTP-network-or-cache fetch
 * (http-network-or-cache-fetch.ts) and HTTP-redirect fetch (http-redirect-fetch.ts) — sharing one
 * `FetchParams` (fetch-params.ts), with Chromium's ordering and error reporting (default profile) or another
 * profile's, against a caller-supplied transport.
 */
import { hasHeader, byteLowercase, type HeaderList } from '../fetch/headers.js';
import { isPotentiallyTrustworthy, isSameSite, parseOrigin } from '../fetch/origin.js';
import { wireURL } from '../fetch/url.js';
import { chromiumRequestHeaderOrder } from './blink-order.js';
import { PreflightCache } from './cache.js';
import { classifyRequest, constructRequest } from './classify.js';
import { note, REDIRECTED, type FetchParams, type FetchResponse } from './fetch-params.js';
import { localNetworkAccessOf } from './local-network.js';
import { filteredResponse, mainFetch } from './main-fetch.js';
import type { SimulateOptions } from './options.js';
import { getProfile } from './profiles.js';
import type { CorsOutcome, CorsRequest, SimulatedResponse, Transport, WireRequest } from './types.js';

export { normalizeTransportResponse } from './http-network-fetch.js';

/**
 * Simulate one `fetch()` call.
 *
 * Rejects with a TypeError exactly when `fetch()` would reject before sending anything because the
 * arguments are bad (malformed origin, URL, method or header; forbidden method; credentials in the
 * URL; `no-cors` with a non-safelisted method; a body on GET/HEAD; a stream body in `no-cors`), or
 * when `transport` is not a function or the options are invalid. Every other failure — CORS errors
 * and network errors alike — resolves with `allowed: false` and an `error`.
 *
 * `requests` lists what went on the wire, in order. For each request it holds the method, the URL
 * without fragment, and these headers: the author headers that survived `fetch()`'s header
 * processing (forbidden ones dropped; same-name headers combined into one line in the Chromium,
 * Firefox and Safari profiles), `Content-Type: text/plain;charset=UTF-8` added for a text body
 * without a Content-Type, `Accept: *\/*` when the author gave no Accept, and `Origin` when the browser
 * sends it. A preflight holds `Accept`, `Access-Control-Request-Method`,
 * `Access-Control-Request-Headers` (when non-empty) and `Origin`. Headers a browser adds below the
 * CORS layer (`User-Agent`, `Sec-Fetch-*`, `Referer`, `Accept-Language`, `Accept-Encoding`, cookies,
 * `Host`, `Connection`) are not listed.
 */
export async function simulateFetch(
  request: CorsRequest,
  transport: Transport,
  options: SimulateOptions = {},
): Promise<CorsOutcome> {
  const params = fetchParamsOf(request, transport, options);
  let response: FetchResponse = await mainFetch(params);
  // HTTP-redirect fetch step 22, "return the result of running main fetch given fetchParams and recursive", is a
  // tail call: a loop here.
  while (response === REDIRECTED) response = await mainFetch(params);
  if (response === null) return params.outcome;
  return resolveWith(params, 'filtered' in response ? response.filtered : filteredResponse(params, response));
}

/**
 * The "fetch" algorithm's set-up (https://fetch.spec.whatwg.org/#concept-fetch) after the Request constructor
 * (classify.ts): validate the options, and build the one `FetchParams` the algorithms share.
 */
function fetchParamsOf(request: CorsRequest, transport: Transport, options: SimulateOptions): FetchParams {
  // The options come from JavaScript callers too: check what the types promise.
  const untrusted: unknown = options;
  if (untrusted === null || typeof untrusted !== 'object') throw new TypeError('options must be an object.');
  const profile = getProfile(options.profile);
  if (typeof transport !== 'function') {
    throw new TypeError('transport must be a function (req) => Promise<{ status, headers }>.');
  }
  if (options.cache !== undefined && !(options.cache instanceof PreflightCache)) {
    throw new TypeError('options.cache must be a PreflightCache.');
  }
  const protocol: string = options.protocol ?? 'http/1.1';
  if (protocol !== 'http/1.1' && protocol !== 'h2') {
    throw new TypeError(`options.protocol must be 'http/1.1' or 'h2', not '${protocol}'.`);
  }
  const cache = options.cache ?? new PreflightCache();
  const req = constructRequest(request, profile);
  if (request.documentUrl !== undefined && typeof request.documentUrl !== 'string') {
    throw new TypeError('documentUrl must be a string.');
  }
  const documentUrl = request.documentUrl ?? `${req.origin}/`;
  if (
    request.topLevelOrigin !== undefined &&
    (typeof request.topLevelOrigin !== 'string' || parseOrigin(request.topLevelOrigin) === null)
  ) {
    throw new TypeError(`Invalid topLevelOrigin '${request.topLevelOrigin}': expected a serialized origin.`);
  }
  const lna = localNetworkAccessOf(request, req.origin, options);
  const outcome: CorsOutcome = { allowed: false, preflighted: false, requests: [], trace: [] };

  // "Fetch" step 12 (https://fetch.spec.whatwg.org/#concept-fetch): append `Accept: */*` when the author gave none.
  const headers: HeaderList = req.headers.map(([n, v]) => [n, v] as [string, string]);
  if (!hasHeader(headers, 'accept')) headers.push(['Accept', '*/*']);
  const params: FetchParams = {
    request: {
      origin: req.origin,
      mode: req.mode,
      credentials: req.credentials,
      redirect: req.redirect,
      useCorsPreflight: req.useCorsPreflight,
      method: req.method,
      headers,
      body: req.body,
      urlList: [req.url],
      initialHref: req.url.href,
      tainting: 'basic',
      redirectCount: 0,
      current: req.url,
      currentWireUrl: wireURL(req.url),
      taint: 'same-origin',
      serializedOrigin: req.origin,
      preflightKey: null,
      // Chromium reports the first disallowed header in its request-header order (blink-order.ts).
      headerOrder: profile.preflight.blinkHeaderOrder
        ? chromiumRequestHeaderOrder(
            req.headers.map(([n]) => n),
            { trustworthyUrl: isPotentiallyTrustworthy(req.url) },
          )
        : undefined,
      netNullOrigin: false,
      // Firefox: CORS-unsafe headers in the request as made make every later cross-origin hop preflighted.
      preflightSticks:
        profile.preflight.sticksAcrossRedirects && classifyRequest({ method: 'GET', headers }, profile).needsPreflight,
      // Observed in Chromium: a credentialed no-cors GET/HEAD from an opaque origin to a URL same-site
      // with the top-level page carries `Origin: null` (presumably its Storage Access headers logic).
      opaqueSameSiteOrigin:
        profile.network.opaqueCredentialedOriginHeader &&
        req.origin === 'null' &&
        req.credentials === 'include' &&
        request.topLevelOrigin !== undefined &&
        isSameSite(req.url, request.topLevelOrigin),
      tasMismatch: null,
    },
    profile,
    transport,
    cache,
    protocol,
    lna,
    documentUrl,
    outcome,
  };
  note(
    params,
    'construct',
    true,
    `${req.method} ${req.url.href} mode=${req.mode} credentials=${req.credentials} redirect=${req.redirect} body=${req.body}` +
      (req.dropped.length > 0
        ? `; dropped headers: ${req.dropped.map((d) => `${d.name} (${d.reason})`).join(', ')}`
        : ''),
  );
  return params;
}

/** The fetch resolves: `fetch()`'s promise is fulfilled with the filtered response. */
function resolveWith(params: FetchParams, response: SimulatedResponse): CorsOutcome {
  const { outcome } = params;
  outcome.allowed = true;
  outcome.response = response;
  note(
    params,
    'result',
    true,
    `fetch() resolves: type=${response.type} status=${response.status}; readable headers: ${response.exposedHeaders.join(', ') || '(none)'}`,
  );
  return outcome;
}

/** Lowercase header names of a wire request (a convenience for comparing with a server log). */
export function wireHeaderNames(req: WireRequest): string[] {
  return req.headers.map(([n]) => byteLowercase(n));
}
