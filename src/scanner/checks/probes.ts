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
import { LRUCache } from 'lru-cache';
import { getHeader } from '../../fetch/headers.js';
import type { CheckReport, Exchange, Finding, HeaderList, ProbeContext, ProbeOutcome } from '../types.js';
import { arbitraryOrigin, targetNames, type TargetNames } from './origins.js';

/** The method a preflight probe asks for first. */
export const PREFLIGHT_METHOD = 'PUT';
/** The method of the follow-up preflight that tells an echoed method from a listed one. */
export const PREFLIGHT_METHOD_ALT = 'DELETE';
/** The header names a preflight probe asks for (sorted, lowercase, comma-joined as Chromium sends them). */
export const PREFLIGHT_HEADER_NAMES = ['authorization', 'content-type', 'x-corsight-probe'] as const;

/** Request headers of a preflight probe asking for `method` and the header `names` (sorted, lower-case). */
export function preflightHeaders(
  method: string = PREFLIGHT_METHOD,
  names: readonly string[] = PREFLIGHT_HEADER_NAMES,
): HeaderList {
  // One list per distinct preflight, shared: a target asks for the same few dozens of times, and the probe cache
  // keys a list once (see context.ts). Callers never modify it.
  if (method === PREFLIGHT_METHOD && names === PREFLIGHT_HEADER_NAMES) return defaultPreflight;
  const joined = names.join(',');
  const key = `${method}\n${joined}`;
  let list = preflightLists.peek(key);
  if (list === undefined) {
    list = [
      ['Access-Control-Request-Method', method],
      // A preflight asking for no header has no Access-Control-Request-Headers at all (as browsers send it).
      ...(names.length > 0 ? [['Access-Control-Request-Headers', joined] as [string, string]] : []),
      ['Access-Control-Request-Private-Network', 'true'],
    ];
    preflightLists.set(key, list);
  }
  return list;
}

// Bounded: per-target preflights (HAR, OpenAPI) vary.
// Read with peek(): no reordering on a hit, oldest out first (see parsedOrigins in src/fetch/origin.ts).
const preflightLists = new LRUCache<string, HeaderList>({ max: 1024 });
// The scanner's own preflight, asked for by most preflight probes: looked up in no cache.
const defaultPreflight: HeaderList = preflightHeaders(PREFLIGHT_METHOD, [...PREFLIGHT_HEADER_NAMES]);

/**
 * Request headers of the target's preflight probe: the application's own preflight when its request to the target
 * is not simple (exactly the method and headers the browser would ask for), else the scanner's generic one.
 */
export function targetPreflightHeaders(ctx: Pick<ProbeContext, 'preflight'>): HeaderList {
  return ctx.preflight === undefined
    ? preflightHeaders()
    : preflightHeaders(ctx.preflight.method, ctx.preflight.headers);
}

/** Which kind of request carried the Origin. */
export type Channel = 'simple' | 'preflight';

/** The exchange of an answered probe, or undefined for any other outcome. */
export function answered(outcome: ProbeOutcome): Exchange | undefined {
  return outcome.kind === 'answered' ? outcome.exchange : undefined;
}

/** Sends (or reuses) the simple probe from `origin`. */
export function sendSimple(ctx: ProbeContext, origin: string): Promise<ProbeOutcome> {
  return ctx.outcome({ method: ctx.method, origin });
}

/**
 * Sends (or reuses) the preflight probe from `origin`: the target's own preflight (see {@link targetPreflightHeaders}),
 * or, when `method` is given, the generic one asking for `method`.
 */
export function sendPreflight(ctx: ProbeContext, origin: string, method?: string): Promise<ProbeOutcome> {
  const headers = method === undefined ? targetPreflightHeaders(ctx) : preflightHeaders(method);
  return ctx.outcome({ method: 'OPTIONS', origin, headers });
}

/** Sends a probe on `channel`. */
export function sendOn(ctx: ProbeContext, channel: Channel, origin: string): Promise<ProbeOutcome> {
  return channel === 'simple' ? sendSimple(ctx, origin) : sendPreflight(ctx, origin);
}

/** The baseline (no Origin). */
export function sendBaseline(ctx: ProbeContext): Promise<ProbeOutcome> {
  return ctx.outcome({ method: ctx.method, origin: null });
}

/** The baseline's exchange, or undefined if it got no answer. */
export async function baselineOf(ctx: ProbeContext): Promise<Exchange | undefined> {
  return answered(await sendBaseline(ctx));
}

/**
 * The probes a decision needed that got no answer, with why. A check that has any and found nothing is
 * `inconclusive` with {@link Gaps.reason}: an unanswered probe proves nothing, least of all "not trusted".
 */
export class Gaps {
  readonly #missing = new Map<string, string>();

  /** Records `outcome` under `label` (e.g. "the preflight from `https://x`") unless it was answered. */
  note(label: string, outcome: ProbeOutcome): void {
    if (outcome.kind !== 'answered' && !this.#missing.has(label)) this.#missing.set(label, outcome.reason);
  }

  /** Records a gap that is not a single probe (e.g. no domain to build look-alikes from). */
  add(label: string, reason: string): void {
    if (!this.#missing.has(label)) this.#missing.set(label, reason);
  }

  /** Takes over the gaps of `other`. */
  merge(other: Gaps): void {
    for (const [label, reason] of other.#missing) this.add(label, reason);
  }

  get size(): number {
    return this.#missing.size;
  }

  /** One line: the first gap and how many more. */
  reason(): string {
    const [first] = this.#missing;
    if (first === undefined) return '';
    const [label, why] = first;
    const more = this.#missing.size - 1;
    return `${label} got no answer (${why})${more > 0 ? `, and ${more} more probe${more > 1 ? 's' : ''} likewise` : ''}`;
  }
}

/** The attacker's preflight to a target: where the hygiene checks that read a preflight answer start. */
export interface AttackerPreflight {
  names: TargetNames;
  /** The arbitrary origin (`https://corsight-attacker.com`, or its http form for an http target). */
  origin: string;
  /** The preflight's gap when it got no answer; the check adds its own. */
  gaps: Gaps;
  /** The answer, or undefined when there was none (the check is then inconclusive, never "clean"). */
  preflight: Exchange | undefined;
}

/** Sends the preflight from the arbitrary origin (asking for `method`, PUT by default) and notes a missing answer. */
export async function attackerPreflight(ctx: ProbeContext, method?: string): Promise<AttackerPreflight> {
  const names = targetNames(ctx.url);
  const origin = arbitraryOrigin(names.scheme);
  const gaps = new Gaps();
  const outcome = await sendPreflight(ctx, origin, method);
  gaps.note(probeLabel('preflight', origin), outcome);
  return { names, origin, gaps, preflight: answered(outcome) };
}

/** Label of a probe for {@link Gaps}. */
export function probeLabel(channel: Channel, origin: string): string {
  return `the ${channel === 'simple' ? 'request' : 'preflight'} from ${origin}`;
}

/**
 * A check's report from what it found and what it could not see: findings win (what answered probes prove
 * stands even when others failed), then gaps make it inconclusive, else it is clear.
 */
export function decide(findings: Finding[], gaps: Gaps): CheckReport {
  if (findings.length > 0) return { outcome: 'finding', findings };
  if (gaps.size > 0) return { outcome: 'inconclusive', reason: gaps.reason(), findings: [] };
  return { outcome: 'clear', findings: [] };
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
