/**
 * The judge: what a scan's findings mean for this team, applied after the scan and before the reports (data
 * still flows one way: results in, new results out, the scan's own results untouched). In order, per finding:
 *
 * 1. its fingerprint (target + check + rule);
 * 2. `--policy`: declared trust is lowered to info with the validator's advice, drift keeps its severity and
 *    names the policy entry it breaks (policy.ts);
 * 3. `--baseline`: a finding the baseline already had is marked `baseline`;
 * 4. the ignore file: an accepted risk is marked `suppressed` with its reason;
 * 5. the site view: a rule already shown in full for another endpoint of the same origin is marked as a repeat
 *    (findings set aside by 3 or 4 are neither repeats nor shown in full).
 *
 * Baseline and suppressed findings do not count for --fail-on (see `counts` in report/summary.ts); none is dropped.
 */
import type { ScanTargetResult } from '../scanner.js';
import type { CheckDecision, Finding } from '../types.js';
import type { Baseline, BaselineFinding } from './baseline.js';
import { findingFingerprint, stableRule, targetIdentity } from './fingerprint.js';
import type { IgnoreEntry, IgnoreList } from './ignore.js';
import type { DeclaredPolicy } from './policy.js';

/** What the judge applies; every part is optional (fingerprints and the site view are always on). */
export interface JudgeOptions {
  policy?: DeclaredPolicy | undefined;
  baseline?: Baseline | undefined;
  ignore?: IgnoreList | undefined;
}

/** A finding of the baseline that this run did not find again, on a target it scanned with that check decided. */
export type ResolvedFinding = Pick<BaselineFinding, 'fingerprint' | 'url' | 'check' | 'rule' | 'title'>;

/** The judge of one run: feed it each result in report order, then ask what the baseline lost. */
export interface Judge {
  /** The result with its findings judged (a new object; the input is not modified). */
  target<T extends ScanTargetResult>(result: T): T;
  /**
   * Findings of the baseline gone from this run: their target was scanned and their check decided (clear, not
   * applicable, or a finding with another rule). Those whose target was not scanned, failed, or left the check
   * undecided are counted in `unverified` instead: nothing was observed about them.
   */
  resolved(): { resolved: ResolvedFinding[]; unverified: number };
  /** Ignore-file entries that matched nothing in this run. */
  unusedIgnoreEntries(): IgnoreEntry[];
}

function originOf(target: string): string {
  // The identity may start with a method: the URL is its last word.
  const url = target.slice(target.lastIndexOf(' ') + 1);
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Creates the judge of a run. */
export function createJudge(options: JudgeOptions = {}): Judge {
  const seen = new Set<string>();
  /** First endpoint per origin + check + rule, for the site view. */
  const firstEndpoint = new Map<string, string>();
  /** The decisions of targets the baseline has findings for, by URL. */
  const decided = new Map<string, ReadonlyMap<string, CheckDecision['outcome']>>();
  const baselineUrls = new Set([...(options.baseline?.findings.values() ?? [])].map((f) => f.url));

  /** `target` is the target's identity (see `targetIdentity`). */
  function judgeFinding(url: string, raw: Finding): Finding {
    let finding: Finding = { ...raw, fingerprint: findingFingerprint(url, raw) };
    if (options.policy !== undefined) finding = options.policy.judge(url, finding);
    const fingerprint = finding.fingerprint ?? '';
    // Only the baseline's fingerprints are remembered (to tell what it lost): memory stays flat on a long scan.
    if (options.baseline?.findings.has(fingerprint) === true) {
      seen.add(fingerprint);
      finding.baseline = true;
    }
    const suppression = options.ignore?.match(url, finding);
    if (suppression !== undefined) finding.suppressed = suppression;
    // The site view groups findings shown in full: a suppressed or baseline finding is already set aside (and is
    // never the one a repeat points at, which would then point at a one-line mention).
    if (finding.suppressed !== undefined || finding.baseline === true) return finding;
    const origin = originOf(url);
    const key = `${origin}\n${finding.check}\n${stableRule(finding.rule)}`;
    const first = firstEndpoint.get(key);
    if (first === undefined) firstEndpoint.set(key, url);
    else if (first !== url) finding.siteWide = { origin, first };
    return finding;
  }

  return {
    target(result) {
      const target = targetIdentity(result);
      if (baselineUrls.has(target)) {
        decided.set(target, new Map(result.checks.map((check) => [check.id, check.outcome])));
      }
      return { ...result, findings: result.findings.map((finding) => judgeFinding(target, finding)) };
    },
    resolved() {
      const resolved: ResolvedFinding[] = [];
      let unverified = 0;
      for (const finding of options.baseline?.findings.values() ?? []) {
        if (seen.has(finding.fingerprint)) continue;
        const outcome = decided.get(finding.url)?.get(finding.check);
        if (outcome === 'clear' || outcome === 'not-applicable' || outcome === 'finding') {
          const { fingerprint, url, check, rule, title } = finding;
          resolved.push({ fingerprint, url, check, rule, title });
        } else {
          unverified++;
        }
      }
      // Deterministic whatever the order the baseline listed them in.
      resolved.sort(
        (a, b) => a.url.localeCompare(b.url) || a.check.localeCompare(b.check) || a.rule.localeCompare(b.rule),
      );
      return { resolved, unverified };
    },
    unusedIgnoreEntries: () => options.ignore?.unused() ?? [],
  };
}
