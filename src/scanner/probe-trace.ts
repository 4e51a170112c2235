/**
 * Which probes each check relied on, for the JSON report ("no findings" should be checkable per check). Each
 * check runs against a view of the target's context that notes the probes it asks for (one array push per
 * ask); the trust checks add the probes the shared analysis says decide their class (`ProbeContext.relied`).
 * Outcomes are read from the context's own record once the checks have run.
 */
import { probeKey, type TargetProbeContext } from './context.js';
import type { CheckId, CheckProbes, ProbeContext, ProbeRequest, ProbeTrace } from './types.js';

/** A check's view of `ctx`: the same probes (shared and de-duplicated by `ctx`), each one noted in `used`. */
export function checkView(ctx: TargetProbeContext, used: ProbeRequest[]): ProbeContext {
  return {
    url: ctx.url,
    trustedOrigins: ctx.trustedOrigins,
    method: ctx.method,
    hasCredentials: ctx.hasCredentials,
    ...(ctx.preflight === undefined ? {} : { preflight: ctx.preflight }),
    shared: ctx,
    baseline() {
      used.push({ method: ctx.method, origin: null });
      return ctx.baseline();
    },
    send(probe) {
      used.push(probe);
      return ctx.send(probe);
    },
    outcome(probe) {
      used.push(probe);
      return ctx.outcome(probe);
    },
    relied(probes) {
      for (const probe of probes) used.push(probe);
    },
  };
}

function requestMethodOf(probe: ProbeRequest): string | undefined {
  return probe.headers?.find(([name]) => name.toLowerCase() === 'access-control-request-method')?.[1];
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

/** What became of `probe` (asked for under `key`) in `ctx`. */
function traceOf(ctx: TargetProbeContext, key: string, probe: ProbeRequest): ProbeTrace {
  const trace: ProbeTrace = { origin: probe.origin, method: probe.method, outcome: 'not-sent' };
  const requestMethod = requestMethodOf(probe);
  if (requestMethod !== undefined) trace.requestMethod = requestMethod;
  const outcome = ctx.askedForKey(key)?.outcome;
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
 * The probes each check used (`used[i]` for `ids[i]`) with what became of them in `ctx`: one trace per distinct
 * probe of the target, ranked baseline first, then by origin, method and Access-Control-Request-Method (code-unit
 * order, so the table does not depend on timing), and per check the ranks of the probes it used, ascending.
 */
export function traceChecks(
  ctx: TargetProbeContext,
  ids: readonly CheckId[],
  used: readonly (readonly ProbeRequest[])[],
): CheckProbes {
  const traces = new Map<string, { trace: ProbeTrace; rank: number }>();
  const keysPerCheck = used.map((probes) => {
    const keys = new Set<string>();
    for (const probe of probes) {
      const key = probeKey(probe);
      if (keys.has(key)) continue;
      keys.add(key);
      if (!traces.has(key)) traces.set(key, { trace: traceOf(ctx, key, probe), rank: 0 });
    }
    return keys;
  });
  const ordered = [...traces.values()].sort((a, b) => compareTraces(a.trace, b.trace));
  ordered.forEach((entry, rank) => (entry.rank = rank));
  const byCheck: Partial<Record<CheckId, number[]>> = {};
  ids.forEach((id, index) => {
    const ranks: number[] = [];
    for (const key of keysPerCheck[index] ?? []) {
      const entry = traces.get(key);
      if (entry !== undefined) ranks.push(entry.rank);
    }
    byCheck[id] = ranks.sort((a, b) => a - b);
  });
  return { trace: ordered.map((entry) => entry.trace), byCheck };
}
