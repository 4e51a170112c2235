import { createHash } from 'node:crypto';
import { severities, type Check, type Finding, type Severity } from '../types.js';
import { fingerprintScheme } from '../judge/fingerprint.js';
import { describeUndecided, type ReportedTarget, type ReportMeta, type Reporter } from './reporter.js';
import { count } from './terminal.js';

/**
 * `--format sarif`: SARIF 2.1.0 (OASIS), one run, one rule per check id, one result per finding, for GitHub
 * code scanning and other SARIF consumers. Targets that failed or stayed partial become
 * `invocations[].toolExecutionNotifications` (error and warning).
 *
 * Locations: GitHub code scanning refuses a result whose `artifactLocation.uri` has an http(s) scheme (it takes
 * only files of the repository: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
 * A scanned URL is not a file, so each location points at a repository file (`artifact`, e.g. the target list)
 * and names the URL as a logical location; the message starts with the URL too.
 *
 * Streaming: `results` are written as targets finish and `tool` (whose rules carry the highest
 * `security-severity` seen per check) after them; SARIF readers do not depend on property order.
 */

/** SARIF `level` per severity: what fails a code-scanning gate is an error. */
export const sarifLevel: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * GitHub's `security-severity` (a CVSS-like score: 9.0+ critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low).
 * Info findings carry none: they are hygiene, not vulnerabilities.
 */
export const securitySeverity: Record<Severity, string | undefined> = {
  critical: '9.3',
  high: '8.1',
  medium: '5.3',
  low: '3.1',
  info: undefined,
};

const schemaUri = 'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json';

function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_m, _dash: string, letter: string) => letter.toUpperCase());
}

/** A stable identity for a finding across runs: the same check, target, path of the probe and inferred rule. */
export function fingerprint(url: string, finding: Finding): string {
  return createHash('sha256')
    .update(`${finding.check}\n${url}\n${finding.via}\n${finding.rule}`)
    .digest('hex')
    .slice(0, 32);
}

/** SARIF `message.text` is plain text: inline code loses its backticks (the code itself stays). */
function plain(text: string): string {
  return text.replace(/`([^`\n]+)`/g, '$1');
}

function message(url: string, finding: Finding): string {
  const via = finding.via === 'preflight' ? 'through a preflight' : 'with a simple request';
  const title = finding.title.replace(/[.\s]+$/, '');
  return plain(
    `${url}: ${title}. ${finding.detail} Attacker origin: ${finding.attackerOrigin} (${via}). Server rule: ${finding.rule}.`,
  );
}

/** The default artifact when the caller names none (the CLI passes the --input file or the SARIF file). */
export const defaultSarifArtifact = 'corsight.sarif';

/**
 * A repository-relative path as a SARIF URI reference: forward slashes, each segment percent-encoded. Throws for
 * something that is not a relative file path (a URL, an absolute path), which code scanning could not place.
 */
export function artifactUri(file: string): string {
  const posix = file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(posix) || posix.startsWith('/') || posix === '' || posix.split('/').includes('..')) {
    throw new TypeError(`SARIF artifact '${file}' is not a path relative to the repository root`);
  }
  return posix
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function location(url: string, artifact: string): Record<string, unknown> {
  return {
    physicalLocation: { artifactLocation: { uri: artifact, uriBaseId: '%SRCROOT%' } },
    logicalLocations: [{ name: url, fullyQualifiedName: url, kind: 'resource' }],
  };
}

function rule(check: Check, worst: Severity | undefined): Record<string, unknown> {
  const properties: Record<string, unknown> = { tags: ['security', 'cors', 'external/cwe/cwe-942'], precision: 'high' };
  const score = worst === undefined ? undefined : securitySeverity[worst];
  if (score !== undefined) properties['security-severity'] = score;
  return {
    id: check.id,
    name: ruleName(check.id),
    shortDescription: { text: plain(check.title) },
    fullDescription: { text: plain(check.definition) },
    help: { text: plain(check.definition), markdown: `**${check.title}**\n\n${check.definition}` },
    defaultConfiguration: { level: sarifLevel[worst ?? 'medium'] },
    properties,
  };
}

/** Options of the SARIF report. */
export interface SarifReportOptions {
  /** Pretty-print (default true; GitHub accepts both). */
  pretty?: boolean;
  /**
   * The repository file every location points at, relative to the repository root (default
   * `defaultSarifArtifact`); `corsight scan` passes `--sarif-artifact`, else the `--input` file.
   */
  artifact?: string;
}

/** Creates the SARIF reporter. */
export function sarifReporter(options: SarifReportOptions = {}): Reporter {
  const pretty = options.pretty ?? true;
  const artifact = artifactUri(options.artifact ?? defaultSarifArtifact);
  const json = (value: unknown, indent: string) => {
    const text = JSON.stringify(value, null, pretty ? 2 : undefined);
    return pretty ? text.replace(/\n/g, `\n${indent}`) : text;
  };
  const nl = pretty ? '\n' : '';
  let meta: ReportMeta | undefined;
  let ruleIndex = new Map<string, number>();
  const worst = new Map<string, Severity>();
  const notifications: Record<string, unknown>[] = [];
  let first = true;

  return {
    begin(m) {
      meta = m;
      ruleIndex = new Map(m.checks.map((check, index) => [check.id, index]));
      return `{${nl}  "$schema": "${schemaUri}",${nl}  "version": "2.1.0",${nl}  "runs": [${nl}    {${nl}      "results": [`;
    },
    target(result: ReportedTarget) {
      // Gaps in the assessment are few (one per target at most) and belong in the invocation, after the results.
      if (result.status === 'error') {
        notifications.push({
          level: 'error',
          message: { text: plain(`${result.url}: not scanned: ${result.error ?? 'unknown error'}`) },
          locations: [location(result.url, artifact)],
          descriptor: { id: 'target-error' },
        });
      } else if (result.status === 'partial') {
        notifications.push({
          level: 'warning',
          message: { text: plain(`${result.url}: partial: ${describeUndecided(result) ?? 'some checks undecided'}`) },
          locations: [location(result.url, artifact)],
          descriptor: { id: 'target-partial' },
        });
      }
      let text = '';
      for (const finding of result.findings) {
        const previous = worst.get(finding.check);
        if (previous === undefined || severities.indexOf(finding.severity) > severities.indexOf(previous)) {
          worst.set(finding.check, finding.severity);
        }
        const properties: Record<string, unknown> = {
          target: result.url,
          severity: finding.severity,
          attackerOrigin: finding.attackerOrigin,
          via: finding.via,
          rule: plain(finding.rule),
        };
        if (finding.confirmation !== undefined) {
          properties.confirmed = finding.confirmation.confirmed;
          properties.confirmation = finding.confirmation;
        }
        // The judge's marks: the policy judgement, the baseline and the site view as properties; an accepted risk
        // as a SARIF suppression (code scanning shows it dismissed, with the reason).
        if (finding.declared !== undefined) properties.declared = finding.declared;
        if (finding.policy !== undefined) {
          properties.policy = { ...finding.policy, advice: plain(finding.policy.advice) };
        }
        if (finding.baseline !== undefined) properties.baseline = finding.baseline;
        if (finding.siteWide !== undefined) properties.siteWide = finding.siteWide;
        const score = securitySeverity[finding.severity];
        if (score !== undefined) properties['security-severity'] = score;
        const sarifResult: Record<string, unknown> = {
          ruleId: finding.check,
          level: sarifLevel[finding.severity],
          message: { text: message(result.url, finding) },
          locations: [location(result.url, artifact)],
          partialFingerprints: { 'corsightFinding/v1': fingerprint(result.url, finding) },
          properties,
        };
        if (finding.fingerprint !== undefined) sarifResult.fingerprints = { [fingerprintScheme]: finding.fingerprint };
        if (finding.suppressed !== undefined) {
          sarifResult.suppressions = [
            {
              kind: 'external',
              status: 'accepted',
              justification: `${finding.suppressed.reason} (${finding.suppressed.entry})`,
            },
          ];
        }
        // Against a baseline, each result says whether it is new since it or was there already
        // (https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/sarif-v2.1.0-os.html#_Toc34317647). What the baseline
        // had and this run no longer finds is counted in the summary, not listed as `absent` results: code scanning
        // reads no baselineState and would open an alert for each.
        if (meta?.baseline === true) sarifResult.baselineState = finding.baseline === true ? 'unchanged' : 'new';
        const index = ruleIndex.get(finding.check);
        if (index !== undefined) sarifResult.ruleIndex = index;
        text += `${first ? nl : `,${nl}`}        ${json(sarifResult, '        ')}`;
        first = false;
      }
      return text;
    },
    end(summary, finishedAt) {
      if (meta === undefined) throw new Error('sarifReporter: end() before begin()');
      // Hosts of the input left out of the scan (--scope): a note each, never silently dropped.
      for (const skipped of summary.skipped ?? []) {
        notifications.push({
          level: 'note',
          message: {
            text: plain(`${skipped.host}: skipped (${skipped.reason}), ${count(skipped.requests, 'request')}`),
          },
          descriptor: { id: 'target-skipped' },
        });
      }
      const m = meta;
      const driver = {
        name: m.tool,
        version: m.version,
        semanticVersion: m.version,
        informationUri: 'https://www.npmjs.com/package/corsight',
        rules: m.checks.map((check) => rule(check, worst.get(check.id))),
      };
      const invocation: Record<string, unknown> = {
        executionSuccessful: true,
        startTimeUtc: m.startedAt.toISOString(),
        endTimeUtc: finishedAt.toISOString(),
      };
      if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;
      return (
        `${first ? '' : `${nl}      `}],${nl}` +
        `      "tool": ${json({ driver }, '      ')},${nl}` +
        `      "invocations": ${json([invocation], '      ')}${nl}` +
        `    }${nl}  ]${nl}}${nl}`
      );
    },
  };
}
