import type { SkippedHost } from '../inputs/scope.js';
import type { ResolvedFinding } from '../judge/judge.js';
import { severities, type Finding, type Severity } from '../types.js';
import { targetLabel, type ReportedTarget } from './reporter.js';
import { count } from './terminal.js';

/**
 * One rule found on many endpoints of one origin (the site view): reports show it once, with the endpoints,
 * instead of one copy per endpoint; the JSON keeps every finding on its target too.
 */
export interface SiteGroup {
  /** The serialized origin the endpoints share. */
  origin: string;
  check: string;
  title: string;
  /** The rule the server applies, as the first endpoint's finding states it. */
  rule: string;
  /** The most severe grade among the endpoints. */
  severity: Severity;
  /** The endpoints, in report order (the first is where the full finding is shown). */
  endpoints: string[];
}

/** Whether a finding counts for --fail-on: not already in the baseline, not an accepted (suppressed) risk. */
export function counts(finding: Pick<Finding, 'baseline' | 'suppressed'>): boolean {
  return finding.baseline !== true && finding.suppressed === undefined;
}

/** Totals of a run, built up one result at a time (so a streamed run never holds its results). */
export interface Summary {
  targets: number;
  /** Targets where every check was decided. */
  ok: number;
  /** Targets where some checks are undecided (their findings still count). */
  partial: number;
  /** Targets that could not be scanned at all. */
  errors: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  /** Findings per check id, only ids that have some. */
  byCheck: Record<string, number>;
  /** Requests sent, retries included. */
  requests: number;
  /**
   * The most severe finding of the run that counts for --fail-on (baseline and suppressed findings do not), or
   * null when there is none.
   */
  highest: Severity | null;
  durationMs: number;
  /** Hosts of the input left out of the scan (a HAR's hosts outside --scope), with their request counts. */
  skipped?: SkippedHost[];
  // The judge's totals (src/scanner/judge): absent from summaries made before it existed, so read them with `?? 0`.
  /** Findings the declared policy allows (`--policy`), reported at info. */
  declared?: number;
  /** Findings already in the baseline (`--baseline`). */
  baseline?: number;
  /** Findings an ignore-file entry accepts. */
  suppressed?: number;
  /** Rules found on two or more endpoints of one origin. */
  siteWide?: SiteGroup[];
  /** `--baseline`: its findings gone from this run (target scanned, check decided). */
  resolved?: ResolvedFinding[];
  /** `--baseline`: its findings this run could not recheck (target not scanned, failed, or check undecided). */
  unverified?: number;
}

/** An empty summary. */
export function emptySummary(): Summary {
  return {
    targets: 0,
    ok: 0,
    partial: 0,
    errors: 0,
    findings: 0,
    bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
    byCheck: {},
    requests: 0,
    highest: null,
    durationMs: 0,
    declared: 0,
    baseline: 0,
    suppressed: 0,
    siteWide: [],
  };
}

/** The site groups of each summary by key, so adding a finding to its group is one lookup. */
const siteIndex = new WeakMap<Summary, Map<string, SiteGroup>>();

function addToSiteView(summary: Summary, url: string, finding: Finding): void {
  if (finding.siteWide === undefined) return;
  let index = siteIndex.get(summary);
  if (index === undefined) {
    index = new Map();
    siteIndex.set(summary, index);
  }
  const key = `${finding.siteWide.origin}\n${finding.check}\n${finding.siteWide.first}`;
  let group = index.get(key);
  if (group === undefined) {
    group = {
      origin: finding.siteWide.origin,
      check: finding.check,
      title: finding.title,
      rule: finding.rule,
      severity: finding.severity,
      endpoints: [finding.siteWide.first],
    };
    index.set(key, group);
    (summary.siteWide ??= []).push(group);
  }
  if (severities.indexOf(finding.severity) > severities.indexOf(group.severity)) group.severity = finding.severity;
  if (!group.endpoints.includes(url)) group.endpoints.push(url);
}

/** Adds one target's result to `summary` (mutates and returns it). */
export function addToSummary(summary: Summary, result: ReportedTarget): Summary {
  summary.targets++;
  if (result.status === 'ok') summary.ok++;
  else if (result.status === 'partial') summary.partial++;
  else summary.errors++;
  summary.requests += result.requests;
  for (const finding of result.findings) {
    summary.findings++;
    summary.bySeverity[finding.severity]++;
    summary.byCheck[finding.check] = (summary.byCheck[finding.check] ?? 0) + 1;
    if (finding.declared === true) summary.declared = (summary.declared ?? 0) + 1;
    if (finding.baseline === true) summary.baseline = (summary.baseline ?? 0) + 1;
    if (finding.suppressed !== undefined) summary.suppressed = (summary.suppressed ?? 0) + 1;
    addToSiteView(summary, targetLabel(result), finding);
    if (!counts(finding)) continue;
    if (summary.highest === null || severities.indexOf(finding.severity) > severities.indexOf(summary.highest)) {
      summary.highest = finding.severity;
    }
  }
  return summary;
}

/**
 * "2 hosts skipped (out of scope): cdn.example.net (3 requests), fonts.example.org (1 request)", or undefined when
 * nothing was skipped. Every format prints it: a skipped host is never silently left out of an assessment.
 */
export function describeSkipped(summary: Pick<Summary, 'skipped'>): string | undefined {
  const skipped = summary.skipped ?? [];
  if (skipped.length === 0) return undefined;
  const reasons = [...new Set(skipped.map((host) => host.reason))].join(', ');
  const hosts = skipped.map((host) => `${host.host} (${count(host.requests, 'request')})`).join(', ');
  return `${count(skipped.length, 'host')} skipped (${reasons}): ${hosts}`;
}

/** Records what became of the baseline's findings (the judge's `resolved()`), once the run is over. */
export function addBaselineOutcome(
  summary: Summary,
  outcome: { resolved: ResolvedFinding[]; unverified: number },
): Summary {
  summary.resolved = outcome.resolved;
  summary.unverified = outcome.unverified;
  return summary;
}

/** Whether a run whose worst finding is `highest` fails a `--fail-on` threshold (`none` never fails). */
export function reachesThreshold(highest: Severity | null, failOn: Severity | 'none'): boolean {
  if (failOn === 'none' || highest === null) return false;
  return severities.indexOf(highest) >= severities.indexOf(failOn);
}

/** Whether the run left a gap in the assessment: a target not scanned, or scanned with checks undecided. */
export function isIncomplete(summary: Pick<Summary, 'partial' | 'errors'>): boolean {
  return summary.partial > 0 || summary.errors > 0;
}

/**
 * "4 targets (2 ok, 1 partial, 1 error)": partial only when there are some. `style: 'with errors'` words the
 * last count as the document formats always have ("0 with errors").
 */
export function describeTargets(
  summary: Pick<Summary, 'targets' | 'ok' | 'partial' | 'errors'>,
  style: 'errors' | 'with errors' = 'errors',
): string {
  const parts = [`${summary.ok} ok`];
  if (summary.partial > 0) parts.push(`${summary.partial} partial`);
  parts.push(style === 'errors' ? count(summary.errors, 'error') : `${summary.errors} with errors`);
  return `${count(summary.targets, 'target')} (${parts.join(', ')})`;
}

/**
 * What the judge made of the findings, e.g. "1 declared by the policy, 2 in the baseline, 1 suppressed; 3
 * resolved since the baseline", or '' when it made nothing of them.
 */
export function describeJudgement(summary: Summary): string {
  const parts: string[] = [];
  if ((summary.declared ?? 0) > 0) parts.push(`${summary.declared} declared by the policy`);
  if ((summary.baseline ?? 0) > 0) parts.push(`${summary.baseline} in the baseline`);
  if ((summary.suppressed ?? 0) > 0) parts.push(`${summary.suppressed} suppressed`);
  const after: string[] = [];
  if (summary.resolved !== undefined) after.push(`${summary.resolved.length} resolved since the baseline`);
  if ((summary.unverified ?? 0) > 0) after.push(`${summary.unverified} of the baseline not rechecked`);
  const text = [parts.join(', '), after.join(', ')].filter((t) => t !== '').join('; ');
  return text;
}

/** "site-wide: 38 endpoints of https://api.example.com reflect ..." for one group (plain text, no endpoints). */
export function describeSiteGroup(group: SiteGroup): string {
  return `site-wide: ${count(group.endpoints.length, 'endpoint')} of ${group.origin}: ${group.check} (${group.severity}), the server ${group.rule}`;
}

/** "3 findings (1 high, 2 info)" / "no findings". */
export function describeCounts(summary: Pick<Summary, 'findings' | 'bySeverity'>): string {
  if (summary.findings === 0) return 'no findings';
  const parts = [...severities]
    .reverse()
    .filter((severity) => summary.bySeverity[severity] > 0)
    .map((severity) => `${summary.bySeverity[severity]} ${severity}`);
  return `${count(summary.findings, 'finding')} (${parts.join(', ')})`;
}
