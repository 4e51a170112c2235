import type { Paint, Style } from '../../cli/output.js';
import type { Finding, Severity, TargetResult } from '../types.js';
import type { Reporter } from './reporter.js';
import { corsHeaders, describeConfirmation } from './reporter.js';
import { describeCounts } from './summary.js';

const severityStyle: Record<Severity, Style> = {
  critical: 'magenta',
  high: 'red',
  medium: 'yellow',
  low: 'blue',
  info: 'dim',
};

const identity: Paint = (_style, text) => text;

/** Collapses control characters a hostile server could use to rewrite the terminal (escape sequences, CR). */
function clean(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
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

function renderFinding(finding: Finding, paint: Paint): string {
  const pad = '            ';
  const label = paint('bold', paint(severityStyle[finding.severity], finding.severity.toUpperCase().padEnd(9)));
  const lines = [
    `  ${label} ${paint('bold', finding.check)}  ${clean(finding.title)}`,
    `${pad}${indent(clean(finding.detail), pad)}`,
    `${pad}${paint('dim', 'attacker:')} ${clean(finding.attackerOrigin)} ${paint('dim', `(${finding.via === 'preflight' ? 'through a preflight' : 'simple request'})`)}`,
    `${pad}${paint('dim', 'rule:')}     ${clean(finding.rule)}`,
    `${pad}${paint('dim', 'request:')}  ${clean(requestLine(finding))}`,
    `${pad}${paint('dim', 'response:')} ${clean(responseLine(finding))}`,
  ];
  if (finding.remediation !== undefined) {
    lines.push(`${pad}${paint('dim', 'fix:')}      ${indent(clean(finding.remediation), `${pad}          `)}`);
  }
  if (finding.confirmation !== undefined) {
    const style = finding.confirmation.confirmed ? 'red' : 'green';
    lines.push(
      `${pad}${paint('dim', 'browser:')}  ${paint(style, indent(clean(describeConfirmation(finding.confirmation)), `${pad}          `))}`,
    );
  }
  return lines.join('\n');
}

/** Renders one target result as human-readable text (used by the text report and `corsight demo`). */
export function renderTarget(result: TargetResult & { finalUrl?: string }, paint: Paint = identity): string {
  const lines: string[] = [];
  if (result.status === 'error') {
    lines.push(
      `${paint('magenta', '!')} ${paint('bold', clean(result.url))}  ${paint('magenta', `error: ${clean(result.error ?? 'unknown error')}`)}`,
    );
  } else {
    const counts: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
    for (const finding of result.findings) counts[finding.severity]++;
    const text = describeCounts({ findings: result.findings.length, bySeverity: counts });
    const mark =
      result.findings.length === 0
        ? paint('green', '✓')
        : paint(severityStyle[result.findings[0]?.severity ?? 'info'], '✗');
    lines.push(
      `${mark} ${paint('bold', clean(result.url))}  ${text}  ${paint('dim', `(${result.requests} requests)`)}`,
    );
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
  const paint = options.paint ?? identity;
  return {
    begin(meta) {
      return `${paint('bold', `${meta.tool} ${meta.version}`)} ${paint('dim', `CORS scan with ${meta.checks.length} checks, started ${meta.startedAt.toISOString()}`)}\n\n`;
    },
    target(result) {
      return renderTarget(result, paint);
    },
    end(summary) {
      const seconds = (summary.durationMs / 1000).toFixed(1);
      const targets = `${summary.targets} target${summary.targets === 1 ? '' : 's'} (${summary.ok} ok, ${summary.errors} error${summary.errors === 1 ? '' : 's'})`;
      const counts = describeCounts(summary);
      const worst = summary.highest === null ? counts : paint(severityStyle[summary.highest], counts);
      return `\n${paint('bold', 'Summary:')} ${targets}, ${worst}, ${summary.requests} requests in ${seconds} s\n`;
    },
  };
}
