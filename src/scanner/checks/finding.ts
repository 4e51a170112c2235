/**
 * Turning a trust verdict into a `Finding`: severity from the browser model, the inferred rule, the
 * evidence exchange and a PoC page.
 */
import type { Check, CheckId, CheckReport, Exchange, Finding, ProbeContext, Severity } from '../types.js';
import type { Assessment } from './access.js';
import { assess } from './assess.js';
import { attackerCanRegister, type TargetNames } from './origins.js';
import { buildPoc } from './poc.js';
import { decide, Gaps, probeLabel, targetPreflightHeaders } from './probes.js';
import { minSeverity, moreSevere } from './severity.js';
import {
  analyzeTrust,
  trustProbes,
  code,
  nameClasses,
  noDomainReason,
  type TrustAnalysis,
  type TrustCheckId,
  type TrustHit,
} from './trust.js';

/** What a check declares besides its logic. */
export interface CheckInfo<Id extends string = CheckId> {
  id: Id;
  title: string;
  definition: string;
  /** The probes it sends, in words (for docs and listings). */
  probes: string;
  remediation: string;
}

/**
 * A `Check` that also lists its probes and its fix, with its id as a literal type: the list of checks in
 * `index.ts` is where `CheckId` comes from.
 */
export interface DescribedCheck<Id extends string = CheckId> extends Omit<Check, 'id'> {
  readonly id: Id;
  /** The probes the check sends, in words. */
  readonly probes: string;
  /** How to fix what it finds, one or two sentences. */
  readonly remediation: string;
}

/** Everything needed to write one finding. */
export interface FindingParts {
  info: CheckInfo;
  names: TargetNames;
  origin: string;
  via: 'simple' | 'preflight';
  rule: string;
  evidence: Exchange;
  assessment: Assessment;
  /** Sentences placed before the severity reasoning. */
  lead?: string;
  /** Sentences placed after it. */
  note?: string;
  /** Overrides the assessed severity (hygiene checks grade themselves). */
  severity?: Severity;
}

/** Assembles a finding. */
export function makeFinding(parts: FindingParts): Finding {
  const detail = [parts.lead, parts.assessment.detail, parts.note]
    .filter((s): s is string => s !== undefined && s !== '')
    .join(' ');
  return {
    check: parts.info.id,
    severity: parts.severity ?? parts.assessment.severity,
    title: parts.info.title,
    detail,
    attackerOrigin: parts.origin,
    via: parts.via,
    rule: parts.rule,
    evidence: parts.evidence,
    poc: buildPoc({
      check: parts.info.id,
      title: parts.info.title,
      url: parts.names.url.href,
      attackerOrigin: parts.origin,
      via: parts.via,
      scenario: parts.assessment.scenario,
    }),
    remediation: parts.info.remediation,
    ...(parts.assessment.access === undefined ? {} : { access: parts.assessment.access }),
  };
}

/**
 * A check decided by the trust analysis: it reports its class once per target, through the channel
 * (simple or preflight) where a browser lets the attacker do the most; with no hit, it is clear only when
 * every probe deciding it was answered (on both channels), and not applicable when a broader class found on
 * the target covers it.
 */
export function trustCheck<Id extends string>(info: CheckInfo<Id>): DescribedCheck<Id> & { readonly kind: 'trust' } {
  // trustCheck makes exactly the checks of kind 'trust', so its ids are the trust analysis's classes (saying so in
  // the type parameter's constraint would be circular: TrustCheckId is derived from these very checks).
  const known: CheckInfo<TrustCheckId> = { ...info, id: info.id as TrustCheckId };
  return {
    id: info.id,
    kind: 'trust',
    confirmable: true,
    title: info.title,
    definition: info.definition,
    probes: info.probes,
    remediation: info.remediation,
    async run(ctx) {
      const analysis = await analyzeTrust(ctx);
      ctx.relied?.(trustProbes(analysis, known.id, ctx.method, targetPreflightHeaders(ctx)));
      const findings = await trustFindings(ctx, analysis, known);
      return decideTrust(analysis, known.id, findings);
    },
  };
}

async function trustFindings(
  ctx: ProbeContext,
  analysis: TrustAnalysis,
  info: CheckInfo<TrustCheckId>,
): Promise<Finding[]> {
  const names = analysis.names;
  const hits = [analysis.simple.hits.get(info.id), analysis.preflight?.hits.get(info.id)].filter(
    (h): h is TrustHit => h !== undefined,
  );
  let best: Finding | undefined;
  for (const hit of hits) {
    const simpleExchange = analysis.simple.verdicts.get(hit.verdict.origin)?.exchange;
    const assessment = await assess(ctx, {
      names,
      origin: hit.verdict.origin,
      kind: hit.kind,
      via: hit.verdict.channel,
      preflight: hit.verdict.exchange,
      simple: simpleExchange,
    });
    const host = hit.verdict.origin === 'null' ? '' : new URL(hit.verdict.origin).hostname;
    // A look-alike nobody can register today still shows the flawed rule: reported, graded low at most.
    const unregistrable = hit.kind === 'attacker' && host !== '' && !attackerCanRegister(host);
    const finding = makeFinding({
      info,
      names,
      origin: hit.verdict.origin,
      via: hit.verdict.channel,
      rule: hit.rule,
      evidence: hit.verdict.exchange,
      assessment,
      lead: `${hit.verdict.channel === 'preflight' ? 'On CORS preflights (its simple requests say otherwise), the server' : 'The server'} ${hit.rule}.`,
      note: [
        hit.note,
        unregistrable
          ? `Nobody can register ${code(host)} today (no such public suffix, or a reserved private-use name), so no attacker can serve a page from this origin yet: reported as low, because the rule is flawed and becomes exploitable once a name it accepts can be registered or the trusted string changes.`
          : undefined,
      ]
        .filter((s): s is string => s !== undefined)
        .join(' '),
      ...(unregistrable ? { severity: minSeverity(assessment.severity, 'low') } : {}),
    });
    if (best === undefined || moreSevere(finding.severity, best.severity)) best = finding;
  }
  return best === undefined ? [] : [best];
}

/** The decision of trust check `id` from the analysis and the findings it made. */
export function decideTrust(analysis: TrustAnalysis, id: TrustCheckId, findings: Finding[]): CheckReport {
  if (findings.length > 0) return { outcome: 'finding', findings };
  if (id === 'insecure-origin-trusted' && analysis.names.scheme !== 'https') {
    return {
      outcome: 'not-applicable',
      reason: 'the target is served over http: there is no https resource for an http origin to undermine',
      findings: [],
    };
  }
  for (const channel of [analysis.simple, analysis.preflight]) {
    // Reflection of every origin covers every class but `null` (a different vector), probed or not.
    if (id !== 'origin-reflected' && id !== 'null-origin-trusted' && channel?.hits.has('origin-reflected') === true) {
      return { outcome: 'not-applicable', reason: 'covered by the origin-reflected finding', findings: [] };
    }
    const by = channel?.covered.get(id);
    if (by !== undefined) return { outcome: 'not-applicable', reason: `covered by the ${by} finding`, findings: [] };
  }
  const gaps = new Gaps();
  if (nameClasses.includes(id) && analysis.sources.length === 0 && analysis.simple.trusted.length === 0) {
    gaps.add('look-alike origins', noDomainReason);
    return { outcome: 'inconclusive', reason: noDomainReason, findings: [] };
  }
  for (const channel of [analysis.simple, analysis.preflight]) {
    if (channel === undefined) continue;
    for (const origin of channel.deciding.get(id) ?? []) {
      const why = channel.unanswered.get(origin);
      if (why !== undefined) gaps.add(probeLabel(channel.channel, origin), why);
    }
  }
  if (analysis.preflight === undefined) {
    // Whether CORS is answered differently on preflights is unknown when a reference preflight went unanswered.
    for (const [origin, why] of analysis.preflightGaps) gaps.add(probeLabel('preflight', origin), why);
  }
  return decide([], gaps);
}
