/**
 * The two probe shapes every trust check uses, and how an answer is read.
 *
 * - A **simple** probe is the target's own method (GET by default) with an `Origin` header: what a page's
 *   `fetch()` sends for a CORS-safelisted request (https://fetch.spec.whatwg.org/#main-fetch, no preflight).
 * - A **preflight** probe is the `OPTIONS` request a browser sends before a non-simple request
 * (https://fetch.spec.whatwg.org/#cors-preflight-fetch CORS-preflight fetch): `Access-Control-Request-Method: PUT` and
 * `Access-Control-Request-Headers: authorization,content-type,x-corsight-probe` (lowercase, sorted, as browsers build
 * it). It also carries `Access-Control-Request-Private-Network: true`, which Chromium's Private Network Access
 * preflights added, so one preflight answers the PNA check too. The unknown header name `x-corsight-probe` reveals
 * servers that echo whatever headers are asked for.
 *
 * All probes go through `ProbeContext.send`, which the runtime de-duplicates across checks.
 */
import { getHeader } from '../../fetch/headers.js';
import { ProbeError } from '../errors.js';
import type { Exchange, HeaderList, ProbeContext } from '../types.js';

/** The method a preflight probe asks for first. */
export const PREFLIGHT_METHOD = 'PUT';
/** The method of the follow-up preflight that tells an echoed method from a listed one. */
export const PREFLIGHT_METHOD_ALT = 'DELETE';
/** The header names a preflight probe asks for (sorted, lowercase, comma-joined as Chromium sends them). */
export const PREFLIGHT_HEADER_NAMES = ['authorization', 'content-type', 'x-corsight-probe'] as const;

/** Request headers of a preflight probe asking for `method`. */
export function preflightHeaders(method: string = PREFLIGHT_METHOD): HeaderList {
  return [
    ['Access-Control-Request-Method', method],
    ['Access-Control-Request-Headers', PREFLIGHT_HEADER_NAMES.join(',')],
    ['Access-Control-Request-Private-Network', 'true'],
  ];
}

/** Which kind of request carried the Origin. */
export type Channel = 'simple' | 'preflight';

/**
 * Sends a probe and returns its exchange, or undefined when the target gave no usable answer to this one
 * probe (a WAF resetting an odd Origin). A target that is down fails the baseline, which the runtime reports.
 */
async function trySend(
  ctx: ProbeContext,
  method: string,
  origin: string,
  headers?: HeaderList,
): Promise<Exchange | undefined> {
  try {
    return await ctx.send(headers === undefined ? { method, origin } : { method, origin, headers });
  } catch (error) {
    if (error instanceof ProbeError) return undefined;
    throw error;
  }
}

/** Sends (or reuses) the simple probe from `origin`. */
export function sendSimple(ctx: ProbeContext, origin: string): Promise<Exchange | undefined> {
  return trySend(ctx, ctx.method, origin);
}

/** Sends (or reuses) the preflight probe from `origin`, asking for `method`. */
export function sendPreflight(
  ctx: ProbeContext,
  origin: string,
  method: string = PREFLIGHT_METHOD,
): Promise<Exchange | undefined> {
  return trySend(ctx, 'OPTIONS', origin, preflightHeaders(method));
}

/** Sends a probe on `channel`. */
export function sendOn(ctx: ProbeContext, channel: Channel, origin: string): Promise<Exchange | undefined> {
  return channel === 'simple' ? sendSimple(ctx, origin) : sendPreflight(ctx, origin);
}

/** The baseline (no Origin), or undefined if it failed. */
export async function baselineOf(ctx: ProbeContext): Promise<Exchange | undefined> {
  try {
    return await ctx.baseline();
  } catch (error) {
    if (error instanceof ProbeError) return undefined;
    throw error;
  }
}

/**
 * What one answer says about one origin, read the way the CORS check reads it
 * (https://fetch.spec.whatwg.org/#concept-cors-check).
 */
export interface Verdict {
  readonly origin: string;
  readonly channel: Channel;
  readonly exchange: Exchange;
  /** `Access-Control-Allow-Origin` as the browser gets it (lines joined by ", "), or null. */
  readonly acao: string | null;
  /** ACAO is byte-for-byte the sent origin: the CORS check passes for it. */
  readonly allowed: boolean;
  /** `Access-Control-Allow-Credentials` is exactly `true`: credentialed reads pass too. */
  readonly credentials: boolean;
}

/** Reads `exchange` as the answer to `origin`. */
export function verdictOf(origin: string, channel: Channel, exchange: Exchange): Verdict {
  const acao = getHeader(exchange.response.headers, 'access-control-allow-origin');
  const acac = getHeader(exchange.response.headers, 'access-control-allow-credentials');
  return { origin, channel, exchange, acao, allowed: acao === origin, credentials: acac === 'true' };
}

/** True for 2xx. */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
