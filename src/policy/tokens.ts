/**
 * Small pieces of HTTP and Fetch Standard vocabulary the policy needs on its hot path.
 *
 * They are written here as byte-level loops over `charCodeAt` (no RegExp, no split) so that the
 * request path stays allocation-free and linear in the length of its input.
 */

/**
 * Lookup table for RFC 9110 §5.6.2 `tchar`:
 * "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
 * `TOKEN[c] === 1` for a code unit `c < 128` that is a tchar.
 */
export const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;

/** Whether the code unit is a `tchar` (RFC 9110 §5.6.2). */
export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN[code] === 1;
}

/** Whether `value` is a non-empty RFC 9110 token (the syntax of methods and header names). */
export function isToken(value: string): boolean {
  const n = value.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    if (!isTokenChar(value.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * Fetch §2.2.1 "normalize a method": DELETE, GET, HEAD, OPTIONS, POST and PUT are byte-uppercased when they
 * match case-insensitively; every other method is case-sensitive and kept as is. Browsers send ACRM already
 * normalized, so configured methods are normalized the same way before they are indexed.
 */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  switch (upper) {
    case 'DELETE':
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
    case 'POST':
    case 'PUT':
      return upper;
    default:
      return method;
  }
}

/** Fetch §2.2.1: CORS-safelisted methods. A browser never needs `Access-Control-Allow-Methods` for them. */
export const SAFELISTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);

/**
 * Fetch §2.2.1 "forbidden method" (CONNECT, TRACE, TRACK, byte-case-insensitive): `fetch()` refuses them, so
 * allowing them in a policy is always a mistake.
 */
export function isForbiddenMethod(method: string): boolean {
  const upper = method.toUpperCase();
  return upper === 'CONNECT' || upper === 'TRACE' || upper === 'TRACK';
}

/** Fetch §2.2.2 forbidden request-header names (lower-case), excluding the `proxy-` and `sec-` prefixes. */
const FORBIDDEN_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'access-control-request-private-network',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

/**
 * Whether a browser refuses to let a script set this request header (Fetch §2.2.2 "forbidden request-header"),
 * so listing it in `requestHeaders` can never have an effect. `name` must be lower-case.
 */
export function isForbiddenRequestHeaderName(name: string): boolean {
  return FORBIDDEN_REQUEST_HEADERS.has(name) || name.startsWith('proxy-') || name.startsWith('sec-');
}

/** Fetch §2.2.2 forbidden response-header names: a browser never exposes them to scripts. */
export function isForbiddenResponseHeaderName(name: string): boolean {
  return name === 'set-cookie' || name === 'set-cookie2';
}

/**
 * Fetch §2.2.2 CORS-safelisted response-header names: always readable by scripts, so listing them in
 * `exposeHeaders` is redundant.
 */
export const SAFELISTED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
]);

/**
 * Makes an attacker-controlled value safe to embed in a debug reason, a log line or a response header:
 * at most `max` characters are kept, and everything outside printable ASCII, plus `"` and `\`, is escaped as
 * `\xHH` or `\u{H...}` (flask-cors CVE-2024-1681 was log injection through such values).
 */
export function escapeValue(value: string, max = 64): string {
  let out = '';
  const n = Math.min(value.length, max);
  for (let i = 0; i < n; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c) {
      out += value[i];
    } else if (code < 0x100) {
      out += '\\x' + code.toString(16).padStart(2, '0');
    } else {
      out += '\\u{' + code.toString(16) + '}';
    }
  }
  if (value.length > max) out += `...(${value.length} chars)`;
  return out;
}
