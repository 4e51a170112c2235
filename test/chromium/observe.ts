/**
 * One comparable shape for "what happened" to a case, built either from Chromium (page result + CDP + console +
 * the server's log) or from simulateFetch (its CorsOutcome + the Transport's own record). The comparison
 * (./compare.ts) and the corpus expectations (./expect.ts) only ever look at this shape.
 */
import { FORBIDDEN_REQUEST_HEADER_NAMES } from '../../src/fetch/safelist.js';
import type { BrowserResult } from './chromium.js';
import { getHeader, isPreflight } from './respond.js';
import type { CaseRequest, HeaderLine } from './spec.js';
import type { LoggedRequest } from './wire-server.js';

/** One request as it went on the wire, reduced to what both sides can say about it. */
export interface WireRequest {
  method: string;
  /** Absolute URL without userinfo. */
  url: string;
  preflight: boolean;
  /** Origin header (null = absent). */
  origin: string | null;
  acrm: string | null;
  acrh: string | null;
  /**
   * Values (combined with ", ", whitespace-trimmed; null = absent) of the compared header names: Content-Type and
   * every header the script set that the browser does not own (see `browserOwned`).
   */
  headers: Record<string, string | null>;
}

/** How a case ended. */
export type Settlement =
  /** fetch() resolved (any status, any response type). */
  | 'resolved'
  /** fetch() rejected with "TypeError: Failed to fetch" (a network error: CORS or otherwise). */
  | 'network-error'
  /** fetch() rejected with another TypeError (the request could not be constructed). */
  | 'type-error'
  /** The browser did not settle in time, or the engine threw something other than a TypeError. */
  | 'broken';

/** What happened to one case. */
export interface Observation {
  settled: Settlement;
  /** Error name + message for type-error / broken. */
  thrown?: string;
  /** CORS error code (CDP Network.CorsError name) and parameter; null code = none reported. */
  cors: { code: string | null; parameter: string | null };
  /** The CORS console line, when the side produced one. */
  message: string | null;
  /** Non-CORS network failure, when known (browser: CDP blockedReason, else errorText; engine: its parameter). */
  netError: string | null;
  /** `url` / `redirected` are `response.url` / `response.redirected` (absent when the engine does not say). */
  response: { status: number; type: string; exposedHeaders: string[]; url?: string; redirected?: boolean } | null;
  requests: WireRequest[];
}

/**
 * Request headers the browser sets or replaces itself, so what reached the server says nothing about the
 * script's value: Chromium's forbidden request-header names (fetch-cors.md, "Forbidden headers, and related name
 * lists"; `User-Agent` included, as Chromium still treats it as forbidden) and the `proxy-` / `sec-` prefixes. Origin
 * and the Access-Control-Request-* pair are compared through their own fields.
 */
export function browserOwned(name: string): boolean {
  const n = name.toLowerCase();
  return (
    n.startsWith('proxy-') || n.startsWith('sec-') || n === 'user-agent' || FORBIDDEN_REQUEST_HEADER_NAMES.includes(n)
  );
}

/** The header names compared on every wire request of a case. */
export function comparedHeaderNames(request: CaseRequest): string[] {
  const names = new Set<string>(['content-type']);
  for (const [n] of request.headers ?? []) {
    // A name that is not a valid token makes fetch() throw before anything is sent; nothing to compare.
    if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(n) && !browserOwned(n)) names.add(n.toLowerCase());
  }
  return [...names].sort();
}

function stripUserinfo(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}

/** Reduces a wire request to its WireRequest. */
export function wireRequest(
  method: string,
  url: string,
  headers: readonly HeaderLine[],
  compared: readonly string[],
): WireRequest {
  const trimmed: HeaderLine[] = headers.map(([n, v]) => [n, v.replace(/^[ \t]+|[ \t]+$/g, '')]);
  const values: Record<string, string | null> = {};
  const preflight = isPreflight(method, trimmed);
  for (const n of compared) {
    // Chromium puts its own Accept-Language on a preflight (the script's headers never go there), so on a
    // preflight that name says nothing about the CORS model; on other requests the script's value wins.
    if (preflight && n === 'accept-language') continue;
    values[n] = getHeader(trimmed, n);
  }
  return {
    method,
    url: stripUserinfo(url),
    preflight,
    origin: getHeader(trimmed, 'origin'),
    acrm: getHeader(trimmed, 'access-control-request-method'),
    acrh: getHeader(trimmed, 'access-control-request-headers'),
    headers: values,
  };
}

/**
 * The Accept-Language Chromium adds itself when the script's value is absent or was dropped (no-cors guard,
 * preflights). A harness test pins it, so a different browser locale shows up there, not as disagreements.
 */
export const chromiumDefaultAcceptLanguage = 'en-US,en;q=0.9';

/** The browser's observation of a case: its page result, CDP failures and console lines, and the server log. */
export function observeBrowser(
  result: BrowserResult,
  log: readonly LoggedRequest[],
  request: CaseRequest,
): Observation {
  const compared = comparedHeaderNames(request);
  const authorValues = new Set(
    (request.headers ?? []).filter(([n]) => n.toLowerCase() === 'accept-language').map(([, v]) => v.trim()),
  );
  const requests = log.map((e) => {
    const r = wireRequest(e.method, e.url, e.headers, compared);
    // Chromium's own Accept-Language stands for "the script's header did not make it" (the engine lists none).
    if (
      r.headers['accept-language'] === chromiumDefaultAcceptLanguage &&
      !authorValues.has(chromiumDefaultAcceptLanguage)
    ) {
      r.headers['accept-language'] = null;
    }
    return r;
  });
  // The actual request's loadingFailed carries corsErrorStatus; the preflight's own failure (e.g.
  // net::ERR_INVALID_REDIRECT for a redirected preflight) only says the network layer gave up on it.
  const main = result.failures.filter((f) => !f.preflight);
  const withCors =
    main.find((f) => f.corsError !== undefined) ?? result.failures.find((f) => f.corsError !== undefined);
  const cors = withCors
    ? { code: withCors.corsError!, parameter: withCors.failedParameter ?? '' }
    : { code: null, parameter: null };
  // A request Blink blocks itself (CDP blockedReason, e.g. "origin" for a same-origin-mode redirect away or a
  // redirect to a URL with credentials, "mixed-content") is named by its blockedReason; otherwise by errorText.
  // Blink may refuse a fetch before it reaches the network (same-origin mode to another origin, no-cors with
  // redirect != follow): CDP then reports nothing at all, which is written as the empty name ''.
  const first = main[0] ?? result.failures[0];
  const netError = first ? (first.blockedReason ?? first.errorText) : '';
  let settled: Settlement;
  let thrown: string | undefined;
  if (result.settled === 'resolved') settled = 'resolved';
  else if (result.settled === 'timeout') {
    settled = 'broken';
    thrown = 'timeout: fetch() did not settle';
  } else if (result.error?.name === 'TypeError' && result.error.message === 'Failed to fetch') {
    settled = 'network-error';
  } else if (result.error?.name === 'TypeError') {
    settled = 'type-error';
    thrown = `TypeError: ${result.error.message}`;
  } else {
    settled = 'broken';
    thrown = `${result.error?.name}: ${result.error?.message}`;
  }
  const obs: Observation = {
    settled,
    cors,
    message: result.console[0] ?? null,
    netError: settled === 'network-error' ? netError : null,
    response: result.response
      ? {
          status: result.response.status,
          type: result.response.type,
          exposedHeaders: [...result.response.headerNames].sort(),
          url: result.response.url,
          redirected: result.response.redirected,
        }
      : null,
    requests,
  };
  if (thrown !== undefined) obs.thrown = thrown;
  return obs;
}
