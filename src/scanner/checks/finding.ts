/**
 * Turning a trust verdict into a `Finding`: severity from the browser model, the inferred rule, the
 * evidence exchange and a PoC page.
 */
import type { Check, CheckId, Exchange, Finding, ProbeContext, Severity } from '../types.js';
import type { TargetNames } from './origins.js';
import { buildPoc } from './poc.js';
import { baselineOf } from './probes.js';
import { assessAccessOnce, moreSevere, type Assessment } from './severity.js';
import { analyzeTrust, type TrustCheckId, type TrustHit } from './trust.js';

/** What a check declares besides its logic. */
export interface CheckInfo {
  id: CheckId;
  title: string;
  definition: string;
  /** The probes it sends, in words (for docs and listings). */
  probes: string;
  remediation: string;
}

/** A `Check` that also lists its probes. */
export interface DescribedCheck extends Check {
  /** The probes the check sends, in words. */
  readonly probes: string;
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

/** Grades a trust hit with the browser model. */
export async function assessHit(
  ctx: ProbeContext,
  names: TargetNames,
  hit: TrustHit,
  simpleExchange: Exchange | undefined,
): Promise<Assessment> {
  const baseline = await baselineOf(ctx);
  return assessAccessOnce({
    names,
    origin: hit.verdict.origin,
    kind: hit.kind,
    via: hit.verdict.channel,
    simple: simpleExchange,
    preflight: hit.verdict.channel === 'preflight' ? hit.verdict.exchange : undefined,
    baseline,
    method: ctx.method,
    hasCredentials: ctx.hasCredentials,
  });
}

/**
 * A check decided by the trust analysis: it reports its class once per target, through the channel
 * (simple or preflight) where a browser lets the attacker do the most.
 */
export function trustCheck(info: CheckInfo & { id: TrustCheckId }): DescribedCheck {
  return {
    id: info.id,
    title: info.title,
    definition: info.definition,
    probes: info.probes,
    async run(ctx) {
      const analysis = await analyzeTrust(ctx);
      const names = analysis.names;
      const hits = [analysis.simple.hits.get(info.id), analysis.preflight?.hits.get(info.id)].filter(
        (h): h is TrustHit => h !== undefined,
      );
      let best: Finding | undefined;
      for (const hit of hits) {
        const simpleExchange = analysis.simple.verdicts.get(hit.verdict.origin)?.exchange;
        const assessment = await assessHit(ctx, names, hit, simpleExchange);
        const finding = makeFinding({
          info,
          names,
          origin: hit.verdict.origin,
          via: hit.verdict.channel,
          rule: hit.rule,
          evidence: hit.verdict.exchange,
          assessment,
          lead: `${hit.verdict.channel === 'preflight' ? 'On CORS preflights (its simple requests say otherwise), the server' : 'The server'} ${hit.rule}.`,
          ...(hit.note !== undefined ? { note: hit.note } : {}),
        });
        if (best === undefined || moreSevere(finding.severity, best.severity)) best = finding;
      }
      return best === undefined ? [] : [best];
    },
  };
}
