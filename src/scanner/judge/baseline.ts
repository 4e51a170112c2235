/**
 * `--baseline FILE`: an earlier JSON report (`corsight scan --format json`). Its findings are known; this run
 * marks the same ones `baseline: true` (they do not count for --fail-on) and lists those that are gone as
 * resolved. Findings are matched by fingerprint (target + check + rule, see fingerprint.ts), recomputed from each
 * finding's fields so that nothing in the file but what identifies a finding is trusted.
 */
import { JudgeInputError } from './errors.js';
import { fingerprintOf, fingerprintScheme, targetIdentity } from './fingerprint.js';

/** A finding of the baseline. */
export interface BaselineFinding {
  fingerprint: string;
  /** The target's identity: its URL, preceded by its method when it had its own request (`DELETE https://...`). */
  url: string;
  check: string;
  rule: string;
  severity: string;
  title: string;
}

/** The findings of a baseline report, by fingerprint. */
export interface Baseline {
  /** Where it came from (the file name), for messages. */
  readonly source: string;
  readonly findings: ReadonlyMap<string, BaselineFinding>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses the text of a baseline report. Throws `JudgeInputError` for anything but a corsight JSON report written
 * under this fingerprint scheme: another tool's report, another corsight version's scheme, a JSONL or SARIF
 * report, or malformed JSON.
 */
export function parseBaseline(text: string, source: string): Baseline {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const jsonl = text.trimStart().startsWith('{') && text.trim().includes('\n{');
    throw new JudgeInputError(
      jsonl
        ? `--baseline ${source}: a JSON Lines report; the baseline is a JSON report (corsight scan --format json)`
        : `--baseline ${source}: not JSON (${(error as Error).message.split('\n')[0]}); the baseline is a JSON report (corsight scan --format json)`,
    );
  }
  if (!isRecord(document)) {
    throw new JudgeInputError(`--baseline ${source}: not a corsight JSON report (the document is not an object)`);
  }
  if (document.tool !== 'corsight') {
    const what =
      document.$schema !== undefined || document.runs !== undefined ? 'a SARIF log' : 'not a corsight report';
    throw new JudgeInputError(
      `--baseline ${source}: ${typeof document.tool === 'string' ? `a report by '${document.tool}'` : what}; the baseline is a corsight JSON report (corsight scan --format json)`,
    );
  }
  if (document.fingerprints !== fingerprintScheme) {
    const version = typeof document.version === 'string' ? document.version : 'an unknown version';
    throw new JudgeInputError(
      typeof document.fingerprints === 'string'
        ? `--baseline ${source}: its fingerprints follow '${document.fingerprints}', this corsight uses '${fingerprintScheme}'; re-create the baseline with this version`
        : `--baseline ${source}: written by corsight ${version}, which did not fingerprint findings; re-create the baseline with this version`,
    );
  }
  if (!Array.isArray(document.targets)) {
    throw new JudgeInputError(`--baseline ${source}: no "targets" array (a report cut short?)`);
  }
  const findings = new Map<string, BaselineFinding>();
  for (const [t, target] of document.targets.entries()) {
    if (!isRecord(target) || typeof target.url !== 'string' || !Array.isArray(target.findings)) {
      throw new JudgeInputError(`--baseline ${source}: targets[${t}] is not a target (url and findings)`);
    }
    for (const [f, finding] of target.findings.entries()) {
      if (!isRecord(finding) || typeof finding.check !== 'string' || typeof finding.rule !== 'string') {
        throw new JudgeInputError(`--baseline ${source}: targets[${t}].findings[${f}] has no check or rule`);
      }
      const identity = targetIdentity({
        url: target.url,
        method: typeof target.method === 'string' ? target.method : undefined,
      });
      const fingerprint = fingerprintOf(identity, finding.check, finding.rule);
      findings.set(fingerprint, {
        fingerprint,
        url: identity,
        check: finding.check,
        rule: finding.rule,
        severity: typeof finding.severity === 'string' ? finding.severity : 'info',
        title: typeof finding.title === 'string' ? finding.title : finding.check,
      });
    }
  }
  return { source, findings };
}
