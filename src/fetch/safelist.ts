/**
 * The Fetch Standard's header name lists and the CORS-safelisted request-header rules
 * (https://fetch.spec.whatwg.org/#cors-safelisted-request-header "Headers": CORS-safelisted request-header, CORS-unsafe
 * request-header names, forbidden request-header, forbidden response-header name, CORS-safelisted response-header name,
 * no-CORS-safelisted request-header).
 */
import {
  byteLowercase,
  compareBytes,
  isHttpWhitespace,
  isToken,
  sortedLowercaseSet,
  splitHeaderValue,
} from './headers.js';
import { isForbiddenMethod } from './methods.js';

/** Options shared by the safelist checks. */
export interface SafelistOptions {
  /**
   * Also accept the request headers Chromium adds to its safelist
   * (`services/network/public/cpp/cors/cors.cc` `IsCorsSafelistedHeader`): `DPR` and `Device-Memory`
   * (`1*DIGIT ["." 1*DIGIT]`), `Width` and `Viewport-Width` (`1*DIGIT`), `Save-Data` (only `on`,
   * ASCII case-insensitive) and `Intervention` (any value). Default false (the spec's list).
   */
  chromium?: boolean;
  /**
   * A byte above 0x7F makes `Accept` and `Content-Type` unsafe (Firefox, observed in Firefox 153: `Accept: é`
   * and `Content-Type: text/plain;a=é` are preflighted). Default false: the spec only lists control bytes
   * and a few delimiters as CORS-unsafe request-header bytes.
   */
  asciiOnly?: boolean;
}

/** Maximum length in bytes of a CORS-safelisted request-header value. */
export const SAFELISTED_VALUE_MAX = 128;
/** Maximum total length in bytes of the safelisted request-header values before all become unsafe. */
export const SAFELISTED_TOTAL_MAX = 1024;

/**
 * CORS-unsafe request-header byte: a byte below 0x20 other than TAB, one of
 * `" ( ) : < > ? @ [ \ ] { }`, or DEL (0x7F).
 */
export function isCorsUnsafeRequestHeaderByte(code: number): boolean {
  if (code < 0x20) return code !== 0x09;
  switch (code) {
    case 0x22:
    case 0x28:
    case 0x29:
    case 0x3a:
    case 0x3c:
    case 0x3e:
    case 0x3f:
    case 0x40:
    case 0x5b:
    case 0x5c:
    case 0x5d:
    case 0x7b:
    case 0x7d:
    case 0x7f:
      return true;
    default:
      return false;
  }
}

function hasUnsafeByte(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (isCorsUnsafeRequestHeaderByte(value.charCodeAt(i))) return true;
  return false;
}

/**
 * The essence (`type/subtype`, lowercased) of a MIME type, parsed strictly (MIME Sniffing "parse a
 * MIME type": type and subtype must be non-empty tokens; leading HTTP whitespace and whitespace
 * before `;` are removed; parameters are not validated). Null on failure. Chromium takes everything
 * before the first `;`, trims it and parses `type/subtype` the same way, so both agree on the
 * essence.
 */
export function mimeEssence(value: string): string | null {
  let s = value;
  // Strip leading and trailing HTTP whitespace.
  let a = 0;
  let b = s.length;
  while (a < b && isHttpWhitespace(s.charAt(a))) a++;
  while (b > a && isHttpWhitespace(s.charAt(b - 1))) b--;
  s = s.slice(a, b);
  const slash = s.indexOf('/');
  if (slash <= 0) return null;
  const type = s.slice(0, slash);
  if (!isToken(type)) return null;
  const semicolon = s.indexOf(';', slash + 1);
  let subtype = semicolon === -1 ? s.slice(slash + 1) : s.slice(slash + 1, semicolon);
  let e = subtype.length;
  while (e > 0 && isHttpWhitespace(subtype.charAt(e - 1))) e--;
  subtype = subtype.slice(0, e);
  if (!isToken(subtype)) return null;
  return byteLowercase(`${type}/${subtype}`);
}

const SAFELISTED_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** True if a `Content-Type` value is safelisted: no CORS-unsafe byte and a strict essence in the three form types. */
export function isCorsSafelistedContentType(value: string): boolean {
  if (hasUnsafeByte(value)) return false;
  const essence = mimeEssence(value);
  return essence !== null && SAFELISTED_CONTENT_TYPES.includes(essence);
}

/**
 * True if a `Range` value is safelisted (Fetch "parse a single range header value" with
 * allowWhitespace false, and the start must be present): `bytes=` + digits + `-` + optional digits,
 * nothing else, start ≤ end when both are present. `bytes=0-` is safelisted; `bytes=-500` is not.
 */
export function isCorsSafelistedRange(value: string): boolean {
  const m = /^bytes=([0-9]+)-([0-9]*)$/.exec(value);
  if (m === null) return false;
  const [, first = '0', last = ''] = m;
  if (last === '') return true;
  return BigInt(first) <= BigInt(last);
}

function isLanguageValue(value: string): boolean {
  return /^[0-9A-Za-z *,\-.;=]*$/.test(value);
}

/**
 * CORS-safelisted request-header (https://fetch.spec.whatwg.org/#cors-safelisted-request-header): false if the value is
 * longer than 128 bytes; then by lowercased name — `accept` (no CORS-unsafe byte), `accept-language` /
 * `content-language` (only `0-9A-Za-z`, space and `*,-.;=`), `content-type` ({@link isCorsSafelistedContentType}),
 * `range` ({@link isCorsSafelistedRange}); with `options.chromium`, Chromium's extra names too.
 */
export function isCorsSafelistedRequestHeader(name: string, value: string, options: SafelistOptions = {}): boolean {
  if (value.length > SAFELISTED_VALUE_MAX) return false;
  const n = byteLowercase(name);
  if (options.asciiOnly && (n === 'accept' || n === 'content-type') && /[\u0080-\uffff]/.test(value)) return false;
  switch (n) {
    case 'accept':
      return !hasUnsafeByte(value);
    case 'accept-language':
    case 'content-language':
      return isLanguageValue(value);
    case 'content-type':
      return isCorsSafelistedContentType(value);
    case 'range':
      return isCorsSafelistedRange(value);
  }
  if (options.chromium) {
    switch (n) {
      case 'dpr':
      case 'device-memory':
        return /^[0-9]+(\.[0-9]+)?$/.test(value);
      case 'width':
      case 'viewport-width':
        return /^[0-9]+$/.test(value);
      case 'save-data':
        return byteLowercase(value) === 'on';
      case 'intervention':
        return true;
    }
  }
  return false;
}

/** Options of {@link corsUnsafeRequestHeaderNames}. */
export interface UnsafeNamesOptions extends SafelistOptions {
  /** Apply the 1024-byte total rule (default true; WebKit's builder has no such rule). */
  totalLimit?: boolean;
  /** Remove repeated names (default true, the spec's "sorted-lowercase set"; Firefox keeps them, observed). */
  unique?: boolean;
}

/**
 * CORS-unsafe request-header names (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names): every header that
 * is not CORS-safelisted is unsafe; if the safelisted values add up to more than 1024 bytes, all safelisted names
 * become unsafe as well. Returns the names byte-lowercased, de-duplicated and sorted (a "sorted-lowercase set"), which
 * is exactly what goes into `Access-Control-Request-Headers`.
 */
export function corsUnsafeRequestHeaderNames(
  headers: readonly (readonly [string, string])[],
  options: UnsafeNamesOptions = {},
): string[] {
  const unsafe: string[] = [];
  const potentiallyUnsafe: string[] = [];
  let safelistValueSize = 0;
  for (const [name, value] of headers) {
    if (!isCorsSafelistedRequestHeader(name, value, options)) {
      unsafe.push(name);
    } else {
      potentiallyUnsafe.push(name);
      safelistValueSize += value.length;
    }
  }
  if ((options.totalLimit ?? true) && safelistValueSize > SAFELISTED_TOTAL_MAX) unsafe.push(...potentiallyUnsafe);
  if (options.unique === false) return unsafe.map(byteLowercase).sort(compareBytes);
  return sortedLowercaseSet(unsafe);
}

/** The forbidden request-header names of the Fetch Standard (lowercase). */
export const FORBIDDEN_REQUEST_HEADER_NAMES: readonly string[] = [
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
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
];

/** Names that are forbidden only when one of their comma-split values is a forbidden method. */
export const METHOD_OVERRIDE_HEADER_NAMES: readonly string[] = [
  'x-http-method',
  'x-http-method-override',
  'x-method-override',
];

/** Options of {@link isForbiddenRequestHeader}. */
export interface ForbiddenOptions {
  /** Chromium still forbids `User-Agent` (`cors.cc` `IsForbiddenHeader`), the spec no longer does. */
  userAgent?: boolean;
}

/**
 * Forbidden request-header (https://fetch.spec.whatwg.org/#forbidden-request-header): the fixed list, any name starting
 * with `proxy-` or `sec-`, and `X-HTTP-Method` / `X-HTTP-Method-Override` / `X-Method-Override` when any of the
 * comma-split values is a forbidden method. Script cannot set these: `Headers` silently drops them. With
 * `options.userAgent`, `User-Agent` is forbidden too (Chromium).
 */
export function isForbiddenRequestHeader(name: string, value: string, options: ForbiddenOptions = {}): boolean {
  const n = byteLowercase(name);
  if (FORBIDDEN_REQUEST_HEADER_NAMES.includes(n)) return true;
  if (n.startsWith('proxy-') || n.startsWith('sec-')) return true;
  if (options.userAgent && n === 'user-agent') return true;
  if (METHOD_OVERRIDE_HEADER_NAMES.includes(n)) {
    return splitHeaderValue(value).some((m) => isForbiddenMethod(m));
  }
  return false;
}

/** Forbidden response-header names: `Set-Cookie`, `Set-Cookie2` (never exposed to script). */
export const FORBIDDEN_RESPONSE_HEADER_NAMES: readonly string[] = ['set-cookie', 'set-cookie2'];

/** True if `name` is a forbidden response-header name. */
export function isForbiddenResponseHeaderName(name: string): boolean {
  return FORBIDDEN_RESPONSE_HEADER_NAMES.includes(byteLowercase(name));
}

/** CORS-safelisted response-header names (lowercase): readable from any CORS response. */
export const CORS_SAFELISTED_RESPONSE_HEADER_NAMES: readonly string[] = [
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
];

/** True if `name` is a CORS-safelisted response-header name. */
export function isCorsSafelistedResponseHeaderName(name: string): boolean {
  return CORS_SAFELISTED_RESPONSE_HEADER_NAMES.includes(byteLowercase(name));
}

/** No-CORS-safelisted request-header names (lowercase). */
export const NO_CORS_SAFELISTED_REQUEST_HEADER_NAMES: readonly string[] = [
  'accept',
  'accept-language',
  'content-language',
  'content-type',
];

/** True if `name` is a no-CORS-safelisted request-header name. */
export function isNoCorsSafelistedRequestHeaderName(name: string): boolean {
  return NO_CORS_SAFELISTED_REQUEST_HEADER_NAMES.includes(byteLowercase(name));
}

/**
 * No-CORS-safelisted request-header: the name is a no-CORS-safelisted name and (name, value) is a
 * CORS-safelisted request-header. In `mode: 'no-cors'` every other header is silently dropped.
 */
export function isNoCorsSafelistedRequestHeader(name: string, value: string): boolean {
  return isNoCorsSafelistedRequestHeaderName(name) && isCorsSafelistedRequestHeader(name, value);
}

/** Privileged no-CORS request-header names (lowercase): `range`. */
export const PRIVILEGED_NO_CORS_REQUEST_HEADER_NAMES: readonly string[] = ['range'];

/** Request-body-header names (lowercase): deleted when a redirect turns the request into a GET. */
export const REQUEST_BODY_HEADER_NAMES: readonly string[] = [
  'content-encoding',
  'content-language',
  'content-location',
  'content-type',
];

/** CORS non-wildcard request-header names (lowercase): `authorization`, never covered by `*` in the spec. */
export const CORS_NON_WILDCARD_REQUEST_HEADER_NAMES: readonly string[] = ['authorization'];
