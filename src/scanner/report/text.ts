import type { Finding, Severity } from '../types.js';
import { noPaint, type Paint, type Style } from './paint.js';
import type { ReportedTarget, Reporter } from './reporter.js';
import { corsHeaders, describeConfirmation, describeUndecided, targetLabel } from './reporter.js';
import { describeCounts, describeJudgement, describeSiteGroup, describeSkipped, describeTargets } from './summary.js';
import { count, escapeControl, escapeLine, renderInlineCode } from './terminal.js';

const severityStyle: Record<Severity, Style> = {
  critical: 'magenta',
  high: 'red',
  medium: 'yellow',
  low: 'blue',
  info: 'dim',
};

/** Escapes control characters a hostile server could use to rewrite the terminal (escape sequences, CR). */
const clean = escapeControl;

/** Finding prose: control characters escaped, `inline code` shown as code (cyan on a terminal), no backticks. */
function prose(text: string, paint: Paint): string {
  return renderInlineCode(clean(text), (code) => paint('cyan', code));
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? line : `${prefix}${line}`))
    .join('\n');
}

function requestLine(finding: Finding): string {
  const { request } = finding.evidence;
  const extra = request.headers.filter(([name]) => /^(origin|access-control-request-)/i.test(name));
  return `${request.method} ${request.url}${extra.map(([name, value]) => `  ${name}: ${value}`).join('')}`;
}

function responseLine(finding: Finding): string {
  const { response } = finding.evidence;
  const headers = corsHeaders(response.headers).filter(([name]) => !/^set-cookie$/i.test(name));
  return `${response.status}${headers.map(([name, value]) => `  ${name}: ${value}`).join('')}`;
}

/**
 * One line for a finding shown in full elsewhere or set aside: an accepted (suppressed) risk, a finding already in
 * the baseline, or a rule repeated on another endpoint of the origin (the site view lists them in the summary).
 * Undefined for a finding shown in full.
 */
function compactFinding(finding: Finding, paint: Paint): string | undefined {
  const label = (text: string, style: Style) => paint('bold', paint(style, text.padEnd(9)));
  const id = paint('dim', finding.fingerprint ?? '');
  if (finding.suppressed !== undefined) {
    return `  ${label('SUPPRESSED', 'dim')} ${paint('bold', finding.check)} (${finding.severity})  ${prose(finding.suppressed.reason, paint)} ${paint('dim', `(${clean(finding.suppressed.entry)})`)} ${id}`;
  }
  if (finding.baseline === true) {
    return `  ${label('BASELINE', 'dim')} ${paint('bold', finding.check)} (${finding.severity})  the server ${prose(finding.rule, paint)} ${id}`;
  }
  if (finding.siteWide !== undefined) {
    const severity = label(finding.severity.toUpperCase(), severityStyle[finding.severity]);
    return `  ${severity} ${paint('bold', finding.check)}  site-wide: the same rule as ${clean(finding.siteWide.first)} ${paint('dim', '(see the site view in the summary)')} ${id}`;
  }
  return undefined;
}

function renderFinding(finding: Finding, paint: Paint): string {
  const compact = compactFinding(finding, paint);
  if (compact !== undefined) return compact;
  const pad = '            ';
  const label = paint('bold', paint(severityStyle[finding.severity], finding.severity.toUpperCase().padEnd(9)));
  const declared = finding.declared === true ? ` ${paint('green', '[declared]')}` : '';
  const lines = [
    `  ${label} ${paint('bold', finding.check)}  ${prose(finding.title, paint)}${declared}`,
    `${pad}${indent(prose(finding.detail, paint), pad)}`,
    `${pad}${paint('dim', 'attacker:')} ${clean(finding.attackerOrigin)} ${paint('dim', `(${finding.via === 'preflight' ? 'through a preflight' : 'simple request'})`)}`,
    `${pad}${paint('dim', 'rule:')}     ${prose(finding.rule, paint)}`,
    `${pad}${paint('dim', 'request:')}  ${escapeLine(requestLine(finding))}`,
    `${pad}${paint('dim', 'response:')} ${escapeLine(responseLine(finding))}`,
  ];
  if (finding.policy !== undefined) {
    const how =
      finding.policy.verdict === 'declared'
        ? 'declared by'
        : finding.policy.verdict === 'drift'
          ? 'drift from'
          : 'refused:';
    lines.push(
      `${pad}${paint('dim', 'policy:')}   ${how} ${clean(finding.policy.entry)}: ${indent(prose(finding.policy.advice, paint), `${pad}          `)}`,
    );
  }
  if (finding.remediation !== undefined) {
    lines.push(`${pad}${paint('dim', 'fix:')}      ${indent(prose(finding.remediation, paint), `${pad}          `)}`);
  }
  if (finding.fingerprint !== undefined) lines.push(`${pad}${paint('dim', 'id:')}       ${finding.fingerprint}`);
  if (finding.confirmation !== undefined) {
    const style = finding.confirmation.confirmed ? 'red' : 'green';
    lines.push(
      `${pad}${paint('dim', 'browser:')}  ${paint(style, indent(clean(describeConfirmation(finding.confirmation)), `${pad}          `))}`,
    );
  }
  return lines.join('\n');
}

/** Renders one target result as human-readable text (used by the text report and `corsight demo`). */
export function renderTarget(result: ReportedTarget, paint: Paint = noPaint): string {
  const lines: string[] = [];
  const requests = paint('dim', `(${count(result.requests, 'request')})`);
  if (result.status === 'error') {
    lines.push(
      `${paint('magenta', '!')} ${paint('bold', clean(targetLabel(result)))}  ${paint('magenta', `error: ${clean(result.error ?? 'unknown error')}`)}`,
    );
  } else {
    const counts: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
    for (const finding of result.findings) counts[finding.severity]++;
    const text = describeCounts({ findings: result.findings.length, bySeverity: counts });
    // A partial target is never shown as clean: ⚠ whatever it found, with why checks are undecided.
    const mark =
      result.status === 'partial'
        ? paint('yellow', '⚠')
        : result.findings.length === 0
          ? paint('green', '✓')
          : paint(severityStyle[result.findings[0]?.severity ?? 'info'], '✗');
    const found = result.status === 'partial' && result.findings.length === 0 ? 'no findings so far' : text;
    lines.push(`${mark} ${paint('bold', clean(targetLabel(result)))}  ${found}  ${requests}`);
    const undecided = describeUndecided(result);
    if (undecided !== undefined) lines.push(`  ${paint('yellow', prose(undecided, paint))}`);
  }
  // What the target did to the scan itself (a WAF dropping Origin, a rate limiter): the user should know.
  if (result.interference?.originFiltered !== undefined) {
    lines.push(`  ${paint('dim', 'origin filtered:')} ${prose(result.interference.originFiltered, paint)}`);
  }
  if (result.interference?.rateLimited !== undefined) {
    lines.push(`  ${paint('dim', 'rate limited:')} ${prose(result.interference.rateLimited.detail, paint)}`);
  }
  if (result.finalUrl !== undefined) {
    lines.push(`  ${paint('dim', 'scanned after redirects:')} ${clean(result.finalUrl)}`);
  }
  if (result.redirect !== undefined) {
    lines.push(
      `  ${paint('dim', 'redirect:')} ${result.redirect.status} -> ${clean(result.redirect.location)} ${paint('dim', '(not followed; --follow-redirects follows it within the site)')}`,
    );
  }
  if (result.status === 'error' && result.findings.length > 0) {
    lines.push(`  ${paint('dim', `findings before the error: ${result.findings.length}`)}`);
  }
  for (const finding of result.findings) lines.push(renderFinding(finding, paint));
  return `${lines.join('\n')}\n`;
}

/** Options of the text report. */
export interface TextReportOptions {
  /** ANSI colours (decided by the CLI from the TTY, NO_COLOR and --no-color). */
  paint?: Paint;
}

/** `--format text` (the default): a block per target as it finishes, then a summary line. */
export function textReporter(options: TextReportOptions = {}): Reporter {
  const paint = options.paint ?? noPaint;
  return {
    begin(meta) {
      return `${paint('bold', `${meta.tool} ${meta.version}`)} ${paint('dim', `CORS scan with ${count(meta.checks.length, 'check')}, started ${meta.startedAt.toISOString()}`)}\n\n`;
    },
    target(result) {
      return renderTarget(result, paint);
    },
    end(summary) {
      const seconds = (summary.durationMs / 1000).toFixed(1);
      const targets = describeTargets(summary);
      const counts = describeCounts(summary);
      const worst = summary.highest === null ? counts : paint(severityStyle[summary.highest], counts);
      const lines = [
        `\n${paint('bold', 'Summary:')} ${targets}, ${worst}, ${count(summary.requests, 'request')} in ${seconds} s`,
      ];
      const skipped = describeSkipped(summary);
      if (skipped !== undefined) lines.push(escapeLine(skipped));
      const judged = describeJudgement(summary);
      if (judged !== '') lines.push(`  ${judged}`);
      for (const group of summary.siteWide ?? []) {
        lines.push(`  ${prose(describeSiteGroup(group), paint)}`);
        for (const endpoint of group.endpoints) lines.push(`    ${clean(endpoint)}`);
      }
      for (const gone of summary.resolved ?? []) {
        lines.push(
          `  ${paint('green', 'resolved:')} ${gone.check} on ${clean(gone.url)}: ${prose(gone.rule, paint)} ${paint('dim', gone.fingerprint)}`,
        );
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
