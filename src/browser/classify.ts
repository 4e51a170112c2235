/**
 * Request construction (`new Request()` / `fetch()` argument processing, https://fetch.spec.whatwg.org/#dom-request)
 * and request classification (https://fetch.spec.whatwg.org/#main-fetch step 12: does this request need a CORS
 * preflight?).
 */
import {
  getHeader,
  hasHeader,
  isByteString,
  isHeaderName,
  isHeaderValue,
  nameEquals,
  normalizeHeaderValue,
  toHeaderList,
  type HeaderList,
} from '../fetch/headers.js';
import { isCorsSafelistedMethod, isForbiddenMethod, isMethod, normalizeMethod } from '../fetch/methods.js';
import { parseOrigin } from '../fetch/origin.js';
import {
  corsUnsafeRequestHeaderNames,
  isForbiddenRequestHeader,
  isNoCorsSafelistedRequestHeader,
} from '../fetch/safelist.js';
import { CHROMIUM, type Profile } from './profiles.js';
import type { BodyKind, CorsRequest, CredentialsMode, RedirectMode, RequestMode } from './types.js';

/** A header the request construction dropped silently, and why. */
export interface DroppedHeader {
  name: string;
  value: string;
  reason: 'forbidden' | 'no-cors';
}

/** A request after `fetch()` argument processing: validated, normalized, with its author header list. */
export interface ConstructedRequest {
  /** The page's serialized origin (`null` for opaque). */
  origin: string;
  /** The parsed request URL. */
  url: URL;
  /** The normalized method. */
  method: string;
  /**
   * The request's header list as `fetch()` builds it: author headers that survived the Headers guard
   * (forbidden names dropped; in `no-cors` only no-CORS-safelisted headers kept), combined per name in
   * profiles that combine, plus `Content-Type: text/plain;charset=UTF-8` for a text body without one.
   */
  headers: HeaderList;
  credentials: CredentialsMode;
  mode: RequestMode;
  redirect: RedirectMode;
  body: BodyKind;
  /** The use-CORS-preflight flag (a `stream` body or `useCorsPreflight`). */
  useCorsPreflight: boolean;
  /** Author headers that were silently dropped. */
  dropped: DroppedHeader[];
}

function checkEnum<T extends string>(value: unknown, allowed: readonly T[], fallback: T, what: string): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new TypeError(
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- quotes whatever the caller passed, as fetch() does
      `The provided value '${String(value)}' is not a valid enum value of type ${what} (expected ${allowed.map((a) => `'${a}'`).join(', ')}).`,
    );
  }
  return value as T;
}

/**
 * Process a `fetch()` call's arguments the way the `Request` constructor does, throwing the
 * TypeError `fetch()` would reject with: a malformed origin or URL, credentials in the URL, an
 * invalid or forbidden method, `no-cors` with a method other than GET/HEAD/POST, a malformed header
 * name or value, a body on GET/HEAD, a stream body in `no-cors` mode. Forbidden headers (and, in
 * `no-cors`, headers that are not no-CORS-safelisted) are dropped silently, as `Headers` does.
 */
export function constructRequest(request: CorsRequest, profile: Profile = CHROMIUM): ConstructedRequest {
  const untrusted: unknown = request; // JavaScript callers may pass anything
  if (untrusted === null || typeof untrusted !== 'object') throw new TypeError('The request must be an object.');
  const { origin } = request;
  if (typeof origin !== 'string' || parseOrigin(origin) === null) {
    throw new TypeError(
      `Invalid request origin '${origin}': expected a serialized origin such as 'https://app.test' or 'null'.`,
    );
  }
  if (typeof request.url !== 'string') throw new TypeError('The request URL must be a string.');
  let url: URL;
  try {
    url = origin === 'null' ? new URL(request.url) : new URL(request.url, `${origin}/`);
  } catch {
    throw new TypeError(`Failed to parse URL from ${request.url}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${request.url}`);
  }
  if ((request as { mode?: string }).mode === 'navigate') {
    throw new TypeError("Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.");
  }
  const mode = checkEnum<RequestMode>(request.mode, ['cors', 'no-cors', 'same-origin'], 'cors', 'RequestMode');
  const credentials = checkEnum<CredentialsMode>(
    request.credentials,
    ['omit', 'same-origin', 'include'],
    'same-origin',
    'RequestCredentials',
  );
  const redirect = checkEnum<RedirectMode>(
    request.redirect,
    ['follow', 'error', 'manual'],
    'follow',
    'RequestRedirect',
  );
  const givenBody = checkEnum<BodyKind>(request.body, ['none', 'text', 'stream'], 'none', 'BodyKind');
  // Without request streams the stream object is stringified like any other non-body value: a text body.
  const body: BodyKind = givenBody === 'stream' && !profile.request.streams ? 'text' : givenBody;

  const rawMethod = request.method ?? 'GET';
  if (typeof rawMethod !== 'string' || !isMethod(rawMethod)) {
    throw new TypeError(`'${rawMethod}' is not a valid HTTP method.`);
  }
  if (isForbiddenMethod(rawMethod)) throw new TypeError(`'${rawMethod}' HTTP method is unsupported.`);
  const method = normalizeMethod(rawMethod);
  if (mode === 'no-cors' && !isCorsSafelistedMethod(method)) {
    throw new TypeError(`'${method}' is unsupported in no-cors mode.`);
  }

  const headers: HeaderList = [];
  const dropped: DroppedHeader[] = [];
  const append = (name: string, value: string): void => {
    if (isForbiddenRequestHeader(name, value, { userAgent: profile.request.userAgentForbidden })) {
      dropped.push({ name, value, reason: 'forbidden' });
      return;
    }
    if (mode === 'no-cors') {
      const existing = getHeader(headers, name);
      const temporary = existing === null ? value : `${existing}, ${value}`;
      if (!isNoCorsSafelistedRequestHeader(name, temporary)) {
        dropped.push({ name, value, reason: 'no-cors' });
        return;
      }
    }
    if (profile.request.combineHeaders) {
      const entry = headers.find(([n]) => nameEquals(n, name));
      if (entry) {
        entry[1] = `${entry[1]}, ${value}`;
        return;
      }
    }
    headers.push([name, value]);
  };

  for (const [name, rawValue] of toHeaderList(request.headers)) {
    if (!isByteString(name) || !isByteString(rawValue)) {
      throw new TypeError(
        `Header '${name}' contains a character that is not ISO-8859-1 (String contains non ISO-8859-1 code point).`,
      );
    }
    if (!isHeaderName(name)) throw new TypeError(`'${name}' is not a valid HTTP header name.`);
    const value = normalizeHeaderValue(rawValue);
    if (!isHeaderValue(value)) {
      throw new TypeError(`'${rawValue}' is not a valid HTTP header value (header '${name}').`);
    }
    append(name, value);
  }

  if (body !== 'none' && (method === 'GET' || method === 'HEAD')) {
    throw new TypeError('Request with GET/HEAD method cannot have body.');
  }
  if (body === 'stream' && mode === 'no-cors') {
    throw new TypeError("A request with a ReadableStream body must use mode 'cors' or 'same-origin', not 'no-cors'.");
  }
  if (body === 'text' && !hasHeader(headers, 'content-type')) {
    append('Content-Type', 'text/plain;charset=UTF-8');
  }

  return {
    origin,
    url,
    method,
    headers,
    credentials,
    mode,
    redirect,
    body,
    useCorsPreflight: body === 'stream' || request.useCorsPreflight === true,
    dropped,
  };
}

/** What {@link classifyRequest} decides. */
export interface RequestClassification {
  /** The method is `GET`, `HEAD` or `POST` (byte-exact). */
  safelistedMethod: boolean;
  /** CORS-unsafe request-header names: lowercase, sorted, unique (the future `Access-Control-Request-Headers`). */
  unsafeHeaderNames: string[];
  /** A cross-origin `cors` request with these properties needs a preflight unless the cache covers it. */
  needsPreflight: boolean;
  /** Human-readable reasons for the preflight (empty when none is needed). */
  reasons: string[];
}

/** Input of {@link classifyRequest}. */
export interface ClassifyInput {
  method: string;
  headers: readonly (readonly [string, string])[];
  useCorsPreflight?: boolean;
}

/**
 * Classify a cross-origin `cors` request (https://fetch.spec.whatwg.org/#main-fetch step 12): a preflight is needed
 * when
 * the use-CORS-preflight flag is set, the method is not CORS-safelisted, or some request header is
 * CORS-unsafe. Credentials never cause a preflight. The header list given should be the request's
 * header list after construction (see {@link constructRequest}).
 */
export function classifyRequest(input: ClassifyInput, profile: Profile = CHROMIUM): RequestClassification {
  const safelistedMethod = isCorsSafelistedMethod(input.method);
  const unsafeHeaderNames = corsUnsafeRequestHeaderNames(input.headers, {
    chromium: profile.request.chromiumSafelist,
    asciiOnly: profile.request.asciiOnlySafelist,
    totalLimit: profile.request.unsafeNamesTotalLimit,
    unique: profile.request.uniqueUnsafeNames,
  });
  const reasons: string[] = [];
  if (input.useCorsPreflight) reasons.push('the use-CORS-preflight flag is set (stream body or upload listeners)');
  if (!safelistedMethod) reasons.push(`method ${input.method} is not CORS-safelisted (GET, HEAD, POST)`);
  if (unsafeHeaderNames.length > 0) reasons.push(`CORS-unsafe request headers: ${unsafeHeaderNames.join(', ')}`);
  return { safelistedMethod, unsafeHeaderNames, needsPreflight: reasons.length > 0, reasons };
}
