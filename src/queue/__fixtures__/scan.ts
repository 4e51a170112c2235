/** The queue's tests compare JSONL reports of `corsight scan` run in-process (local, then through the queue). */
export { captureScan, type Captured } from '../../cli/__fixtures__/capture-scan.js';

/** A target record of a JSONL report, with what a comparison needs. */
export interface TargetLine {
  url: string;
  status: string;
  error?: string;
  findings: { check: string; severity: string; attackerOrigin: string }[];
  checks: { id: string; outcome: string }[];
}

/** The target records of a JSONL report (its last line is the summary). */
export function targetLines(text: string): TargetLine[] {
  const lines = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  if (!('summary' in (lines.at(-1) ?? {}))) throw new Error(`no summary line at the end of:\n${text.slice(-500)}`);
  return lines.slice(0, -1) as unknown as TargetLine[];
}

/**
 * What two scans of the same targets must agree on: per target (in report order), its status, and each
 * check's decision and findings (check, severity, attacker origin). Timings and response dates may differ.
 */
export function findingsOf(text: string): unknown[] {
  return targetLines(text).map((t) => ({
    url: t.url,
    status: t.status,
    error: t.error,
    checks: t.checks.map((c) => `${c.id}:${c.outcome}`),
    findings: t.findings.map((f) => `${f.check}:${f.severity}:${f.attackerOrigin}`),
  }));
}
