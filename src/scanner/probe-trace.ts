/**
 * Which probes each check relied on, for the JSON report ("no findings" should be checkable per check). Each
 * check runs against a view of the target's context that notes the probes it asks for (one array push per
 * ask); the trust checks add the probes the shared analysis says decide their class (`ProbeContext.relied`).
 * Outcomes are read from the context's own record once the checks have run.
 */
import { nameEquals } from '../fetch/headers.js';
import type { AskedProbe, TargetProbeContext } from './context.js';
import type {
  AppPreflight,
  CheckId,
  CheckProbes,
  Exchange,
  ProbeContext,
  ProbeOutcome,
  ProbeRequest,
  ProbeTrace,
} from './types.js';

/**
 * A check's view of `ctx`: the same probes (shared and de-duplicated by `ctx`), the entry of each one noted in
 * `used`. A class rather than an object of closures: one per check per target, so its methods are shared.
 */
export class CheckView implements ProbeContext {
  readonly url: URL;
  readonly trustedOrigins: readonly string[];
  readonly method: string;
  readonly hasCredentials: boolean;
  readonly preflight?: AppPreflight;
  readonly shared: TargetProbeContext;
  /** The probes this check asked for or relied on (the context's entries, so nothing is copied), repeats included. */
  readonly used: AskedProbe[] = [];

  constructor(ctx: TargetProbeContext) {
    this.url = ctx.url;
    this.trustedOrigins = ctx.trustedOrigins;
    this.method = ctx.method;
    this.hasCredentials = ctx.hasCredentials;
    if (ctx.preflight !== undefined) this.preflight = ctx.preflight;
    this.shared = ctx;
  }

  baseline(): Promise<Exchange> {
    return this.shared.exchangeOf(this.note(this.shared.ask({ method: this.method, origin: null })));
  }

  send(probe: ProbeRequest): Promise<Exchange> {
    return this.shared.exchangeOf(this.note(this.shared.ask(probe)));
  }

  outcome(probe: ProbeRequest): Promise<ProbeOutcome> {
    return this.note(this.shared.ask(probe)).pending;
  }

  relied(probes: readonly ProbeRequest[]): void {
    for (const probe of probes) this.note(this.shared.reliedOn(probe));
  }

  private note<E extends AskedProbe>(entry: E): E {
    this.used.push(entry);
    return entry;
  }
}

function requestMethodOf(probe: ProbeRequest): string | undefined {
  const headers = probe.headers;
  if (headers === undefined) return undefined;
  // Compared in place (no lower-cased copy of each name): one call per distinct probe of every target.
  for (const [name, value] of headers) if (nameEquals(name, 'access-control-request-method')) return value;
  return undefined;
}

function compare(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

function compareTraces(a: ProbeTrace, b: ProbeTrace): number {
  return (
    compare(a.origin ?? undefined, b.origin ?? undefined) ||
    compare(a.method, b.method) ||
    compare(a.requestMethod, b.requestMethod)
  );
}

/** What became of the probe of `asked`. */
function traceOf(asked: AskedProbe): ProbeTrace {
  const { probe } = asked;
  const trace: ProbeTrace = { origin: probe.origin, method: probe.method, outcome: 'not-sent' };
  const requestMethod = requestMethodOf(probe);
  if (requestMethod !== undefined) trace.requestMethod = requestMethod;
  const outcome = asked.outcome;
  if (outcome === undefined) {
    // Asked for but unsettled when the target ended (its deadline or the run stopped it).
    trace.outcome = 'failed';
    trace.reason = 'no outcome before the target finished';
  } else {
    trace.outcome = outcome.kind;
    if (outcome.kind === 'answered') trace.status = outcome.exchange.response.status;
    else {
      if (outcome.kind === 'rate-limited') trace.status = outcome.status;
      trace.reason = outcome.reason;
    }
  }
  return trace;
}

/**
 * The probes each check used (`used[i]` for `ids[i]`, the context's entries) with what became of them: one trace
 * per distinct probe of the target, ranked baseline first, then by origin, method and Access-Control-Request-Method
 * (code-unit order, so the table does not depend on timing), and per check the ranks of the probes it used,
 * ascending.
 */
export function traceChecks(ids: readonly CheckId[], used: readonly (readonly AskedProbe[])[]): CheckProbes {
  const entries = new Map<AskedProbe, { trace: ProbeTrace; rank: number }>();
  for (const probes of used) {
    for (const asked of probes) {
      if (!entries.has(asked)) entries.set(asked, { trace: traceOf(asked), rank: 0 });
    }
  }
  const ordered = [...entries.values()].sort((a, b) => compareTraces(a.trace, b.trace));
  for (let rank = 0; rank < ordered.length; rank++) ordered[rank]!.rank = rank;
  // Per check, the ranks it used, ascending and each once: marked in one scratch array rather than sorted.
  const marks = new Uint8Array(ordered.length);
  const byCheck: Partial<Record<CheckId, number[]>> = {};
  ids.forEach((id, index) => {
    marks.fill(0);
    for (const asked of used[index] ?? []) {
      const rank = entries.get(asked)?.rank;
      if (rank !== undefined) marks[rank] = 1;
    }
    const ranks: number[] = [];
    for (let rank = 0; rank < marks.length; rank++) if (marks[rank] === 1) ranks.push(rank);
    byCheck[id] = ranks;
  });
  return { trace: ordered.map((entry) => entry.trace), byCheck };
}
