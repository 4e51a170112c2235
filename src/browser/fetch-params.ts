/**
 * The state one simulated `fetch()` carries through the Fetch Standard's algorithms, passed from one to the next
 * the way the spec (and undici's `lib/web/fetch/index.js`) passes "fetch params"
 * (https://fetch.spec.whatwg.org/#fetch-params), and the ways a fetch ends: a network error, or a response.
 *
 * Every function of main-fetch.ts, http-fetch.ts, cors-preflight-fetch.ts, http-network-or-cache-fetch.ts and
 * http-redirect-fetch.ts takes the one `FetchParams` object; none keeps state of its own.
 */
import type { AddressSpace } from '../fetch/address-space.js';
import type { HeaderList } from '../fetch/headers.js';
import type { PreflightCache } from './cache.js';
import type { CorsErrorCode } from './errors.js';
import type { LocalNetworkAccess } from './local-network.js';
import { cdpParameter, corsConsoleMessage, networkErrorMessage } from './messages.js';
import type { Profile } from './profiles.js';
import type { RedirectTaint } from './redirect.js';
import type {
  BodyKind,
  CorsOutcome,
  CredentialsMode,
  RedirectMode,
  RequestMode,
  SimulatedResponse,
  Transport,
} from './types.js';

/**
 * The Fetch "request" (https://fetch.spec.whatwg.org/#concept-request) as the algorithms read and change it,
 * plus what the browsers keep beside it (marked with the profile rule that needs it).
 */
export interface FetchRequest {
  /** The page's serialized origin (`null` for an opaque origin). */
  readonly origin: string;
  readonly mode: RequestMode;
  readonly credentials: CredentialsMode;
  readonly redirect: RedirectMode;
  /** The use-CORS-preflight flag. */
  readonly useCorsPreflight: boolean;
  method: string;
  headers: HeaderList;
  body: BodyKind;
  /** The URL list; its last URL is the current URL (https://fetch.spec.whatwg.org/#concept-request-current-url). */
  readonly urlList: URL[];
  /** The first URL, serialized (Chromium's console names it as "redirected from"). */
  readonly initialHref: string;
  /** Response tainting (https://fetch.spec.whatwg.org/#concept-request-response-tainting). */
  tainting: 'basic' | 'cors' | 'opaque';
  /** Redirect count (https://fetch.spec.whatwg.org/#concept-request-redirect-count). */
  redirectCount: number;
  /** The current URL, set by main fetch for each hop. */
  current: URL;
  /** The current URL as it goes on the wire (without fragment), set by main fetch for each hop. */
  currentWireUrl: string;
  /** Redirect-taint of the URL list (https://fetch.spec.whatwg.org/#concept-request-tainted-origin), per hop. */
  taint: RedirectTaint;
  /**
   * "Byte-serializing a request origin" (https://fetch.spec.whatwg.org/#byte-serializing-a-request-origin):
   * the origin, or `null` once redirect-taint is not same-origin. Set by main fetch for each hop.
   */
  serializedOrigin: string;
  /**
   * The cache key of the hop that took the preflight path, cleared when a hop does not: main fetch step 12 clears
   * the cache entries of a CORS-with-preflight fetch that ends in a network error (`Profile.cache.clearOnFailure`).
   */
  preflightKey: { origin: string; url: string } | null;
  /** The request header names in Chromium's order (`Profile.preflight.blinkHeaderOrder`), else undefined. */
  readonly headerOrder: readonly string[] | undefined;
  /** Chromium's //net turned `Origin` into `null` on a cross-origin no-cors redirect (`Profile.redirect.netNullsOrigin`). */
  netNullOrigin: boolean;
  /**
   * Firefox (`Profile.preflight.sticksAcrossRedirects`): CORS-unsafe headers in the request as made, or a hop that
   * needed a preflight, make every later cross-origin hop preflighted, even once a redirect made it simple.
   */
  preflightSticks: boolean;
  /**
   * Chromium (`Profile.network.opaqueCredentialedOriginHeader`): a credentialed no-cors GET/HEAD from an opaque
   * origin to a URL same-site with the top-level page carries `Origin: null`. Decided by the first request; //net
   * keeps the header across redirects unless the method changes.
   */
  opaqueSameSiteOrigin: boolean;
  /** Local Network Access: the server's space differs from `targetAddressSpace` (reported on the actual request). */
  tasMismatch: AddressSpace | null;
}

/** Fetch params (https://fetch.spec.whatwg.org/#fetch-params): everything one fetch shares between its steps. */
export interface FetchParams {
  readonly request: FetchRequest;
  readonly profile: Profile;
  readonly transport: Transport;
  readonly cache: PreflightCache;
  /** The HTTP version the transport speaks. */
  readonly protocol: 'http/1.1' | 'h2';
  /** What the Local Network Access check needs, or null when the page's address space is not given. */
  readonly lna: LocalNetworkAccess | null;
  /** The page's URL (only for one Chromium console text). */
  readonly documentUrl: string;
  /** What the caller gets; the steps append to its requests and trace, and a failure fills its error. */
  readonly outcome: CorsOutcome;
}

/** A network error (https://fetch.spec.whatwg.org/#concept-network-error). Its reason is in the outcome's error. */
export const NETWORK_ERROR = null;

/** A response as the transport returned it for the current URL, before main fetch filters it. */
export interface HopResponse {
  readonly status: number;
  readonly headers: HeaderList;
  readonly url: URL;
}

/**
 * HTTP-redirect fetch appended the location URL to the URL list, and step 22 ("return the result of running main
 * fetch given fetchParams and recursive") is due. That recursion is a tail call, so simulateFetch runs it as a
 * loop: main fetch runs again for the new current URL.
 */
export const REDIRECTED = 'redirected';

/**
 * What a fetch algorithm returns: a network error, a response main fetch still has to filter, one already
 * filtered (an opaque-redirect filtered response, a `data:` URL's basic response), or a followed redirect.
 */
export type FetchResponse =
  typeof NETWORK_ERROR | HopResponse | { readonly filtered: SimulatedResponse } | typeof REDIRECTED;

/** Add a step to the outcome's trace. */
export function note(params: FetchParams, step: string, ok: boolean, detail: string): void {
  params.outcome.trace.push({ step, ok, detail });
}

/**
 * Main fetch step 12, CORS-with-preflight branch: "If corsWithPreflightResponse is a network error, then clear
 * cache entries using request" (https://fetch.spec.whatwg.org/#main-fetch). Chromium never does
 * (`Profile.cache.clearOnFailure`).
 */
function clearCacheEntries(params: FetchParams): void {
  const key = params.request.preflightKey;
  if (key !== null && params.profile.cache.clearOnFailure) {
    params.cache.clear(key.origin, key.url);
    note(params, 'cache', true, `preflight cache entry for ${key.url} cleared after the failure`);
  }
}

/**
 * End the fetch with a network error that Chromium reports as a CORS error (CDP `corsErrorStatus`).
 * `cdp` overrides what CDP reports as failedParameter when it is not the value the console names.
 */
export function corsFailure(
  params: FetchParams,
  code: CorsErrorCode,
  parameter: string,
  at: URL,
  cdp?: string,
  resourceAddressSpace?: string,
): typeof NETWORK_ERROR {
  clearCacheEntries(params);
  const request = params.request;
  const message = corsConsoleMessage(code, parameter, {
    initialUrl: request.initialHref,
    finalUrl: at.href,
    origin: request.origin,
    ...(resourceAddressSpace === undefined ? {} : { resourceAddressSpace }),
  });
  params.outcome.error = { code, kind: 'cors', parameter: cdp ?? cdpParameter(parameter), message };
  note(
    params,
    'result',
    false,
    `${code}${parameter === '' ? '' : ` (${parameter})`}: fetch() rejects with TypeError: Failed to fetch`,
  );
  return NETWORK_ERROR;
}

/**
 * End the fetch with a network error that is not a CORS error: `parameter` is the `net::ERR_*` name or CDP
 * blockedReason (see `NetworkErrorCode`), `method` the method the console line names.
 */
export function networkFailure(
  params: FetchParams,
  parameter: string,
  at: URL,
  method: string,
  message?: string,
): typeof NETWORK_ERROR {
  clearCacheEntries(params);
  params.outcome.error = {
    code: 'NetworkError',
    kind: 'network',
    parameter,
    message: message ?? networkErrorMessage(method, at.href, parameter),
  };
  note(params, 'result', false, `network error ${parameter}: fetch() rejects with TypeError: Failed to fetch`);
  return NETWORK_ERROR;
}
