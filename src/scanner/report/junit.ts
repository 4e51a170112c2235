/**
 * `--format junit`: JUnit XML for the CI systems that read it (GitLab, Jenkins, Azure Pipelines). The shape is the
 * one they all accept (the Jenkins/Ant `junit-10.xsd` family): `<testsuites>`, one `<testsuite>` per target, one
 * `<testcase>` per target x check, named by the check id with the target URL as its class name.
 *
 * - A finding that fails the run (it reaches --fail-on and is neither in the baseline nor suppressed) is a
 *   `<failure>` carrying the finding: severity and title as the message, the check as the type, and the detail,
 *   rule, attacker origin, policy judgement, fix and fingerprint as the text.
 * - A finding below the threshold, in the baseline, or suppressed passes, with the finding in `<system-out>`:
 *   reported, never dropped.
 * - A check left undecided (or a target that could not be scanned) is an `<error>`: nothing was proven either way.
 * - A check that does not apply is `<skipped>`.
 *
 * Streaming: each `<testsuite>` is written whole when its target finishes; the root carries no totals (they are
 * optional in the schema) since they are known only at the end.
 */
import { severities, type CheckDecision, type Finding, type Severity } from '../types.js';
import type { ReportedTarget, Reporter, ReportMeta } from './reporter.js';
import { counts } from './summary.js';

/** Options of the JUnit report. */
export interface JunitReportOptions {
  /** The lowest severity that fails (the run's --fail-on; default high); 'none' never fails. */
  failOn?: Severity | 'none';
}

/**
 * Text for XML 1.0 content or a double-quoted attribute. Markup characters become entities; characters XML 1.0
 * cannot carry at all, even as references (C0 controls but TAB, LF and CR; U+FFFE, U+FFFF; unpaired surrogates),
 * are written visibly as `\xNN` / `\uNNNN`, so a hostile server's bytes cannot break the document. In attributes,
 * TAB, LF and CR are written as references so that attribute-value normalization keeps them.
 * https://www.w3.org/TR/xml/#charsets
 */
export function escapeXml(text: string, attribute = false): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    const code = c.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += c + (text[i + 1] ?? '');
        i++;
        continue;
      }
      out += `\\u${code.toString(16)}`;
      continue;
    }
    if ((code >= 0xdc00 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) {
      out += `\\u${code.toString(16)}`;
    } else if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) {
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    } else if (c === '&') out += '&amp;';
    else if (c === '<') out += '&lt;';
    else if (c === '>') out += '&gt;';
    else if (attribute && c === '"') out += '&quot;';
    else if (attribute && code < 0x20) out += `&#${code};`;
    // CR in content would be normalized to LF by parsers: keep it as a reference.
    else if (code === 0x0d) out += '&#13;';
    else out += c;
  }
  return out;
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value), true)}"`)
    .join('');
}

function reaches(severity: Severity, failOn: Severity | 'none'): boolean {
  return failOn !== 'none' && severities.indexOf(severity) >= severities.indexOf(failOn);
}

/** The finding as plain text: what a CI page shows under the failed test. */
function findingText(url: string, finding: Finding): string {
  const lines = [
    `${finding.severity.toUpperCase()} ${finding.check}: ${finding.title}`,
    `target: ${url}`,
    finding.detail,
    `attacker origin: ${finding.attackerOrigin} (${finding.via === 'preflight' ? 'through a preflight' : 'simple request'})`,
    `rule: the server ${finding.rule}`,
  ];
  if (finding.policy !== undefined) {
    lines.push(`policy: ${finding.policy.verdict} (${finding.policy.entry}): ${finding.policy.advice}`);
  }
  if (finding.baseline === true) lines.push('baseline: already in the baseline report');
  if (finding.suppressed !== undefined) {
    lines.push(`suppressed: ${finding.suppressed.reason} (${finding.suppressed.entry})`);
  }
  if (finding.siteWide !== undefined) lines.push(`site-wide: the same rule as ${finding.siteWide.first}`);
  if (finding.remediation !== undefined) lines.push(`fix: ${finding.remediation}`);
  if (finding.fingerprint !== undefined) lines.push(`fingerprint: ${finding.fingerprint}`);
  return lines.join('\n');
}

function testcase(url: string, decision: CheckDecision, findings: Finding[], failOn: Severity | 'none'): string {
  const head = `    <testcase${attrs({ classname: url, name: decision.id, time: 0 })}`;
  if (decision.outcome === 'not-applicable') {
    return `${head}>\n      <skipped${attrs({ message: `not applicable: ${decision.reason ?? ''}` })}/>\n    </testcase>\n`;
  }
  if (decision.outcome === 'inconclusive') {
    return `${head}>\n      <error${attrs({ message: `undecided: ${decision.reason ?? 'no reason recorded'}`, type: 'inconclusive' })}/>\n    </testcase>\n`;
  }
  if (findings.length === 0) return `${head}/>\n`;
  const failing = findings.filter((f) => counts(f) && reaches(f.severity, failOn));
  const text = findings.map((f) => findingText(url, f)).join('\n\n');
  if (failing.length === 0) return `${head}>\n      <system-out>${escapeXml(text)}</system-out>\n    </testcase>\n`;
  const worst = failing.reduce((a, b) => (severities.indexOf(b.severity) > severities.indexOf(a.severity) ? b : a));
  return `${head}>\n      <failure${attrs({ message: `${worst.severity}: ${worst.title}`, type: worst.check })}>${escapeXml(text)}</failure>\n    </testcase>\n`;
}

/** Creates the JUnit reporter. */
export function junitReporter(options: JunitReportOptions = {}): Reporter {
  const failOn = options.failOn ?? 'high';
  let meta: ReportMeta | undefined;
  return {
    begin(m) {
      meta = m;
      return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name: `${m.tool} ${m.version} CORS scan` })}>\n`;
    },
    target(result: ReportedTarget) {
      const url = result.url;
      // A target that failed before any check ran still gets one test case per check: each an error.
      const decisions: CheckDecision[] =
        result.checks.length > 0
          ? result.checks
          : (meta?.checks ?? []).map((check) => ({
              id: check.id,
              outcome: 'inconclusive',
              reason: `target not scanned: ${result.error ?? 'unknown error'}`,
            }));
      const cases = decisions.map((decision) =>
        testcase(
          url,
          decision,
          result.findings.filter((f) => f.check === decision.id),
          failOn,
        ),
      );
      const failures = cases.filter((c) => c.includes('<failure')).length;
      const errors = cases.filter((c) => c.includes('<error')).length;
      const skipped = cases.filter((c) => c.includes('<skipped')).length;
      const suite = attrs({ name: url, tests: cases.length, failures, errors, skipped, time: 0 });
      return `  <testsuite${suite}>\n${cases.join('')}  </testsuite>\n`;
    },
    end() {
      return '</testsuites>\n';
    },
  };
}
