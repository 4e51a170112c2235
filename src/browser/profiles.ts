/**
 * Browser profiles: where Chromium, Firefox and Safari depart from the Fetch Standard, grouped by the algorithm
 * step each rule changes, so a browser difference is found beside its step.
 *
 * `chromium` is the default and is checked case by case against a real Chromium by the differential suite
 * (test/chromium). `firefox` is checked against a real Firefox ESR at page level (test/firefox: how the fetch
 * settles, the response and every request on the wire; not error names or console text). `safari` encodes the
 * differences read from WebKit's source and is not verified against a browser. `spec` follows the Fetch Standard
 * literally.
 */
import type { ProfileName } from './types.js';

/**
 * Request construction and classification: `fetch()` argument processing
 * (https://fetch.spec.whatwg.org/#dom-request) and "CORS-unsafe request-header names"
 * (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names), which decide whether main fetch preflights.
 */
export interface RequestRules {
  /** Chromium's extra safelisted request headers (DPR, Device-Memory, Width, Viewport-Width, Save-Data, Intervention). */
  readonly chromiumSafelist: boolean;
  /** A byte above 0x7F makes `Accept` and `Content-Type` CORS-unsafe (Firefox, observed). */
  readonly asciiOnlySafelist: boolean;
  /** `User-Agent` is a forbidden request header (Chromium) — dropped silently, never preflighted. */
  readonly userAgentForbidden: boolean;
  /**
   * Same-name author headers become one line with values joined by `", "` before any CORS
   * classification (Blink's HTTPHeaderMap); the spec keeps them as separate entries.
   */
  readonly combineHeaders: boolean;
  /** Apply the 1024-byte total rule of CORS-unsafe request-header names (WebKit's builder lacks it). */
  readonly unsafeNamesTotalLimit: boolean;
  /**
   * `Access-Control-Request-Headers` lists each unsafe name once (the spec's sorted-lowercase set); Firefox
   * lists a name once per header-list entry (`x-a,x-a`, observed).
   */
  readonly uniqueUnsafeNames: boolean;
  /**
   * `fetch()` takes a `ReadableStream` body (Chromium). Firefox does not: it stringifies the stream, so the
   * request has the text body `[object ReadableStream]` (observed: `text/plain`, no preflight, allowed in no-cors).
   */
  readonly streams: boolean;
}

/** CORS-preflight fetch (https://fetch.spec.whatwg.org/#cors-preflight-fetch): sending it and judging its answer. */
export interface PreflightRules {
  /** Check the preflight status before the CORS check (WebKit); Chromium and the spec run the CORS check first. */
  readonly statusFirst: boolean;
  /** `Access-Control-Allow-Headers: *` covers `Authorization` on a preflight (non-credentialed). */
  readonly wildcardCoversAuthorization: boolean;
  /** `Access-Control-Allow-Headers` is checked for `Authorization` before the other unsafe names (spec step order). */
  readonly authorizationCheckedFirst: boolean;
  /**
   * Report the first disallowed request header in Chromium's request-header order (Blink's header
   * hash map, see blink-order.ts) rather than in sorted order.
   */
  readonly blinkHeaderOrder: boolean;
  /**
   * A preflight after a tainting (cross-origin) redirect still carries the page's origin, and its answer is
   * checked against it; the actual requests send `Origin: null` as the spec says (Firefox 153, observed).
   */
  readonly ignoresTaint: boolean;
  /**
   * CORS-unsafe headers in the request as made (even on a same-origin first hop), or a hop that needed a
   * preflight, make every later cross-origin hop preflighted, even once a redirect made it simple (Firefox,
   * observed: a 303 from a preflighted PUT, a redirect that dropped Authorization; an unsafe method alone on a
   * same-origin first hop does not).
   */
  readonly sticksAcrossRedirects: boolean;
  /** Turn the combined `Access-Control-Max-Age` value (null if absent) into seconds; 0 means "do not cache". */
  parseMaxAge(value: string | null, lines: number): number;
  /** Upper bound of a preflight cache entry's lifetime, in seconds (the spec's "imposed limit on max-age"). */
  readonly maxAgeCap: number;
}

/** The CORS check (https://fetch.spec.whatwg.org/#concept-cors-check). */
export interface CorsCheckRules {
  /** More than one `Access-Control-Allow-Origin` line is `MultipleAllowOriginValues` and a single `a, b` line a mismatch (Firefox). */
  readonly countAllowOriginLines: boolean;
}

/** The CORS-preflight cache (https://fetch.spec.whatwg.org/#concept-cache). */
export interface CacheRules {
  /**
   * Cache shape: `entry` — one entry per (origin, URL) holding the whole method and header
   * sets, replaced by each successful preflight and erased when stale or insufficient on lookup
   * (Chromium, WebKit); `item` — one entry per method and per header name, each with its own expiry (spec, Firefox).
   */
  readonly model: 'entry' | 'item';
  /** The key includes the credentials flag, so credentialed and uncredentialed entries never serve each other (Firefox). */
  readonly credentialsExact: boolean;
  /** In `item` caches a `*` entry matches whatever its credentials (the spec's "method cache entry match" does not look at them). */
  readonly wildcardIgnoresCredentials: boolean;
  /**
   * A cached `*` (methods or headers) covers other names on a lookup. Firefox stores `*` as a name and matches
   * names exactly, so a request that only `*` allowed is preflighted again (observed in Firefox 153).
   */
  readonly wildcardMatches: boolean;
  /** `*` in a cached entry covers `Authorization` on a cache lookup. */
  readonly wildcardCoversAuthorization: boolean;
  /**
   * The origin an entry is keyed by: `initiator` — the page's origin even when redirect-taint
   * made the request's origin `null` (Chromium keys by `request_initiator`); `serialized` — the
   * byte-serialized request origin (spec).
   */
  readonly originKey: 'initiator' | 'serialized';
  /** URLs at least this long are never cached (Chromium `preflight_cache.cc` `kMaxKeyLength`). */
  readonly maxUrlLength: number;
  /**
   * A fetch that failed after taking the preflight path clears the cache entries for its origin and
   * URL (spec, main fetch). Chromium never does: an entry only goes when a lookup finds it stale or
   * insufficient (observed: a failing actual response leaves the cached preflight in use).
   */
  readonly clearOnFailure: boolean;
  /** Requests from an opaque origin are never served from (nor stored in) the cache: Chromium's key includes a transient NetworkIsolationKey. */
  readonly opaqueOriginNotCached: boolean;
}

/** HTTP-redirect fetch (https://fetch.spec.whatwg.org/#http-redirect-fetch) and the redirect branch of HTTP fetch. */
export interface RedirectRules {
  /**
   * Order of the checks on a redirect response. `network-stack` (Chromium's `CorsURLLoader` on top of
   * `//net`): an unusable `Location` fails first, then the CORS check, `manual`, the redirect count,
   * userinfo, and only then `redirect: 'error'`. `spec` (HTTP fetch + HTTP-redirect fetch): CORS check,
   * redirect mode, `Location`, scheme, count, userinfo.
   */
  readonly order: 'network-stack' | 'spec';
  /** A 3xx response is only a redirect when it has a `Location` header (Chromium's net stack); otherwise the redirect mode is consulted first (spec). */
  readonly needsLocation: boolean;
  /**
   * Several `Location` lines with the same value count as one (Chromium's //net, and Firefox, observed); the
   * spec's header-list "get" combines them into one value that is not a URL.
   */
  readonly identicalLocationsAreOne: boolean;
  /** Several different `Location` values fail the fetch even in `manual` redirect mode (Firefox, observed). */
  readonly multipleLocationsFailBeforeManual: boolean;
  /** Author-set client hints (DPR, Device-Memory, Width, Viewport-Width) are removed on a cross-origin redirect (Chromium, observed). */
  readonly dropClientHintsCrossOrigin: boolean;
  /** A no-cors request redirected to another origin carries `Origin: null` from then on (Chromium //net). */
  readonly netNullsOrigin: boolean;
}

/**
 * HTTP-network-or-cache fetch (https://fetch.spec.whatwg.org/#concept-http-network-or-cache-fetch) and
 * HTTP-network fetch: the request as it goes on the wire.
 */
export interface NetworkRules {
  /**
   * Firefox keeps same-name author headers as separate entries for the CORS rules, but its network stack merges
   * them into one line on the wire, except these "singleton" names, where the last value replaces the others
   * (necko's `SetHeader(merge)`, observed for each name in Firefox 153). `null`: no such merge.
   */
  readonly singletonHeaders: readonly string[] | null;
  /**
   * Fetch "append a request Origin header" step 4 with the default referrer policy: a non-CORS request that is
   * not GET/HEAD from an https page to a non-https URL sends `Origin: null` (spec; Firefox, observed even for
   * `http://127.0.0.1`). Chromium sends the page's origin.
   */
  readonly originNullOnDowngrade: boolean;
  /** A credentialed no-cors GET/HEAD from an opaque origin to a URL same-site with `topLevelOrigin` carries `Origin: null` (Chromium, observed). */
  readonly opaqueCredentialedOriginHeader: boolean;
  /** Stream uploads need HTTP/2 (Chromium). */
  readonly streamUploadNeedsH2: boolean;
}

/** Local Network Access (WICG, https://wicg.github.io/local-network-access/). */
export interface LocalNetworkRules {
  /**
   * The check runs (Chromium ≥ 142): a request to a more private address space than the page's fails unless the
   * page is a secure context and the user granted the permission.
   */
  readonly enabled: boolean;
}

/** The rules that differ between profiles, grouped by the algorithm step they change. */
export interface Profile {
  readonly name: ProfileName;
  readonly request: RequestRules;
  readonly preflight: PreflightRules;
  readonly corsCheck: CorsCheckRules;
  readonly cache: CacheRules;
  readonly redirect: RedirectRules;
  readonly network: NetworkRules;
  readonly localNetwork: LocalNetworkRules;
}

/** Default lifetime when `Access-Control-Max-Age` is absent or unusable. */
export const DEFAULT_MAX_AGE = 5;

/**
 * Chromium's `base::StringToInt64` as used by `ParseAccessControlMaxAge`: an optional sign and
 * decimal digits, nothing else; out-of-range values fail. Failure → 5 s; negative → 0 (not
 * cached); values ≥ 7200 are capped at 7200.
 */
export function parseMaxAgeChromium(value: string | null, cap = 7200): number {
  if (value === null) return DEFAULT_MAX_AGE;
  const m = /^([+-]?)([0-9]+)$/.exec(value);
  if (m === null) return DEFAULT_MAX_AGE;
  const [, sign, digits = '0'] = m;
  const n = BigInt(digits) * (sign === '-' ? -1n : 1n);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return DEFAULT_MAX_AGE;
  if (n < 0n) return 0;
  if (n >= BigInt(cap)) return cap;
  return Number(n);
}

/**
 * The spec: `extract header list values` with `delta-seconds` (1*DIGIT); several lines or a parse
 * failure → 5 s. The cap is UA-defined; the spec profile applies none.
 */
export function parseMaxAgeSpec(value: string | null, lines: number): number {
  if (value === null || lines > 1) return DEFAULT_MAX_AGE;
  if (!/^[0-9]+$/.test(value)) return DEFAULT_MAX_AGE;
  return Number(value);
}

/** Firefox: digits only (any other byte → not cached), empty or absent → 5 s, capped at 86400. */
export function parseMaxAgeFirefox(value: string | null): number {
  if (value === null || value === '') return DEFAULT_MAX_AGE;
  if (!/^[0-9]+$/.test(value)) return 0;
  return Math.min(Number(value), 86400);
}

/** WebKit: an integer (negative → expires immediately), unparsable → 5 s, capped at 600. */
export function parseMaxAgeSafari(value: string | null): number {
  return parseMaxAgeChromium(value, 600);
}

/** Chromium (verified against Chromium 156). */
export const CHROMIUM: Profile = {
  name: 'chromium',
  request: {
    chromiumSafelist: true,
    asciiOnlySafelist: false,
    userAgentForbidden: true,
    combineHeaders: true,
    unsafeNamesTotalLimit: true,
    uniqueUnsafeNames: true,
    streams: true,
  },
  preflight: {
    statusFirst: false,
    wildcardCoversAuthorization: true,
    authorizationCheckedFirst: false,
    blinkHeaderOrder: true,
    ignoresTaint: false,
    sticksAcrossRedirects: false,
    parseMaxAge: (v) => parseMaxAgeChromium(v),
    maxAgeCap: 7200,
  },
  corsCheck: { countAllowOriginLines: false },
  cache: {
    model: 'entry',
    credentialsExact: false,
    wildcardIgnoresCredentials: false,
    wildcardMatches: true,
    wildcardCoversAuthorization: false,
    originKey: 'initiator',
    maxUrlLength: 1024,
    clearOnFailure: false,
    opaqueOriginNotCached: true,
  },
  redirect: {
    order: 'network-stack',
    needsLocation: true,
    identicalLocationsAreOne: true,
    multipleLocationsFailBeforeManual: false,
    dropClientHintsCrossOrigin: true,
    netNullsOrigin: true,
  },
  network: {
    singletonHeaders: null,
    originNullOnDowngrade: false,
    opaqueCredentialedOriginHeader: true,
    streamUploadNeedsH2: true,
  },
  localNetwork: { enabled: true },
};

/** The Fetch Standard, literally. */
export const SPEC: Profile = {
  name: 'spec',
  request: {
    chromiumSafelist: false,
    asciiOnlySafelist: false,
    userAgentForbidden: false,
    combineHeaders: false,
    unsafeNamesTotalLimit: true,
    uniqueUnsafeNames: true,
    streams: true,
  },
  preflight: {
    statusFirst: false,
    wildcardCoversAuthorization: false,
    authorizationCheckedFirst: true,
    blinkHeaderOrder: false,
    ignoresTaint: false,
    sticksAcrossRedirects: false,
    parseMaxAge: parseMaxAgeSpec,
    maxAgeCap: Infinity,
  },
  corsCheck: { countAllowOriginLines: false },
  cache: {
    model: 'item',
    credentialsExact: false,
    wildcardIgnoresCredentials: true,
    wildcardMatches: true,
    wildcardCoversAuthorization: false,
    originKey: 'serialized',
    maxUrlLength: Infinity,
    clearOnFailure: true,
    opaqueOriginNotCached: false,
  },
  redirect: {
    order: 'spec',
    needsLocation: false,
    identicalLocationsAreOne: false,
    multipleLocationsFailBeforeManual: false,
    dropClientHintsCrossOrigin: false,
    netNullsOrigin: false,
  },
  network: {
    singletonHeaders: null,
    originNullOnDowngrade: true,
    opaqueCredentialedOriginHeader: false,
    streamUploadNeedsH2: false,
  },
  localNetwork: { enabled: false },
};

/**
 * Firefox, from `nsCORSListenerProxy.cpp`, corrected where Firefox ESR 153 disagreed (verified at page level by
 * test/firefox; see its README).
 */
export const FIREFOX: Profile = {
  name: 'firefox',
  request: {
    chromiumSafelist: false,
    asciiOnlySafelist: true,
    userAgentForbidden: false,
    combineHeaders: false,
    unsafeNamesTotalLimit: true,
    uniqueUnsafeNames: false,
    streams: false,
  },
  preflight: {
    statusFirst: false,
    wildcardCoversAuthorization: true,
    authorizationCheckedFirst: false,
    blinkHeaderOrder: false,
    ignoresTaint: true,
    sticksAcrossRedirects: true,
    parseMaxAge: (v) => parseMaxAgeFirefox(v),
    maxAgeCap: 86400,
  },
  corsCheck: { countAllowOriginLines: true },
  cache: {
    model: 'item',
    credentialsExact: true,
    wildcardIgnoresCredentials: false,
    wildcardMatches: false,
    wildcardCoversAuthorization: true,
    originKey: 'serialized',
    maxUrlLength: Infinity,
    clearOnFailure: true,
    opaqueOriginNotCached: false,
  },
  redirect: {
    order: 'spec',
    needsLocation: false,
    identicalLocationsAreOne: true,
    multipleLocationsFailBeforeManual: true,
    dropClientHintsCrossOrigin: false,
    netNullsOrigin: false,
  },
  network: {
    singletonHeaders: [
      'authorization',
      'content-disposition',
      'content-type',
      'from',
      'if-modified-since',
      'if-unmodified-since',
      'location',
      'max-forwards',
      'user-agent',
    ],
    originNullOnDowngrade: true,
    opaqueCredentialedOriginHeader: false,
    streamUploadNeedsH2: false,
  },
  localNetwork: { enabled: false },
};

/** Safari / WebKit, from `CrossOriginAccessControl.cpp` and `CrossOriginPreflightResultCache.cpp` (not verified against Safari). */
export const SAFARI: Profile = {
  name: 'safari',
  request: {
    chromiumSafelist: false,
    asciiOnlySafelist: false,
    userAgentForbidden: false,
    combineHeaders: true,
    unsafeNamesTotalLimit: false,
    uniqueUnsafeNames: true,
    streams: true,
  },
  preflight: {
    statusFirst: true,
    wildcardCoversAuthorization: true,
    authorizationCheckedFirst: false,
    blinkHeaderOrder: false,
    ignoresTaint: false,
    sticksAcrossRedirects: false,
    parseMaxAge: (v) => parseMaxAgeSafari(v),
    maxAgeCap: 600,
  },
  corsCheck: { countAllowOriginLines: false },
  cache: {
    model: 'entry',
    credentialsExact: false,
    wildcardIgnoresCredentials: false,
    wildcardMatches: true,
    wildcardCoversAuthorization: true,
    originKey: 'serialized',
    maxUrlLength: Infinity,
    clearOnFailure: true,
    opaqueOriginNotCached: false,
  },
  redirect: {
    order: 'network-stack',
    needsLocation: true,
    identicalLocationsAreOne: true,
    multipleLocationsFailBeforeManual: false,
    dropClientHintsCrossOrigin: false,
    netNullsOrigin: false,
  },
  network: {
    singletonHeaders: null,
    originNullOnDowngrade: false,
    opaqueCredentialedOriginHeader: false,
    streamUploadNeedsH2: false,
  },
  localNetwork: { enabled: false },
};

/** All profiles by name. */
export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  chromium: CHROMIUM,
  spec: SPEC,
  firefox: FIREFOX,
  safari: SAFARI,
};

/** Look up a profile by name; throws a TypeError naming the bad value. */
export function getProfile(name: ProfileName | undefined): Profile {
  if (name === undefined) return CHROMIUM;
  const p = (PROFILES as Record<string, Profile>)[name];
  if (p === undefined) {
    throw new TypeError(`Unknown profile '${name}': expected one of chromium, spec, firefox, safari.`);
  }
  return p;
}
