/**
 * Origins and sites (HTML Standard §7.1 "Origin", URL Standard "host", Fetch "byte-serializing a
 * request origin").
 *
 * corsight passes origins around in their serialized form: `scheme "://" host [":" port]` with a
 * lowercase scheme and host and no default port, or the literal `null` for an opaque origin.
 */
import { getDomain } from 'tldts';

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
  if (value === OPAQUE_ORIGIN) return { type: 'opaque', serialized: 'null' };
  const u = toURL(value);
  if (u === null) return null;
  const serialized = u.origin;
  if (serialized === OPAQUE_ORIGIN || serialized !== value) return null;
  return {
    type: 'tuple',
    scheme: u.protocol.slice(0, -1),
    host: u.hostname,
    port: u.port === '' ? null : Number(u.port),
    serialized,
  };
}

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

/**
 * The site of an origin (HTML "obtain a site"): the scheme plus the host's registrable domain (from
 * the Public Suffix List, private section included, as Chromium's SchemefulSite does), or the host
 * itself when it has none (IP addresses, `localhost`, bare public suffixes). Null for opaque origins.
 */
export function siteOf(input: string | URL): string | null {
  const o = originOf(input);
  if (o === null || o === OPAQUE_ORIGIN) return null;
  const u = new URL(o);
  const host = u.hostname;
  const domain = host.startsWith('[') ? null : getDomain(host, { allowPrivateDomains: true });
  return `${u.protocol}//${domain ?? host}`;
}

/**
 * Schemeful same site (HTML "same site"): both are tuple origins with the same scheme and the same
 * registrable domain (ports are ignored). `http://127.0.0.1:8001` and `http://127.0.0.1:8002` are
 * same-site but not same-origin. Opaque origins are never same-site here.
 */
export function isSameSite(a: string | URL, b: string | URL): boolean {
  const sa = siteOf(a);
  const sb = siteOf(b);
  return sa !== null && sa === sb;
}

function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === '[::1]') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  return h === 'localhost' || h.endsWith('.localhost');
}

/**
 * Potentially trustworthy origin (Secure Contexts §3.1): `https:`/`wss:`, loopback hosts
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
