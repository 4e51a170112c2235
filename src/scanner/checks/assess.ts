/**
 * The one way a check asks the browser model what an attacker's page gets from an answer: it gathers the
 * recorded answers the model replays (the simple answer from the same origin, the preflight, the baseline for
 * Set-Cookie and HSTS) so no check repeats that call.
 */
import type { Exchange, ProbeContext } from '../types.js';
import type { ProbeKind, TargetNames } from './origins.js';
import { answered, baselineOf, sendSimple, type Channel } from './probes.js';
import { assessAccessOnce, type Assessment } from './access.js';

/** What to assess: the attacker origin, the channel it was seen on and, for a preflight, its answer. */
export interface AssessQuestion {
  names: TargetNames;
  origin: string;
  via: Channel;
  /** The preflight answer, when `via` is 'preflight'. */
  preflight?: Exchange | undefined;
  /** Why an attacker can send `origin` (default 'attacker': anyone can register it). */
  kind?: ProbeKind;
  /** The simple answer for `origin`, when the caller already has it (otherwise it is asked for). */
  simple?: Exchange | undefined;
}

/** Grades `question` with the browser model, replaying the recorded answers. */
export async function assess(ctx: ProbeContext, question: AssessQuestion): Promise<Assessment> {
  const simple = question.simple ?? answered(await sendSimple(ctx, question.origin));
  return assessAccessOnce({
    names: question.names,
    origin: question.origin,
    kind: question.kind ?? 'attacker',
    via: question.via,
    simple,
    preflight: question.via === 'preflight' ? question.preflight : undefined,
    baseline: await baselineOf(ctx),
    method: ctx.method,
    hasCredentials: ctx.hasCredentials,
    app: ctx.preflight,
  });
}
