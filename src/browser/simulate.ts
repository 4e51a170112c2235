/**
 * `simulateFetch`: one `fetch()` call run through the Fetch Standard's main fetch / HTTP fetch /
 * HTTP-redirect fetch / CORS-preflight fetch, with Chromium's ordering and error reporting (default
 * profile), against a caller-supplied transport.
 */
import {
  byteLowercase,
  hasHeader,
  isByteString,
  toByteString,
  trimHttpTabOrSpace,
  type HeaderList,
} from '../fetch/headers.js';
import type { AddressSpace } from '../fetch/address-space.js';
import { isPotentiallyTrustworthy, isSameOrigin, isSameSite, parseOrigin } from '../fetch/origin.js';
import { isRedirectStatus } from '../fetch/status.js';
import { isBadPort, isHttpScheme, wireURL } from '../fetch/url.js';
import { chromiumRequestHeaderOrder } from './blink-order.js';
import { PreflightCache } from './cache.js';
import { classifyRequest, constructRequest } from './classify.js';
import { corsCheck } from './cors-check.js';
import type { CorsErrorCode } from './errors.js';
import { exposedHeaderNames } from './expose.js';
import { checkLocalNetworkAccess, exemptsMixedContent, localNetworkAccessOf, mismatchDetail } from './local-network.js';
import {
  cdpParameter,
  corsConsoleMessage,
  mixedContentMessage,
  networkErrorMessage,
  noCorsRedirectModeMessage,
  sameOriginModeMessage,
  unsafeRedirectMessage,
  unsupportedSchemeMessage,
} from './messages.js';
import { buildPreflightRequest, checkPreflightResponse } from './preflight.js';
import { getProfile, type Profile } from './profiles.js';
import { MAX_REDIRECTS, locationURL, redirectTaint, rewriteForRedirect, type LocationResult } from './redirect.js';
import { mergeForWire } from './wire-headers.js';
import type { SimulateOptions } from './options.js';
import type {
  CorsOutcome,
  CorsRequest,
  SimulatedResponse,
  Transport,
  TransportResponse,
  WireRequest,
} from './types.js';

/** Author-settable client hints Chromium removes when a redirect goes to an origin other than the page's (observed). */
const CLIENT_HINT_NAMES = ['dpr', 'device-memory', 'width', 'viewport-width'];

/** Schemes //net never follows a redirect to (net::ERR_UNSAFE_REDIRECT). */
const NET_UNSAFE_REDIRECT_SCHEMES = ['data:', 'file:', 'blob:', 'filesystem:', 'about:', 'javascript:'];

/**
 * Normalize what a transport returned into an HTTP response a browser could have received, or null
 * if it cannot be one. Header values lose leading/trailing tab and space (as an HTTP parser strips
 * them); code units above 0xFF are taken as UTF-8 and turned into bytes.
 */
export function normalizeTransportResponse(value: unknown): TransportResponse | null {
  if (value === null || typeof value !== 'object') return null;
  const { status, headers } = value as { status?: unknown; headers?: unknown };
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 999) return null;
  if (!Array.isArray(headers)) return null;
  const out: HeaderList = [];
  for (const entry of headers) {
    if (!Array.isArray(entry) || entry.length < 2) return null;
    const [n, v] = entry as unknown[];
    if (typeof n !== 'string' || typeof v !== 'string') return null;
    out.push([isByteString(n) ? n : toByteString(n), trimHttpTabOrSpace(toByteString(v))]);
  }
  return { status, headers: out };
}

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
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object.');
  const profile: Profile = getProfile(options.profile);
  if (typeof transport !== 'function') {
    throw new TypeError('transport must be a function (req) => Promise<{ status, headers }>.');
  }
  if (options.cache !== undefined && !(options.cache instanceof PreflightCache)) {
    throw new TypeError('options.cache must be a PreflightCache.');
  }
  const protocol = options.protocol ?? 'http/1.1';
  if (protocol !== 'http/1.1' && protocol !== 'h2') {
    throw new TypeError(`options.protocol must be 'http/1.1' or 'h2', not '${String(protocol)}'.`);
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
    throw new TypeError(`Invalid topLevelOrigin '${String(request.topLevelOrigin)}': expected a serialized origin.`);
  }
  const lna = localNetworkAccessOf(request, req.origin, options);

  const requests: WireRequest[] = [];
  const trace: CorsOutcome['trace'] = [];
  const outcome: CorsOutcome = { allowed: false, preflighted: false, requests, trace };
  const note = (step: string, ok: boolean, detail: string): void => {
    trace.push({ step, ok, detail });
  };

  note(
    'construct',
    true,
    `${req.method} ${req.url.href} mode=${req.mode} credentials=${req.credentials} redirect=${req.redirect} body=${req.body}` +
      (req.dropped.length > 0
        ? `; dropped headers: ${req.dropped.map((d) => `${d.name} (${d.reason})`).join(', ')}`
        : ''),
  );

  // fetch() step: append `Accept: */*` when the author gave none (Fetch §4.1 "fetch" step 12).
  let headers: HeaderList = req.headers.map(([n, v]) => [n, v] as [string, string]);
  if (!hasHeader(headers, 'accept')) headers.push(['Accept', '*/*']);
  let method = req.method;
  let body = req.body;
  // Chromium reports the first disallowed header in its request-header order (blink-order.ts).
  const headerOrder = profile.preflight.blinkHeaderOrder
    ? chromiumRequestHeaderOrder(
        req.headers.map(([n]) => n),
        { trustworthyUrl: isPotentiallyTrustworthy(req.url) },
      )
    : undefined;
  const urlList: URL[] = [req.url];
  const initialHref = req.url.href;
  let tainting: 'basic' | 'cors' | 'opaque' = 'basic';
  let redirectCount = 0;
  let preflightKey: { origin: string; url: string } | null = null;
  let netNullOrigin = false;
  // LNA: the server's space differs from the request's targetAddressSpace (checked on the actual request).
  let tasMismatch: AddressSpace | null = null;
  // Firefox (Profile.preflight.sticksAcrossRedirects): CORS-unsafe headers in the request as made, or a hop that
  // needed a preflight, make every later cross-origin hop preflighted, even once a redirect made it simple.
  let preflightSticks =
    profile.preflight.sticksAcrossRedirects && classifyRequest({ method: 'GET', headers }, profile).needsPreflight;
  // Observed in Chromium: a credentialed no-cors GET/HEAD from an opaque origin to a URL same-site
  // with the top-level page carries `Origin: null` (presumably its Storage Access headers logic). It
  // is decided by the first request; //net keeps the header across redirects unless the method changes.
  let opaqueSameSiteOrigin =
    profile.network.opaqueCredentialedOriginHeader &&
    req.origin === 'null' &&
    req.credentials === 'include' &&
    request.topLevelOrigin !== undefined &&
    isSameSite(req.url, request.topLevelOrigin);

  const clearCacheOnFailure = (): void => {
    if (preflightKey !== null && profile.cache.clearOnFailure) {
      cache.clear(preflightKey.origin, preflightKey.url);
      note('cache', true, `preflight cache entry for ${preflightKey.url} cleared after the failure`);
    }
  };
  // `cdp` overrides what CDP reports as failedParameter when it is not the value the console names.
  const corsFail = (
    code: CorsErrorCode,
    parameter: string,
    at: URL,
    cdp?: string,
    resourceAddressSpace?: string,
  ): CorsOutcome => {
    clearCacheOnFailure();
    const message = corsConsoleMessage(code, parameter, {
      initialUrl: initialHref,
      finalUrl: at.href,
      origin: req.origin,
      ...(resourceAddressSpace === undefined ? {} : { resourceAddressSpace }),
    });
    outcome.error = { code, kind: 'cors', parameter: cdp ?? cdpParameter(parameter), message };
    note(
      'result',
      false,
      `${code}${parameter === '' ? '' : ` (${parameter})`}: fetch() rejects with TypeError: Failed to fetch`,
    );
    return outcome;
  };
  const netFail = (parameter: string, at: URL, m: string, message?: string): CorsOutcome => {
    clearCacheOnFailure();
    outcome.error = {
      code: 'NetworkError',
      kind: 'network',
      parameter,
      message: message ?? networkErrorMessage(m, at.href, parameter),
    };
    note('result', false, `network error ${parameter}: fetch() rejects with TypeError: Failed to fetch`);
    return outcome;
  };
  const send = async (wire: WireRequest): Promise<TransportResponse | null> => {
    requests.push(wire);
    let raw: unknown;
    try {
      raw = await transport({ method: wire.method, url: wire.url, headers: wire.headers.map(([n, v]) => [n, v]) });
    } catch (err) {
      note('transport', false, `transport threw: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
    const res = normalizeTransportResponse(raw);
    if (res === null) note('transport', false, 'transport answered something that is not an HTTP response');
    return res;
  };
  const resolve = (response: SimulatedResponse): CorsOutcome => {
    outcome.allowed = true;
    outcome.response = response;
    note(
      'result',
      true,
      `fetch() resolves: type=${response.type} status=${response.status}; readable headers: ${response.exposedHeaders.join(', ') || '(none)'}`,
    );
    return outcome;
  };

  for (;;) {
    const current = urlList[urlList.length - 1]!;
    const taint = redirectTaint(urlList, req.origin);
    const serializedOrigin = taint === 'same-origin' ? req.origin : 'null';
    const preflightOrigin = profile.preflight.ignoresTaint ? req.origin : serializedOrigin;
    const url = wireURL(current);

    // Main fetch (Fetch §4.1 step 12), in the order Blink checks (FetchManager::Loader::Start): the
    // request-mode refusals come before the scheme check and before mixed-content blocking.
    let preflightBranch = false;
    const sameOriginBasic = isSameOrigin(current, req.origin) && tainting === 'basic';
    if (current.protocol === 'data:') {
      note('main-fetch', true, 'data: URL: basic response without network access');
      return resolve({
        status: 200,
        type: 'basic',
        exposedHeaders: ['content-type'],
        url: current.href,
        redirected: urlList.length > 1,
      });
    }
    if (!sameOriginBasic && req.mode === 'same-origin') {
      note('main-fetch', false, 'mode same-origin and the URL is cross-origin');
      // Blink refuses these itself: CDP reports no CORS error (and no net error name).
      if (urlList.length === 1) return netFail('', current, method, sameOriginModeMessage(current.href, req.origin));
      // CDP: loadingFailed with blockedReason "origin".
      return netFail('origin', current, method, unsafeRedirectMessage(current.href, documentUrl));
    }
    if (!sameOriginBasic && req.mode === 'no-cors' && req.redirect !== 'follow') {
      note('main-fetch', false, "a no-cors request must use redirect mode 'follow'");
      return netFail('', current, method, noCorsRedirectModeMessage(current.href));
    }
    if (!isHttpScheme(current)) {
      note('main-fetch', false, `URL scheme "${current.protocol.slice(0, -1)}" is not supported`);
      // Blink refuses it before anything is sent (no net error in CDP).
      return netFail('', current, method, unsupportedSchemeMessage(current.href, current.protocol.slice(0, -1)));
    }
    // Mixed content is blocked before any CORS processing (Chromium: CDP blockedReason mixed-content), unless
    // the request declares a targetAddressSpace (LNA): Chromium then only warns and lets LNA decide (observed).
    const lnaExempt = profile.localNetwork.enabled && exemptsMixedContent(lna);
    if (
      req.origin.startsWith('https:') &&
      current.protocol === 'http:' &&
      !isPotentiallyTrustworthy(current) &&
      !lnaExempt
    ) {
      note('mixed-content', false, `an https: page may not fetch ${url}`);
      return netFail('mixed-content', current, method, mixedContentMessage(req.origin, current.href));
    }
    // Fetch "bad port" (main fetch step 7): blocked before anything is sent.
    if (isBadPort(current)) {
      note('bad-port', false, `port ${current.port} is a bad port`);
      return netFail('net::ERR_UNSAFE_PORT', current, method);
    }
    // Local Network Access (local-network.ts), on every hop, after mixed content (observed), before anything is
    // sent: a preflight that would be needed is not sent either, and no-cors requests are checked too.
    if (lna !== null && profile.localNetwork.enabled) {
      // Only a targetAddressSpace check depends on whether a preflight will go out first.
      const preflighted =
        lna.target !== undefined &&
        !isSameOrigin(current, req.origin) &&
        req.mode === 'cors' &&
        classifyRequest({ method, headers, useCorsPreflight: req.useCorsPreflight }, profile).needsPreflight;
      const verdict = checkLocalNetworkAccess(lna, current, preflighted);
      if (!verdict.ok) {
        note('local-network-access', false, verdict.detail);
        return corsFail(
          verdict.code,
          verdict.parameter,
          current,
          '',
          verdict.code === 'InvalidLocalNetworkAccess' ? verdict.server : undefined,
        );
      }
      if (verdict.detail !== null) note('local-network-access', true, verdict.detail);
      tasMismatch = verdict.mismatch;
    }
    if (sameOriginBasic) {
      note('main-fetch', true, 'same-origin request: no CORS, basic response');
    } else if (req.mode === 'no-cors') {
      tainting = 'opaque';
      note('main-fetch', true, 'no-cors cross-origin request: opaque response, no CORS check');
    } else {
      tainting = 'cors';
      const cls = classifyRequest(
        { method, headers, useCorsPreflight: req.useCorsPreflight || preflightSticks },
        profile,
      );
      if (cls.needsPreflight && profile.preflight.sticksAcrossRedirects) preflightSticks = true;
      if (!cls.needsPreflight) {
        note('classify', true, 'no preflight needed: safelisted method and headers');
      } else {
        preflightBranch = true;
        note('classify', true, `preflight needed: ${cls.reasons.join('; ')}`);
        const cacheKey = { origin: profile.cache.originKey === 'initiator' ? req.origin : serializedOrigin, url };
        preflightKey = cacheKey;
        const cacheable = !(profile.cache.opaqueOriginNotCached && req.origin === 'null');
        const lookup = cacheable
          ? cache.lookup(
              {
                ...cacheKey,
                method,
                unsafeHeaderNames: cls.unsafeHeaderNames,
                credentials: req.credentials,
                useCorsPreflight: req.useCorsPreflight,
              },
              profile,
            )
          : { hit: false, detail: 'an opaque requester is never served from the preflight cache' };
        note('cache', lookup.hit, lookup.detail);
        if (!lookup.hit) {
          const preflight = buildPreflightRequest({
            url,
            method,
            unsafeHeaderNames: cls.unsafeHeaderNames,
            origin: preflightOrigin,
          });
          outcome.preflighted = true;
          note(
            'preflight',
            true,
            `OPTIONS ${url} Access-Control-Request-Method: ${method}` +
              (cls.unsafeHeaderNames.length > 0
                ? `, Access-Control-Request-Headers: ${cls.unsafeHeaderNames.join(',')}`
                : '') +
              `, Origin: ${preflightOrigin}`,
          );
          const pres = await send(preflight);
          if (pres === null) return netFail('net::ERR_FAILED', current, 'OPTIONS');
          const check = checkPreflightResponse(
            {
              status: pres.status,
              headers: pres.headers,
              url,
              method,
              unsafeHeaderNames: cls.unsafeHeaderNames,
              credentials: req.credentials,
              origin: preflightOrigin,
              useCorsPreflight: req.useCorsPreflight,
              ...(headerOrder ? { headerOrder } : {}),
            },
            profile,
          );
          if (!check.ok) {
            note('preflight-response', false, `status ${pres.status}: ${check.step} check failed`);
            if (check.kind === 'network') return netFail(check.parameter, current, 'OPTIONS');
            return corsFail(check.code as CorsErrorCode, check.parameter, current);
          }
          note(
            'preflight-response',
            true,
            `status ${pres.status}; allowed methods [${check.methods.join(', ')}], headers [${check.headerNames.join(', ')}]; max-age ${check.maxAge}s` +
              (check.authorizationCoveredByWildcard ? '; Authorization allowed only through "*" (Chromium warns)' : ''),
          );
          if (cacheable) {
            cache.store(
              {
                ...cacheKey,
                methods: check.methods,
                headerNames: check.headerNames,
                maxAge: check.maxAge,
                credentials: req.credentials,
              },
              profile,
            );
          }
        }
      }
    }
    if (!preflightBranch) preflightKey = null;

    // Chromium uploads stream bodies only over HTTP/2+.
    if (body === 'stream' && profile.network.streamUploadNeedsH2 && protocol === 'http/1.1') {
      note('send', false, 'Chromium cannot upload a ReadableStream body over HTTP/1.1');
      return netFail('net::ERR_ALPN_NEGOTIATION_FAILED', current, method);
    }

    if (tasMismatch !== null && lna !== null) {
      note('local-network-access', false, mismatchDetail(lna, tasMismatch));
      return corsFail('InvalidLocalNetworkAccess', lna.target!, current, '', tasMismatch);
    }
    // HTTP-network-or-cache fetch: append the Origin header (Fetch §3.1 "append a request Origin header").
    const wireHeaders: HeaderList = mergeForWire(headers, profile, body !== 'none');
    // Fetch §3.1 step 4, default referrer policy (strict-origin-when-cross-origin): a non-CORS, non-GET/HEAD
    // request from an https origin to a non-https URL carries `null` (Profile.network.originNullOnDowngrade).
    const downgrade =
      profile.network.originNullOnDowngrade &&
      tainting !== 'cors' &&
      method !== 'GET' &&
      method !== 'HEAD' &&
      serializedOrigin.startsWith('https:') &&
      current.protocol !== 'https:';
    const originValue = netNullOrigin || downgrade ? 'null' : serializedOrigin;
    if (tainting === 'cors' || (method !== 'GET' && method !== 'HEAD') || opaqueSameSiteOrigin) {
      wireHeaders.push(['Origin', originValue]);
    }
    note(
      'send',
      true,
      `${method} ${url}` + (wireHeaders.some(([n]) => n === 'Origin') ? ` Origin: ${originValue}` : ' (no Origin)'),
    );
    const res = await send({ method, url, headers: wireHeaders });
    if (res === null) return netFail('net::ERR_FAILED', current, method);

    // A redirect status. Chromium's //net only follows it with a (non-empty) Location; without one
    // the response reaches Blink, which still turns it into an opaqueredirect for 'manual' (observed)
    // but resolves it as is for 'error' and 'follow'.
    const redirectStatus = isRedirectStatus(res.status);
    const networkStack = profile.redirect.order === 'network-stack';
    const location: LocationResult = redirectStatus ? locationURL(res.headers, current, profile) : { kind: 'none' };

    // //net rejects unusable Location values before the CORS layer sees the redirect.
    if (redirectStatus && networkStack && location.kind !== 'none') {
      if (location.kind === 'multiple') return netFail('net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION', current, method);
      if (location.kind === 'invalid') return netFail('net::ERR_INVALID_REDIRECT', current, method);
    }

    // HTTP fetch: the CORS check runs on every response of a cors-tainted request, redirects included.
    if (tainting === 'cors') {
      const check = corsCheck(
        { headers: res.headers, origin: serializedOrigin, credentials: req.credentials },
        profile,
      );
      if (!check.ok) {
        note('cors-check', false, `status ${res.status}: ${check.code}`);
        return corsFail(check.code, check.parameter, current);
      }
      note('cors-check', true, `status ${res.status}: Access-Control-Allow-Origin matches ${serializedOrigin}`);
    }

    if (redirectStatus) {
      if (profile.redirect.multipleLocationsFailBeforeManual && location.kind === 'multiple') {
        note('redirect', false, 'several different Location values');
        return netFail('net::ERR_INVALID_REDIRECT', current, method);
      }
      if (req.redirect === 'manual') {
        note('redirect', true, "redirect mode 'manual': opaque-redirect response");
        return resolve({
          status: 0,
          type: 'opaqueredirect',
          exposedHeaders: [],
          wireStatus: res.status,
          url: current.href,
          redirected: false,
        });
      }
      // Chromium applies 'error' only to a redirect //net would follow (observed: a 302 without Location
      // resolves); the spec rejects any redirect status.
      if (req.redirect === 'error' && !networkStack) {
        note('redirect', false, "redirect mode 'error'");
        return netFail('net::ERR_FAILED', current, method);
      }
      if (!networkStack && (location.kind === 'multiple' || location.kind === 'invalid')) {
        return netFail('net::ERR_INVALID_REDIRECT', current, method);
      }
      if (location.kind === 'url') {
        const next = location.url;
        // Chromium's order, pinned case by case against Chromium 156: the network service first (after
        // the CORS check of the redirect response and 'manual'): //net refuses local schemes (data: …)
        // and bad ports, then the redirect count, the CORS userinfo rule and the stream-body rule;
        // then Blink: redirect mode 'error', the same-origin mode check, any other userinfo; other
        // schemes (ftp:) are only refused once the redirect is followed.
        if (networkStack && NET_UNSAFE_REDIRECT_SCHEMES.includes(next.protocol)) {
          note('redirect', false, `redirect to a ${next.protocol} URL`);
          return netFail('net::ERR_UNSAFE_REDIRECT', current, method);
        }
        if (networkStack && isBadPort(next)) {
          note('redirect', false, `port ${next.port} is a bad port`);
          return netFail('net::ERR_UNSAFE_PORT', current, method);
        }
        if (!networkStack && !isHttpScheme(next)) {
          note('redirect', false, `redirect to a ${next.protocol} URL`);
          return netFail('net::ERR_UNSAFE_REDIRECT', current, method);
        }
        if (redirectCount === MAX_REDIRECTS) {
          note('redirect', false, `redirect count is already ${MAX_REDIRECTS}`);
          return netFail('net::ERR_TOO_MANY_REDIRECTS', current, method);
        }
        redirectCount++;
        const hasUserinfo = next.username !== '' || next.password !== '';
        if (
          hasUserinfo &&
          ((req.mode === 'cors' && (taint !== 'same-origin' || !isSameOrigin(req.origin, next))) || tainting === 'cors')
        ) {
          note('redirect', false, 'redirect location contains credentials');
          // Chromium 156 reports an empty failedParameter, prints '' as the location and names the
          // URL that answered with the redirect.
          return corsFail('RedirectContainsCredentials', '', current);
        }
        if (body === 'stream' && res.status !== 303) {
          note('redirect', false, 'a ReadableStream body cannot be resent');
          return netFail('net::ERR_INVALID_ARGUMENT', current, method);
        }
        if (networkStack && req.redirect === 'error') {
          note('redirect', false, "redirect mode 'error'");
          return netFail('net::ERR_FAILED', current, method);
        }
        if (networkStack && req.mode === 'same-origin' && !isSameOrigin(req.origin, next)) {
          // Blink's same-origin check of the redirect: before the scheme and userinfo checks (observed
          // for ftp: and for a Location with credentials, which it prints as is), after 'error'.
          note('redirect', false, 'mode same-origin and the redirect leaves the origin');
          return netFail('origin', current, method, unsafeRedirectMessage(next.href, documentUrl));
        }
        if (hasUserinfo && networkStack) {
          // Observed: Chromium fails any redirect to a URL with credentials, same-origin and no-cors
          // ones included, without a CORS error (the spec allows these). CDP: blockedReason "origin".
          note('redirect', false, 'redirect location contains credentials');
          return netFail(
            'origin',
            current,
            method,
            `${method} ${current.href} (blocked: redirect to a URL with credentials)`,
          );
        }
        if (!isHttpScheme(next)) {
          note('redirect', false, `redirect to a ${next.protocol} URL`);
          // Chromium's CORS layer refuses a CORS-enabled request to a non-HTTP(S) URL; a no-cors
          // request fails in //net (both observed for ftp:).
          if (req.mode === 'cors') return corsFail('CorsDisabledScheme', '', next);
          return netFail('net::ERR_UNKNOWN_URL_SCHEME', current, method);
        }
        const rewritten = rewriteForRedirect({ method, headers, body }, res.status, current, next);
        // //net drops the Origin header when a redirect changes the method.
        if (rewritten.method !== method) opaqueSameSiteOrigin = false;
        // Observed: the hints survive a hop to the page's own origin and are dropped on any other hop.
        if (profile.redirect.dropClientHintsCrossOrigin && !isSameOrigin(req.origin, next)) {
          const before = rewritten.headers.length;
          rewritten.headers = rewritten.headers.filter(([n]) => !CLIENT_HINT_NAMES.includes(byteLowercase(n)));
          if (rewritten.headers.length !== before) {
            rewritten.changes.push('client hints removed (cross-origin redirect)');
          }
        }
        // Chromium's //net (redirect_util.cc) replaces the Origin of a request it follows itself
        // (no-cors) with `null` on a cross-origin hop, and it stays `null`.
        if (
          profile.redirect.netNullsOrigin &&
          req.mode === 'no-cors' &&
          rewritten.method !== 'GET' &&
          rewritten.method !== 'HEAD' &&
          !isSameOrigin(current, next)
        ) {
          netNullOrigin = true;
        }
        method = rewritten.method;
        headers = rewritten.headers;
        body = rewritten.body;
        urlList.push(next);
        note(
          'redirect',
          true,
          `${res.status} -> ${next.href}` + (rewritten.changes.length > 0 ? ` (${rewritten.changes.join('; ')})` : ''),
        );
        continue;
      }
      note('redirect', true, `status ${res.status} without Location: returned as is`);
    }

    const type = tainting === 'opaque' ? 'opaque' : tainting === 'cors' ? 'cors' : 'basic';
    return resolve({
      status: type === 'opaque' ? 0 : res.status,
      type,
      exposedHeaders: exposedHeaderNames({ headers: res.headers, type, credentials: req.credentials }),
      wireStatus: res.status,
      // Response's url getter excludes the fragment; an opaque response has an empty URL list.
      url: type === 'opaque' ? '' : wireURL(current),
      redirected: type !== 'opaque' && urlList.length > 1,
    });
  }
}

/** Lowercase header names of a wire request (a convenience for comparing with a server log). */
export function wireHeaderNames(req: WireRequest): string[] {
  return req.headers.map(([n]) => byteLowercase(n));
}
