/**
 * Origins and sites (HTML Standard, https://html.spec.whatwg.org/multipage/browsers.html#origin; URL Standard,
 * https://url.spec.whatwg.org/#hosts-(domains-and-ip-addresses); Fetch,
 * https://fetch.spec.whatwg.org/#byte-serializing-a-request-origin).
 *
 * corsight passes origins around in their serialized form: `scheme "://" host [":" port]` with a
 * lowercase scheme and host and no default port, or the literal `null` for an opaque origin.
 */
import { LRUCache } from 'lru-cache';
import { parse as parseHost } from 'tldts';

/** A tuple origin: scheme, host and port (port null when it is the scheme's default). */
export interface TupleOrigin {
  readonly type: 'tuple';
  readonly scheme: string;
  readonly host: string;
  readonly port: number | null;
  /** The ASCII serialization, e.g. `https://example.com:8443`. */
  readonly serialized: string;
}

/** An opaque origin. Its serialization is `null`; it is same-origin with nothing (in serialized form). */
export interface OpaqueOrigin {
  readonly type: 'opaque';
  readonly serialized: 'null';
}

/** An origin: a tuple origin or an opaque one. */
export type Origin = TupleOrigin | OpaqueOrigin;

/** The serialization of every opaque origin. */
export const OPAQUE_ORIGIN = 'null';

function toURL(input: string | URL): URL | null {
  if (input instanceof URL) return input;
  try {
    return new URL(input);
  } catch {
    return null;
  }
}

/**
 * Serialize the origin of a URL (HTML "ASCII serialization of an origin"): `http://a.test:8001`,
 * `https://[::1]`, or `null` for URLs with an opaque origin (`file:`, `data:`, `about:` ...).
 * Throws a TypeError if `url` cannot be parsed.
 */
export function serializeOrigin(url: string | URL): string {
  const u = toURL(url);
  if (u === null) throw new TypeError(`Invalid URL: ${String(url)}`);
  return u.origin;
}

/**
 * Parse a serialized origin (as found in an `Origin` header or given as a request origin). Returns
 * null unless `value` is exactly `null` or exactly the ASCII serialization of a tuple origin — so
 * `HTTP://a.test`, `http://a.test/`, `http://a.test:80` and `http://a.test:8001/x` are all rejected.
 */
export function parseOrigin(value: string): Origin | null {
  // A scan parses the same few origins (its probes', the answers') over and over; the results are immutable.
  const known = parsedOrigins.peek(value);
  if (known !== undefined) return known === false ? null : known;
  const parsed = parseOriginUncached(value);
  // Origins are short; a long value (a hostile header) is parsed each time rather than kept.
  if (value.length <= 256) parsedOrigins.set(value, parsed ?? false);
  return parsed;
}

// Read with peek(): a hit does not reorder the cache, so the oldest entry goes first when it is full. For the memo
// of a pure function that is as good as recency and costs less on every hit (the same holds for the other memos).
const parsedOrigins = new LRUCache<string, Origin | false>({ max: 4096 });

function parseOriginUncached(value: string): Origin | null {
  if (value === OPAQUE_ORIGIN) return OPAQUE;
  const u = toURL(value);
  if (u === null) return null;
  const serialized = u.origin;
  if (serialized === OPAQUE_ORIGIN || serialized !== value) return null;
  return Object.freeze({
    type: 'tuple',
    scheme: u.protocol.slice(0, -1),
    host: u.hostname,
    port: u.port === '' ? null : Number(u.port),
    serialized,
  });
}

const OPAQUE: OpaqueOrigin = Object.freeze({ type: 'opaque', serialized: 'null' });

/** True if `value` is a valid serialized origin (see {@link parseOrigin}). */
export function isSerializedOrigin(value: string): boolean {
  return parseOrigin(value) !== null;
}

/** Accepts a serialized origin or any URL and returns its serialized origin, or null if unparsable. */
function originOf(input: string | URL): string | null {
  if (typeof input === 'string' && input === OPAQUE_ORIGIN) return OPAQUE_ORIGIN;
  const u = toURL(input);
  return u === null ? null : u.origin;
}

/**
 * Same origin (HTML "same origin"): both are tuple origins with equal scheme, host and port. Either
 * argument may be a URL or a serialized origin. An opaque origin is only same-origin with itself,
 * and two `null` strings may be different opaque origins, so `null` is never same-origin here.
 */
export function isSameOrigin(a: string | URL, b: string | URL): boolean {
  const oa = originOf(a);
  const ob = originOf(b);
  if (oa === null || ob === null || oa === OPAQUE_ORIGIN || ob === OPAQUE_ORIGIN) return false;
  return oa === ob;
}

/** What the Public Suffix List (private section included, as Chromium's SchemefulSite uses it) says about a host. */
export interface HostSuffixInfo {
  /** The host is an IP address (IPv4, or IPv6 with or without brackets). */
  readonly isIp: boolean;
  /** URL "registrable domain" (https://url.spec.whatwg.org/#host-registrable-domain); null for IPs and bare suffixes. */
  readonly registrableDomain: string | null;
  /** URL "public suffix" (https://url.spec.whatwg.org/#host-public-suffix); null for IPs. */
  readonly publicSuffix: string | null;
  /** The public suffix is listed in the PSL (ICANN or private section), not only the implicit `*` rule. */
  readonly listedSuffix: boolean;
  /** The public suffix is listed in the PSL's ICANN section. */
  readonly icannSuffix: boolean;
  /** The labels before the registrable domain (`www` of `www.example.com`); null for IPs and bare suffixes. */
  readonly subdomain: string | null;
  /** The registrable domain without its public suffix (`example` of `www.example.com`); null when it has none. */
  readonly domainWithoutSuffix: string | null;
}

/** Which sections of the Public Suffix List count. */
export interface HostSuffixOptions {
  /**
   * Count the PSL's private section (`github.io`, `vercel.app`): true, the default, asks who controls a name;
   * false asks what a registrar sells under the ICANN suffixes alone.
   */
  readonly privateSuffixes?: boolean;
}

/**
 * The Public Suffix List's view of a host: the one place corsight computes registrable domains and public
 * suffixes (tldts, private section included). The implicit `*` rule applies to unlisted TLDs, so the reserved
 * `.test` TLD gives `lab.test` a registrable domain (with `listedSuffix: false`).
 */
export function hostSuffixInfo(host: string, options: HostSuffixOptions = {}): HostSuffixInfo {
  const privateSuffixes = options.privateSuffixes ?? true;
  // A scan asks about the same few hosts (the target's, its look-alikes') again and again, per probe and check.
  const key = privateSuffixes ? host : `\u0000${host}`;
  let info = suffixInfoCache.peek(key);
  if (info === undefined) {
    info = Object.freeze(lookUpSuffixInfo(host, privateSuffixes));
    suffixInfoCache.set(key, info);
  }
  return info;
}

// Read with peek(): no reordering on a hit, oldest out first (see parsedOrigins in src/fetch/origin.ts).
const suffixInfoCache = new LRUCache<string, HostSuffixInfo>({ max: 4096 });

function lookUpSuffixInfo(host: string, privateSuffixes: boolean): HostSuffixInfo {
  const bracketed = host.startsWith('[');
  const info = parseHost(bracketed ? host.slice(1, -1) : host, { allowPrivateDomains: privateSuffixes });
  if (bracketed || info.isIp === true) {
    return {
      isIp: true,
      registrableDomain: null,
      publicSuffix: null,
      listedSuffix: false,
      icannSuffix: false,
      subdomain: null,
      domainWithoutSuffix: null,
    };
  }
  return {
    isIp: false,
    registrableDomain: info.domain ?? null,
    publicSuffix: info.publicSuffix ?? null,
    listedSuffix: info.isIcann === true || info.isPrivate === true,
    icannSuffix: info.isIcann === true,
    subdomain: info.subdomain ?? null,
    domainWithoutSuffix: info.domainWithoutSuffix ?? null,
  };
}

/** URL "registrable domain" of a host (https://url.spec.whatwg.org/#host-registrable-domain), or null. */
export function registrableDomain(host: string): string | null {
  return hostSuffixInfo(host).registrableDomain;
}

/**
 * The site of an origin (HTML "obtain a site", https://html.spec.whatwg.org/multipage/browsers.html#obtain-a-site):
 * the scheme plus the host's registrable domain, or the host itself when it has none (IP addresses, `localhost`,
 * bare public suffixes). Null for opaque origins.
 */
export function siteOf(input: string | URL): string | null {
  if (typeof input !== 'string') return siteOfOrigin(input.origin);
  // The model asks for the site of the same few strings (a target's URL, its probes' origins) on every run.
  const known = sites.peek(input);
  if (known !== undefined) return known === false ? null : known;
  const site = siteOfOrigin(originOf(input));
  if (input.length <= 512) sites.set(input, site ?? false);
  return site;
}

// Read with peek(): no reordering on a hit, oldest out first (see parsedOrigins above).
const sites = new LRUCache<string, string | false>({ max: 4096 });

/** The site of a serialized origin (as `URL.origin` gives it). */
function siteOfOrigin(o: string | null): string | null {
  if (o === null || o === OPAQUE_ORIGIN) return null;
  const parsed = parseOrigin(o);
  if (parsed?.type === 'tuple') return `${parsed.scheme}://${registrableDomain(parsed.host) ?? parsed.host}`;
  const u = new URL(o);
  return `${u.protocol}//${registrableDomain(u.hostname) ?? u.hostname}`;
}

/**
 * Schemeful same site (HTML "same site", https://html.spec.whatwg.org/multipage/browsers.html#same-site): both
 * are tuple origins with the same scheme and the same registrable domain (ports are ignored).
 * `http://127.0.0.1:8001` and `http://127.0.0.1:8002` are same-site but not same-origin. Opaque origins are
 * never same-site here.
 */
export function isSameSite(a: string | URL, b: string | URL): boolean {
  const sa = siteOf(a);
  const sb = siteOf(b);
  return sa !== null && sa === sb;
}

/**
 * HTML "schemelessly same site" (https://html.spec.whatwg.org/multipage/browsers.html#schemelessly-same-site):
 * the same registrable domain whatever the scheme (an http → https upgrade stays on site); hosts without one
 * (IP addresses, `localhost`, single labels) are only schemelessly same site with themselves.
 */
export function isSchemelesslySameSite(a: URL, b: URL): boolean {
  const da = registrableDomain(a.hostname);
  const db = registrableDomain(b.hostname);
  if (da === null || db === null) return a.hostname === b.hostname;
  return da === db;
}

const LOOPBACK_IPV4 = /^127\.(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){2}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Whether a host is loopback for "potentially trustworthy origin"
 * (https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy): `localhost`, `*.localhost`,
 * `127.0.0.0/8` (dotted-quad) and `[::1]`. ASCII case-insensitive.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === '[::1]' || LOOPBACK_IPV4.test(h) || h === 'localhost' || h.endsWith('.localhost');
}

/**
 * Potentially trustworthy origin (https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy):
 * `https:`/`wss:`, loopback hosts
 * (`127.0.0.0/8`, `[::1]`, `localhost` and `*.localhost`), and `file:`. Opaque origins are not.
 * Accepts a serialized origin or a URL.
 */
export function isPotentiallyTrustworthy(input: string | URL): boolean {
  if (typeof input === 'string' && input === OPAQUE_ORIGIN) return false;
  const u = toURL(input);
  if (u === null) return false;
  const scheme = u.protocol;
  if (scheme === 'https:' || scheme === 'wss:' || scheme === 'file:') return true;
  if (u.origin === OPAQUE_ORIGIN) return false;
  return isLoopbackHost(u.hostname);
}

/** The port an http(s) URL connects to: its own, or the scheme's default (URL Standard "default port"). */
export function effectivePort(url: URL): number {
  return url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}
