/**
 * Browser profiles: where Chromium, Firefox and Safari depart from the Fetch Standard.
 *
 * `chromium` is the default and is what the differential suite checks against a real Chromium.
 * `firefox` and `safari` encode the differences read from their source (see docs/browser.md) and
 * have NOT been verified against those browsers. `spec` follows the Fetch Standard literally.
 */
import type { ProfileName } from './types.js';

/** The rules that differ between profiles. */
export interface Profile {
  readonly name: ProfileName;
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
  readonly combineRequestHeaders: boolean;
  /** Apply the 1024-byte total rule of CORS-unsafe request-header names (WebKit's builder lacks it). */
  readonly unsafeNamesTotalLimit: boolean;
  /**
   * Firefox keeps same-name author headers as separate entries for the CORS rules, but its network stack merges
   * them into one line on the wire, except these "singleton" names, where the last value replaces the others
   * (necko's `SetHeader(merge)`, observed for each name in Firefox 153). `null`: no such merge.
   */
  readonly singletonRequestHeaders: readonly string[] | null;
  /**
   * `Access-Control-Request-Headers` lists each unsafe name once (the spec's sorted-lowercase set); Firefox
   * lists a name once per header-list entry (`x-a,x-a`, observed).
   */
  readonly uniqueUnsafeNames: boolean;
  /**
   * `fetch()` takes a `ReadableStream` body (Chromium). Firefox does not: it stringifies the stream, so the
   * request has the text body `[object ReadableStream]` (observed: `text/plain`, no preflight, allowed in no-cors).
   */
  readonly requestStreams: boolean;
  /**
   * CORS-unsafe headers in the request as made (even on a same-origin first hop), or a hop that needed a
   * preflight, make every later cross-origin hop preflighted, even once a redirect made it simple (Firefox,
   * observed: a 303 from a preflighted PUT, a redirect that dropped Authorization; an unsafe method alone on a
   * same-origin first hop does not).
   */
  readonly preflightSticksAcrossRedirects: boolean;
  /** Check the preflight status before the CORS check (WebKit); Chromium and the spec run the CORS check first. */
  readonly preflightStatusFirst: boolean;
  /** `Access-Control-Allow-Headers: *` covers `Authorization` on a preflight (non-credentialed). */
  readonly wildcardCoversAuthorization: boolean;
  /** `*` in a cached entry covers `Authorization` on a cache lookup. */
  readonly cacheWildcardCoversAuthorization: boolean;
  /** More than one `Access-Control-Allow-Origin` line is `MultipleAllowOriginValues` and a single `a, b` line a mismatch (Firefox). */
  readonly countAllowOriginLines: boolean;
  /**
   * Preflight cache shape: `entry` — one entry per (origin, URL) holding the whole method and header
   * sets, replaced by each successful preflight and erased when stale or insufficient on lookup
   * (Chromium, WebKit); `item` — one entry per method and per header name, each with its own expiry (spec, Firefox).
   */
  readonly cacheModel: 'entry' | 'item';
  /** Cache key includes the credentials flag, so credentialed and uncredentialed entries never serve each other (Firefox). */
  readonly cacheCredentialsExact: boolean;
  /** In `item` caches a `*` entry matches whatever its credentials (the spec's "method cache entry match" does not look at them). */
  readonly cacheWildcardIgnoresCredentials: boolean;
  /**
   * A cached `*` (methods or headers) covers other names on a lookup. Firefox stores `*` as a name and matches
   * names exactly, so a request that only `*` allowed is preflighted again (observed in Firefox 153).
   */
  readonly cacheWildcardMatches: boolean;
  /**
   * The origin a cache entry is keyed by: `initiator` — the page's origin even when redirect-taint
   * made the request's origin `null` (Chromium keys by `request_initiator`); `serialized` — the
   * byte-serialized request origin (spec).
   */
  readonly cacheOriginKey: 'initiator' | 'serialized';
  /** URLs at least this long are never cached (Chromium `preflight_cache.cc` `kMaxKeyLength`). */
  readonly cacheMaxUrlLength: number;
  /** Upper bound of a preflight cache entry's lifetime, in seconds. */
  readonly maxAgeCap: number;
  /** Turn the combined `Access-Control-Max-Age` value (null if absent) into seconds; 0 means "do not cache". */
  parseMaxAge(value: string | null, lines: number): number;
  /** A 3xx response is only a redirect when it has a `Location` header (Chromium's net stack); otherwise the redirect mode is consulted first (spec). */
  readonly redirectNeedsLocation: boolean;
  /**
   * Several `Location` lines with the same value count as one (Chromium's //net, and Firefox, observed); the
   * spec's header-list "get" combines them into one value that is not a URL.
   */
  readonly identicalLocationsAreOne: boolean;
  /**
   * Order of the checks on a redirect response. `network-stack` (Chromium's `CorsURLLoader` on top of
   * `//net`): an unusable `Location` fails first, then the CORS check, `manual`, the redirect count,
   * userinfo, and only then `redirect: 'error'`. `spec` (HTTP fetch + HTTP-redirect fetch): CORS check,
   * redirect mode, `Location`, scheme, count, userinfo.
   */
  readonly redirectOrder: 'network-stack' | 'spec';
  /** `Access-Control-Allow-Headers` is checked for `Authorization` before the other unsafe names (spec step order). */
  readonly authorizationCheckedFirst: boolean;
  /**
   * Report the first disallowed request header in Chromium's request-header order (Blink's header
   * hash map, see blink-order.ts) rather than in sorted order.
   */
  readonly blinkHeaderOrder: boolean;
  /** A no-cors request redirected to another origin carries `Origin: null` from then on (Chromium //net). */
  readonly netNullsOriginOnRedirect: boolean;
  /**
   * A fetch that failed after taking the preflight path clears the cache entries for its origin and
   * URL (spec, main fetch). Chromium never does: an entry only goes when a lookup finds it stale or
   * insufficient (observed: a failing actual response leaves the cached preflight in use).
   */
  readonly clearCacheOnFailure: boolean;
  /** Requests from an opaque origin are never served from (nor stored in) the cache: Chromium's key includes a transient NetworkIsolationKey. */
  readonly opaqueOriginNotCached: boolean;
  /** Author-set client hints (DPR, Device-Memory, Width, Viewport-Width) are removed on a cross-origin redirect (Chromium, observed). */
  readonly dropClientHintsOnCrossOriginRedirect: boolean;
  /** A credentialed no-cors GET/HEAD from an opaque origin to a URL same-site with `topLevelOrigin` carries `Origin: null` (Chromium, observed). */
  readonly opaqueCredentialedOriginHeader: boolean;
  /** Stream uploads need HTTP/2 (Chromium). */
  readonly streamUploadNeedsH2: boolean;
  /**
   * Fetch "append a request Origin header" step 4 with the default referrer policy: a non-CORS request that is
   * not GET/HEAD from an https page to a non-https URL sends `Origin: null` (spec; Firefox, observed even for
   * `http://127.0.0.1`). Chromium sends the page's origin.
   */
  readonly originNullOnDowngrade: boolean;
  /** Several different `Location` values fail the fetch even in `manual` redirect mode (Firefox, observed). */
  readonly multipleLocationsFailBeforeManual: boolean;
  /**
   * A preflight after a tainting (cross-origin) redirect still carries the page's origin, and its answer is
   * checked against it; the actual requests send `Origin: null` as the spec says (Firefox 153, observed).
   */
  readonly preflightIgnoresTaint: boolean;
  /**
   * Local Network Access (Chromium ≥ 142, WICG "Local Network Access"): a request to a more private address
   * space than the page's fails unless the page is a secure context and the user granted the permission.
   */
  readonly localNetworkAccess: boolean;
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
  const n = BigInt(m[2]!) * (m[1] === '-' ? -1n : 1n);
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
  chromiumSafelist: true,
  asciiOnlySafelist: false,
  userAgentForbidden: true,
  combineRequestHeaders: true,
  unsafeNamesTotalLimit: true,
  singletonRequestHeaders: null,
  uniqueUnsafeNames: true,
  requestStreams: true,
  preflightSticksAcrossRedirects: false,
  preflightStatusFirst: false,
  wildcardCoversAuthorization: true,
  cacheWildcardCoversAuthorization: false,
  countAllowOriginLines: false,
  cacheModel: 'entry',
  cacheCredentialsExact: false,
  cacheWildcardIgnoresCredentials: false,
  cacheWildcardMatches: true,
  cacheOriginKey: 'initiator',
  cacheMaxUrlLength: 1024,
  maxAgeCap: 7200,
  parseMaxAge: (v) => parseMaxAgeChromium(v),
  redirectOrder: 'network-stack',
  redirectNeedsLocation: true,
  identicalLocationsAreOne: true,
  authorizationCheckedFirst: false,
  blinkHeaderOrder: true,
  netNullsOriginOnRedirect: true,
  clearCacheOnFailure: false,
  opaqueOriginNotCached: true,
  dropClientHintsOnCrossOriginRedirect: true,
  opaqueCredentialedOriginHeader: true,
  streamUploadNeedsH2: true,
  originNullOnDowngrade: false,
  multipleLocationsFailBeforeManual: false,
  preflightIgnoresTaint: false,
  localNetworkAccess: true,
};

/** The Fetch Standard, literally. */
export const SPEC: Profile = {
  name: 'spec',
  chromiumSafelist: false,
  asciiOnlySafelist: false,
  userAgentForbidden: false,
  combineRequestHeaders: false,
  unsafeNamesTotalLimit: true,
  singletonRequestHeaders: null,
  uniqueUnsafeNames: true,
  requestStreams: true,
  preflightSticksAcrossRedirects: false,
  preflightStatusFirst: false,
  wildcardCoversAuthorization: false,
  cacheWildcardCoversAuthorization: false,
  countAllowOriginLines: false,
  cacheModel: 'item',
  cacheCredentialsExact: false,
  cacheWildcardIgnoresCredentials: true,
  cacheWildcardMatches: true,
  cacheOriginKey: 'serialized',
  cacheMaxUrlLength: Infinity,
  maxAgeCap: Infinity,
  parseMaxAge: parseMaxAgeSpec,
  redirectOrder: 'spec',
  redirectNeedsLocation: false,
  identicalLocationsAreOne: false,
  authorizationCheckedFirst: true,
  blinkHeaderOrder: false,
  netNullsOriginOnRedirect: false,
  clearCacheOnFailure: true,
  opaqueOriginNotCached: false,
  dropClientHintsOnCrossOriginRedirect: false,
  opaqueCredentialedOriginHeader: false,
  streamUploadNeedsH2: false,
  originNullOnDowngrade: true,
  multipleLocationsFailBeforeManual: false,
  preflightIgnoresTaint: false,
  localNetworkAccess: false,
};

/** Firefox, from `nsCORSListenerProxy.cpp` (not verified against Firefox). */
export const FIREFOX: Profile = {
  name: 'firefox',
  chromiumSafelist: false,
  asciiOnlySafelist: true,
  userAgentForbidden: false,
  combineRequestHeaders: false,
  unsafeNamesTotalLimit: true,
  singletonRequestHeaders: [
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
  uniqueUnsafeNames: false,
  requestStreams: false,
  preflightSticksAcrossRedirects: true,
  preflightStatusFirst: false,
  wildcardCoversAuthorization: true,
  cacheWildcardCoversAuthorization: true,
  countAllowOriginLines: true,
  cacheModel: 'item',
  cacheCredentialsExact: true,
  cacheWildcardIgnoresCredentials: false,
  cacheWildcardMatches: false,
  cacheOriginKey: 'serialized',
  cacheMaxUrlLength: Infinity,
  maxAgeCap: 86400,
  parseMaxAge: (v) => parseMaxAgeFirefox(v),
  redirectOrder: 'spec',
  redirectNeedsLocation: false,
  identicalLocationsAreOne: true,
  authorizationCheckedFirst: false,
  blinkHeaderOrder: false,
  netNullsOriginOnRedirect: false,
  clearCacheOnFailure: true,
  opaqueOriginNotCached: false,
  dropClientHintsOnCrossOriginRedirect: false,
  opaqueCredentialedOriginHeader: false,
  streamUploadNeedsH2: false,
  originNullOnDowngrade: true,
  multipleLocationsFailBeforeManual: true,
  preflightIgnoresTaint: true,
  localNetworkAccess: false,
};

/** Safari / WebKit, from `CrossOriginAccessControl.cpp` and `CrossOriginPreflightResultCache.cpp` (not verified against Safari). */
export const SAFARI: Profile = {
  name: 'safari',
  chromiumSafelist: false,
  asciiOnlySafelist: false,
  userAgentForbidden: false,
  combineRequestHeaders: true,
  unsafeNamesTotalLimit: false,
  singletonRequestHeaders: null,
  uniqueUnsafeNames: true,
  requestStreams: true,
  preflightSticksAcrossRedirects: false,
  preflightStatusFirst: true,
  wildcardCoversAuthorization: true,
  cacheWildcardCoversAuthorization: true,
  countAllowOriginLines: false,
  cacheModel: 'entry',
  cacheCredentialsExact: false,
  cacheWildcardIgnoresCredentials: false,
  cacheWildcardMatches: true,
  cacheOriginKey: 'serialized',
  cacheMaxUrlLength: Infinity,
  maxAgeCap: 600,
  parseMaxAge: (v) => parseMaxAgeSafari(v),
  redirectOrder: 'network-stack',
  redirectNeedsLocation: true,
  identicalLocationsAreOne: true,
  authorizationCheckedFirst: false,
  blinkHeaderOrder: false,
  netNullsOriginOnRedirect: false,
  clearCacheOnFailure: true,
  opaqueOriginNotCached: false,
  dropClientHintsOnCrossOriginRedirect: false,
  opaqueCredentialedOriginHeader: false,
  streamUploadNeedsH2: false,
  originNullOnDowngrade: false,
  multipleLocationsFailBeforeManual: false,
  preflightIgnoresTaint: false,
  localNetworkAccess: false,
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
    throw new TypeError(`Unknown profile '${String(name)}': expected one of chromium, spec, firefox, safari.`);
  }
  return p;
}
