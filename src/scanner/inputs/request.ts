/**
 * The application's own request to one target, as read from a HAR, an OpenAPI operation or a JSONL line: which of
 * its headers the probes carry, and the CORS-preflight a browser sends before it.
 */
import { byteLowercase, isHeaderName, sortedLowercaseSet } from '../../fetch/headers.js';
import { isCorsSafelistedMethod, isForbiddenMethod, isMethod, normalizeMethod } from '../../fetch/methods.js';
import { corsUnsafeRequestHeaderNames, isForbiddenRequestHeader } from '../../fetch/safelist.js';
import type { HeaderList, ScanTarget, TargetRequest } from '../types.js';

/**
 * Whether a header the application sent is carried by the probes. Kept: what the page's script sets (any header that
 * is not a forbidden request-header, https://fetch.spec.whatwg.org/#forbidden-request-header) and the credentials
 * the browser attaches (Cookie). Dropped: Origin (each probe sets its own), Host and Content-Length (the scanner's
 * request has its own target and no body), hop-by-hop and other browser-set headers (`Sec-Fetch-*` would describe
 * a same-origin request the probes are not), HTTP/2 pseudo-headers (`:authority`), User-Agent (the scanner names
 * itself), Accept-Encoding (evidence bodies stay readable) and conditional headers (a 304 carries no CORS headers).
 */
export function isCopiedHeader(name: string, value: string): boolean {
  const lower = byteLowercase(name);
  if (lower === 'cookie') return true;
  if (!isHeaderName(name) || /[\0\r\n]/.test(value)) return false;
  if (lower === 'user-agent' || lower.startsWith('if-') || lower === 'priority') return false;
  return !isForbiddenRequestHeader(name, value);
}

/** Thrown for a request that cannot be a target (a bad method or URL), with the reason. */
export class TargetRequestError extends Error {
  override name = 'TargetRequestError';
}

/**
 * Builds the target for `url` requested with `method` and `headers` as the application sends it: the headers the
 * probes carry (see {@link isCopiedHeader}, first occurrence of a name kept once per value), and the preflight
 * (https://fetch.spec.whatwg.org/#cors-preflight-fetch) when the request is not simple: a method that is not
 * CORS-safelisted, or CORS-unsafe request-header names (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names).
 * `declared` names headers the application sends whose values the scanner does not have (an OpenAPI security
 * scheme without a --header value): asked for in the preflight, never sent. Throws `TargetRequestError` for a
 * method that is not a token or that browsers never send.
 */
export function targetRequest(
  url: string,
  method: string,
  headers: HeaderList = [],
  declared: readonly string[] = [],
): TargetRequest {
  if (!isMethod(method)) throw new TargetRequestError(`'${method}' is not an HTTP method`);
  const normalized = normalizeMethod(method);
  if (isForbiddenMethod(normalized)) {
    throw new TargetRequestError(`method '${method}' is never sent by browsers (a forbidden method in Fetch)`);
  }
  const copied: HeaderList = [];
  const seen = new Set<string>();
  for (const [name, value] of headers) {
    const trimmed = value.trim();
    const key = `${byteLowercase(name)}\n${trimmed}`;
    if (!isCopiedHeader(name, trimmed) || seen.has(key)) continue;
    seen.add(key);
    copied.push([name, trimmed]);
  }
  const scripted = copied.filter(([name]) => byteLowercase(name) !== 'cookie');
  const unsafe = sortedLowercaseSet([
    ...corsUnsafeRequestHeaderNames(scripted),
    ...declared.filter((name) => isHeaderName(name) && !isForbiddenRequestHeader(name, '')),
  ]);
  const target: TargetRequest = { url, method: normalized };
  if (copied.length > 0) target.headers = copied;
  if (!isCorsSafelistedMethod(normalized) || unsafe.length > 0) {
    target.preflight = { method: normalized, headers: unsafe };
  }
  return target;
}

/** The URL of a target. */
export function targetUrl(target: ScanTarget): string {
  return typeof target === 'string' ? target : target.url;
}

/** The method a target names, or undefined for a bare URL (the run's --method). */
export function targetMethod(target: ScanTarget): string | undefined {
  return typeof target === 'string' ? undefined : target.method;
}

/** The identity of a target in a run: its method (when it has one) and URL. */
export function targetKey(target: ScanTarget): string {
  if (typeof target === 'string' || target.method === undefined) return targetUrl(target);
  return `${target.method} ${target.url}`;
}
