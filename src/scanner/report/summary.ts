import type { SkippedHost } from '../inputs/scope.js';
import { severities, type Severity } from '../types.js';
import type { ReportedTarget } from './reporter.js';
import { count } from './terminal.js';

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
  /** The most severe finding of the run, or null when there is none. */
  highest: Severity | null;
  durationMs: number;
  /** Hosts of the input left out of the scan (a HAR's hosts outside --scope), with their request counts. */
  skipped?: SkippedHost[];
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
  };
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

/** "3 findings (1 high, 2 info)" / "no findings". */
export function describeCounts(summary: Pick<Summary, 'findings' | 'bySeverity'>): string {
  if (summary.findings === 0) return 'no findings';
  const parts = [...severities]
    .reverse()
    .filter((severity) => summary.bySeverity[severity] > 0)
    .map((severity) => `${summary.bySeverity[severity]} ${severity}`);
  return `${count(summary.findings, 'finding')} (${parts.join(', ')})`;
}
