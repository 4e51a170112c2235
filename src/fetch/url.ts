/**
 * URL vocabulary of the Fetch Standard: HTTP(S) schemes, bad ports, and the URL as it goes on the wire.
 */

/** Fetch "HTTP(S) scheme" (https://fetch.spec.whatwg.org/#http-scheme): `http` or `https`. */
export function isHttpScheme(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/**
 * Fetch "bad port" (https://fetch.spec.whatwg.org/#bad-port): ports fetch() never connects to, so a request to
 * a listener on them cannot be used to speak another protocol (https://fetch.spec.whatwg.org/#port-blocking).
 */
export const BAD_PORTS: readonly number[] = [
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
];

/**
 * Fetch "block bad port" (https://fetch.spec.whatwg.org/#block-bad-port): true if an HTTP(S) URL's port is a bad
 * port. A URL without a port uses its scheme's default, which never is one.
 */
export function isBadPort(url: URL): boolean {
  if (!isHttpScheme(url) || url.port === '') return false;
  return BAD_PORTS.includes(Number(url.port));
}

/**
 * A URL as it goes on the wire: the URL serializer with "exclude fragment" set
 * (https://url.spec.whatwg.org/#concept-url-serializer), as HTTP-network fetch and `Response.url` use it.
 */
export function wireURL(url: URL): string {
  if (url.hash === '' && !url.href.endsWith('#')) return url.href;
  const copy = new URL(url.href);
  copy.hash = '';
  return copy.href.endsWith('#') ? copy.href.slice(0, -1) : copy.href;
}
