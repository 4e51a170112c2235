/**
 * A target's status from its checks' decisions, and what the target did to the scan (Origin filtering, rate
 * limiting), read from the outcomes of its probes.
 *
 * - 'ok': every check was decided (finding, clear or not applicable);
 * - 'partial': some check is inconclusive; the findings made so far stand, and one line says why the rest
 *   could not be decided;
 * - 'error': nothing could be scanned: the baseline failed, or the host stopped answering (timeout, refused,
 *   DNS, TLS) before any check was decided.
 */
import type { TargetProbeContext } from './context.js';
import type { ProbeError } from './errors.js';
import type { CheckDecision, TargetInterference, TargetStatus } from './types.js';

/** Reads Origin filtering and rate limiting off the probes of one target. */
export function interferenceOf(ctx: TargetProbeContext): { interference?: TargetInterference; originFailure?: string } {
  const baseline = ctx.asked.find((a) => a.probe.origin === null && (a.probe.headers ?? []).length === 0);
  const withOrigin = ctx.asked.filter((a) => a.probe.origin !== null);
  // The same request as the baseline but for the Origin header: the simple probes.
  const simple = withOrigin.filter((a) => a.probe.method === ctx.method && (a.probe.headers ?? []).length === 0);
  const out: TargetInterference = {};
  let originFailure: string | undefined;
  const failedSimple = simple.filter((a) => a.outcome?.kind === 'failed');
  if (
    baseline?.outcome?.kind === 'answered' &&
    simple.length > 0 &&
    failedSimple.length === simple.length &&
    ctx.failure === undefined
  ) {
    const first = failedSimple[0]?.outcome;
    originFailure = first?.kind === 'failed' ? first.reason : 'no answer';
    out.originFiltered = `every request carrying an Origin header failed (${originFailure}) while the same request without one was answered: a WAF or proxy filters on Origin`;
  }
  const limited = ctx.asked.filter(
    (a) =>
      a.outcome?.kind === 'rate-limited' ||
      (a.outcome?.kind === 'answered' && a.outcome.attempts > 1 && isLimited(a.outcome.exchange.response.status)),
  );
  if (limited.length > 0) {
    const refused = limited.filter((a) => a.outcome?.kind === 'rate-limited');
    const last = refused.at(-1)?.outcome;
    out.rateLimited = {
      probes: limited.length,
      detail:
        refused.length > 0
          ? `${refused.length} probe${refused.length > 1 ? 's were' : ' was'} refused by a rate limiter (${last?.kind === 'rate-limited' ? last.reason : ''})`
          : `${limited.length} probe${limited.length > 1 ? 's were' : ' was'} answered after waiting out a rate limit`,
    };
  }
  if (out.originFiltered === undefined && out.rateLimited === undefined) return {};
  return originFailure === undefined ? { interference: out } : { interference: out, originFailure };
}

function isLimited(status: number): boolean {
  return status === 429 || status === 503;
}

/** The target's status and its one-line explanation (the error, or why it is partial). */
export function statusOf(
  decisions: readonly CheckDecision[],
  findingCount: number,
  interference: TargetInterference | undefined,
  originFailure: string | undefined,
  failure: ProbeError | undefined,
): { status: TargetStatus; line?: string } {
  const undecided = decisions.filter((d) => d.outcome === 'inconclusive');
  if (undecided.length === 0) return { status: 'ok' };
  const cause =
    originFailure !== undefined
      ? `requests carrying Origin were refused (${originFailure})`
      : interference?.rateLimited?.detail.includes('refused') === true
        ? `the server rate-limited the scan: ${interference.rateLimited.detail}`
        : failure !== undefined
          ? failure.message
          : (undecided[0]?.reason ?? 'no reason given');
  // 'error' only when the host itself stopped answering before anything was decided; a target that answers
  // but refuses the probes (a WAF, a rate limiter) was reached, and saying so is the result.
  if (undecided.length === decisions.length && findingCount === 0 && failure !== undefined) {
    return { status: 'error', line: cause };
  }
  return {
    status: 'partial',
    line: `${undecided.length} of ${decisions.length} check${decisions.length > 1 ? 's' : ''} undecided: ${cause}`,
  };
}
