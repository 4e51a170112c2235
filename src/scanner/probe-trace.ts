/**
 * Which probes each check relied on, for the JSON report ("no findings" should be checkable per check). Each
 * check runs against a view of the target's context that notes the probes it asks for (one array push per
 * ask); the trust checks add the probes the shared analysis says decide their class (`ProbeContext.relied`).
 * Outcomes are read from the context's own record once the checks have run.
 */
import { probeKey, type TargetProbeContext } from './context.js';
import type { ProbeContext, ProbeRequest, ProbeTrace } from './types.js';

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

/**
 * The probes in `used`, each once, with what became of them in `ctx`: the baseline (no Origin) first, then by
 * origin, method and Access-Control-Request-Method (code-unit order, so the list does not depend on timing).
 */
export function traceProbes(ctx: TargetProbeContext, used: readonly ProbeRequest[]): ProbeTrace[] {
  const seen = new Map<string, ProbeRequest>();
  for (const probe of used) {
    const key = probeKey(probe);
    if (!seen.has(key)) seen.set(key, probe);
  }
  const traces: ProbeTrace[] = [];
  for (const probe of seen.values()) {
    const trace: ProbeTrace = { origin: probe.origin, method: probe.method, outcome: 'not-sent' };
    const requestMethod = requestMethodOf(probe);
    if (requestMethod !== undefined) trace.requestMethod = requestMethod;
    const outcome = ctx.askedFor(probe)?.outcome;
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
    traces.push(trace);
  }
  return traces.sort(
    (a, b) =>
      compare(a.origin ?? undefined, b.origin ?? undefined) ||
      compare(a.method, b.method) ||
      compare(a.requestMethod, b.requestMethod),
  );
}
