import { fingerprintScheme } from '../judge/fingerprint.js';
import type { ReportOptions, Reporter } from './reporter.js';
import { jsonTarget, redactionSet } from './reporter.js';

/**
 * `--format json`: one document `{ tool, version, fingerprints, startedAt, targets: [...], finishedAt, summary }`. It is
 * written incrementally (each target as it finishes), so `finishedAt` follows `targets` in the text; key
 * order carries no meaning in JSON.
 */
export function jsonReporter(options: ReportOptions = {}): Reporter {
  const redact = redactionSet(options);
  let first = true;
  return {
    begin(meta) {
      const field = (name: string, value: string) => `  ${JSON.stringify(name)}: ${JSON.stringify(value)},\n`;
      // `fingerprints` names the scheme of the findings' fingerprints, so a later --baseline can tell its own.
      return `{\n${field('tool', meta.tool)}${field('version', meta.version)}${field('fingerprints', fingerprintScheme)}${field('startedAt', meta.startedAt.toISOString())}  "targets": [`;
    },
    target(result) {
      const body = JSON.stringify(jsonTarget(result, redact), null, 2).replace(/\n/g, '\n    ');
      const text = `${first ? '\n' : ',\n'}    ${body}`;
      first = false;
      return text;
    },
    end(summary, finishedAt) {
      const summaryText = JSON.stringify(summary, null, 2).replace(/\n/g, '\n  ');
      return `${first ? '' : '\n  '}],\n  "finishedAt": ${JSON.stringify(finishedAt.toISOString())},\n  "summary": ${summaryText}\n}\n`;
    },
  };
}

/**
 * `--format jsonl`: one JSON target per line, written as each target finishes, then one summary record
 * `{"summary": {...}, "finishedAt": "..."}` as the last line, so a reader knows the run ended (and was not cut
 * short) and what it added up to. Target lines never have a `summary` key.
 */
export function jsonlReporter(options: ReportOptions = {}): Reporter {
  const redact = redactionSet(options);
  return {
    begin: () => '',
    target: (result) => `${JSON.stringify(jsonTarget(result, redact))}\n`,
    end: (summary, finishedAt) => `${JSON.stringify({ summary, finishedAt: finishedAt.toISOString() })}\n`,
  };
}
