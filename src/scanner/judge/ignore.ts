/**
 * The ignore file (`.corsightignore`): accepted risks, one per line, each with the reason it was accepted.
 *
 *     # comment
 *     3f2a...e9 # a fingerprint (32 hex digits, as every report prints it): exactly that finding
 *     wildcard-origin https://api.example.com/public/* # a check and a URL glob: that check on those targets
 *
 * The `# reason` is required: an accepted risk nobody can explain is not accepted. Matching findings are
 * reported as suppressed (with the reason), never dropped, and do not count for --fail-on.
 */
import { JudgeInputError } from './errors.js';
import { fingerprintPattern } from './fingerprint.js';
import { globToRegExp } from './glob.js';
import type { Finding, Suppression } from '../types.js';

/** One entry of the ignore file. */
export type IgnoreEntry =
  | { kind: 'fingerprint'; fingerprint: string; reason: string; where: string }
  | { kind: 'check'; check: string; glob: string; pattern: RegExp; reason: string; where: string };

/** The parsed ignore file, and which entries matched something in this run. */
export interface IgnoreList {
  readonly entries: readonly IgnoreEntry[];
  /** The suppression of a finding of `url`, or undefined when no entry accepts it. */
  match(url: string, finding: Pick<Finding, 'check' | 'fingerprint'>): Suppression | undefined;
  /** Entries that matched no finding so far (stale acceptances worth removing). */
  unused(): IgnoreEntry[];
}

/** Most ignore files hold a few lines; past this, the file is not one. */
const maxEntries = 10_000;

/**
 * Parses ignore-file text. `name` names the file in errors and in `Suppression.entry`; `knownChecks` are the
 * check ids an entry may name. Throws `JudgeInputError` naming the line of the first problem.
 */
export function parseIgnoreFile(text: string, name: string, knownChecks: readonly string[]): IgnoreList {
  const entries: IgnoreEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const where = `${name}:${index + 1}`;
    const hash = raw.indexOf('#');
    const body = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    const reason = hash === -1 ? '' : raw.slice(hash + 1).trim();
    if (body === '') continue;
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(raw)) {
      throw new JudgeInputError(`${where}: control characters; an ignore file is plain text`);
    }
    if (reason === '') {
      throw new JudgeInputError(
        `${where}: no reason: write why the risk is accepted after a '#' (e.g. '${body} # public data, reviewed 2026-01')`,
      );
    }
    const words = body.split(/\s+/);
    if (words.length === 1) {
      const fingerprint = words[0]?.toLowerCase() ?? '';
      if (!fingerprintPattern.test(fingerprint)) {
        throw new JudgeInputError(
          `${where}: '${body}' is neither a fingerprint (32 hex digits, as reports print them) nor 'CHECK URL-GLOB'`,
        );
      }
      entries.push({ kind: 'fingerprint', fingerprint, reason, where });
    } else if (words.length === 2) {
      const [check = '', glob = ''] = words;
      if (!knownChecks.includes(check)) {
        throw new JudgeInputError(`${where}: unknown check '${check}' (known: ${knownChecks.join(', ')})`);
      }
      entries.push({ kind: 'check', check, glob, pattern: globToRegExp(glob), reason, where });
    } else {
      throw new JudgeInputError(
        `${where}: expected a fingerprint or 'CHECK URL-GLOB' before the '#', not ${words.length} words`,
      );
    }
    if (entries.length > maxEntries) throw new JudgeInputError(`${name}: more than ${maxEntries} entries`);
  }
  const used = new Set<IgnoreEntry>();
  return {
    entries,
    match(url, finding) {
      const entry = entries.find((e) =>
        e.kind === 'fingerprint'
          ? e.fingerprint === finding.fingerprint
          : e.check === finding.check && e.pattern.test(url),
      );
      if (entry === undefined) return undefined;
      used.add(entry);
      return { reason: entry.reason, entry: entry.where };
    },
    unused: () => entries.filter((entry) => !used.has(entry)),
  };
}
