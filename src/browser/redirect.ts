/**
 * Redirects under CORS (Fetch "HTTP-redirect fetch", https://fetch.spec.whatwg.org/#http-redirect-fetch,
 * "redirect-taint", https://fetch.spec.whatwg.org/#concept-request-tainted-origin, and Chromium's
 * `services/network/cors/cors_url_loader.cc` `OnReceiveRedirect` / `CheckRedirectLocation`).
 */
import { byteLowercase, getAllHeaderValues, nameEquals, type HeaderList } from '../fetch/headers.js';
import { isSameOrigin, isSameSite } from '../fetch/origin.js';
import { REQUEST_BODY_HEADER_NAMES } from '../fetch/safelist.js';
import { isRedirectStatus } from '../fetch/status.js';
import { CHROMIUM, type Profile } from './profiles.js';
import type { BodyKind } from './types.js';

/** Maximum number of redirects followed; the 21st redirect response is a network error. */
export const MAX_REDIRECTS = 20;

/** Result of {@link locationURL}. */
export type LocationResult =
  | { kind: 'none' }
  | { kind: 'url'; url: URL }
  | { kind: 'invalid'; value: string }
  | { kind: 'multiple'; values: string[] };

/**
 * Fetch "location URL" of a redirect response, relative to the response URL; a fragment-less
 * location inherits the current URL's fragment. The Chromium profile follows its net stack: empty
 * `Location` values are skipped (no usable value means "not a redirect") and several different
 * values are an error; the spec profile treats several lines as a failure and an empty value as the
 * current URL.
 */
export function locationURL(
  headers: readonly (readonly [string, string])[],
  current: URL,
  profile: Profile = CHROMIUM,
): LocationResult {
  let values = getAllHeaderValues(headers, 'location');
  if (profile.redirect.needsLocation) values = values.filter((v) => v !== '');
  if (values.length === 0) return { kind: 'none' };
  const distinct = [...new Set(values)];
  if (profile.redirect.identicalLocationsAreOne ? distinct.length > 1 : values.length > 1) {
    return { kind: 'multiple', values };
  }
  const [value = ''] = values;
  let url: URL;
  try {
    url = new URL(value, current);
  } catch {
    return { kind: 'invalid', value };
  }
  if (url.hash === '' && !value.includes('#') && current.hash !== '') url.hash = current.hash;
  return { kind: 'url', url };
}

/**
 * Whether a response is handled as a redirect: a redirect status and, in profiles that follow the
 * browsers' network stacks, a non-empty `Location` header (a 3xx without one is an ordinary response).
 */
export function isRedirectResponse(
  status: number,
  headers: readonly (readonly [string, string])[],
  profile: Profile = CHROMIUM,
): boolean {
  if (!isRedirectStatus(status)) return false;
  if (!profile.redirect.needsLocation) return true;
  return getAllHeaderValues(headers, 'location').some((v) => v !== '');
}

/** Fetch "redirect-taint" values. */
export type RedirectTaint = 'same-origin' | 'same-site' | 'cross-site';

/**
 * Fetch "redirect-taint" of a request's URL list: walking the list pairwise (last, url), a step to a
 * URL that is not same-site with `last` while the request origin is not same-site with `last` makes
 * it `cross-site`; a step that is only not same-origin (with the origin also not same-origin with
 * `last`) makes it at least `same-site`. Anything but `same-origin` makes the serialized request
 * origin `null` (the `Origin` header, the CORS check and the cache key all use `null`).
 * Chromium's "tainted origin flag" (`CheckTainted`) sets on exactly the same steps.
 */
export function redirectTaint(urlList: readonly URL[], origin: string): RedirectTaint {
  let taint: RedirectTaint = 'same-origin';
  let last: URL | null = null;
  for (const url of urlList) {
    if (last === null) {
      last = url;
      continue;
    }
    if (!isSameSite(url, last) && !isSameSite(origin, last)) return 'cross-site';
    if (!isSameOrigin(url, last) && !isSameOrigin(origin, last)) taint = 'same-site';
    last = url;
  }
  return taint;
}

/** The parts of a request a redirect may rewrite. */
export interface RedirectableRequest {
  method: string;
  headers: HeaderList;
  body: BodyKind;
}

/**
 * Rewrite a request for the next hop (Fetch HTTP-redirect fetch steps 12–13): a 301/302 turns `POST`
 * into `GET`, a 303 turns anything but GET/HEAD into `GET`; the body is then dropped and the
 * request-body headers (Content-Encoding, Content-Language, Content-Location, Content-Type) are
 * removed. A hop to another origin removes `Authorization`. Returns a new object and lists what changed.
 */
export function rewriteForRedirect(
  request: RedirectableRequest,
  status: number,
  from: URL,
  to: URL,
): RedirectableRequest & { changes: string[] } {
  let { method, body } = request;
  let headers = request.headers.map(([n, v]) => [n, v] as [string, string]);
  const changes: string[] = [];
  if (
    ((status === 301 || status === 302) && method === 'POST') ||
    (status === 303 && method !== 'GET' && method !== 'HEAD')
  ) {
    changes.push(`method ${method} -> GET (status ${status})`);
    method = 'GET';
    body = 'none';
    const before = headers.length;
    headers = headers.filter(([n]) => !REQUEST_BODY_HEADER_NAMES.includes(byteLowercase(n)));
    if (headers.length !== before) changes.push('request-body headers removed');
  }
  if (!isSameOrigin(from, to)) {
    const before = headers.length;
    headers = headers.filter(([n]) => !nameEquals(n, 'authorization'));
    if (headers.length !== before) changes.push('Authorization removed (cross-origin redirect)');
  }
  return { method, headers, body, changes };
}
