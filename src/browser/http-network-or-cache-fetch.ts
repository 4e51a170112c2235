/**
 * HTTP-network-or-cache fetch (https://fetch.spec.whatwg.org/#concept-http-network-or-cache-fetch) of the actual
 * request: the header list as it goes on the wire, the `Origin` header, then HTTP-network fetch. HTTP caching,
 * cookies, authentication and the headers a browser adds below the CORS layer are not modelled.
 */
import type { HeaderList } from '../fetch/headers.js';
import { corsFailure, networkFailure, note, type FetchParams, type HopResponse } from './fetch-params.js';
import { httpNetworkFetch } from './http-network-fetch.js';
import { mismatchDetail } from './local-network.js';
import { mergeForWire } from './wire-headers.js';

/** HTTP-network-or-cache fetch of the current hop; null when it ended in a network error. */
export async function httpNetworkOrCacheFetch(params: FetchParams): Promise<HopResponse | null> {
  const { request, profile, lna } = params;
  const { current, method } = request;

  // Chromium uploads stream bodies only over HTTP/2+ (`Profile.network.streamUploadNeedsH2`).
  if (request.body === 'stream' && profile.network.streamUploadNeedsH2 && params.protocol === 'http/1.1') {
    note(params, 'send', false, 'Chromium cannot upload a ReadableStream body over HTTP/1.1');
    return networkFailure(params, 'net::ERR_ALPN_NEGOTIATION_FAILED', current, method);
  }

  // Local Network Access: a targetAddressSpace that does not match the server fails the actual request (the
  // preflight, which does not carry it, went out first). https://wicg.github.io/local-network-access/
  if (request.tasMismatch !== null && lna?.target !== undefined) {
    note(params, 'local-network-access', false, mismatchDetail(lna, request.tasMismatch));
    return corsFailure(params, 'InvalidLocalNetworkAccess', lna.target, current, '', request.tasMismatch);
  }

  // Step 8: httpRequest's header list (the Origin header is appended at step 8.12). Firefox's network stack
  // merges same-name entries into one line, except its singleton names (`Profile.network.singletonHeaders`);
  // the others send the list as it is.
  const wireHeaders: HeaderList = mergeForWire(request.headers, profile, request.body !== 'none');
  // "Append a request `Origin` header" (https://fetch.spec.whatwg.org/#append-a-request-origin-header), step 4
  // with the default referrer policy (strict-origin-when-cross-origin): a non-CORS, non-GET/HEAD request from an
  // https origin to a non-https URL carries `null` (spec, Firefox). Chromium sends the page's origin
  // (`Profile.network.originNullOnDowngrade`).
  const downgrade =
    profile.network.originNullOnDowngrade &&
    request.tainting !== 'cors' &&
    method !== 'GET' &&
    method !== 'HEAD' &&
    request.serializedOrigin.startsWith('https:') &&
    current.protocol !== 'https:';
  // Chromium's //net keeps the `null` it set on a cross-origin no-cors redirect (`Profile.redirect.netNullsOrigin`).
  const originValue = request.netNullOrigin || downgrade ? 'null' : request.serializedOrigin;
  // Steps 3–4 of "append a request Origin header": always for CORS, else only for methods other than GET/HEAD;
  // Chromium adds it to one more no-cors case (`Profile.network.opaqueCredentialedOriginHeader`).
  if (request.tainting === 'cors' || (method !== 'GET' && method !== 'HEAD') || request.opaqueSameSiteOrigin) {
    wireHeaders.push(['Origin', originValue]);
  }
  const url = request.currentWireUrl;
  note(
    params,
    'send',
    true,
    `${method} ${url}` + (wireHeaders.some(([n]) => n === 'Origin') ? ` Origin: ${originValue}` : ' (no Origin)'),
  );
  const res = await httpNetworkFetch(params, { method, url, headers: wireHeaders });
  if (res === null) return networkFailure(params, 'net::ERR_FAILED', current, method);
  return { status: res.status, headers: res.headers, url: current };
}
