import type { Exchange, Finding } from '../types.js';
import type { ReportedTarget, ReportOptions, Reporter } from './reporter.js';
import { describeConfirmation, describeUndecided, redactExchange, redactionSet, targetLabel } from './reporter.js';
import { describeCounts, describeJudgement, describeSiteGroup, describeSkipped, describeTargets } from './summary.js';
import { count } from './terminal.js';

/** A code fence longer than any backtick run in `text`, so server-controlled text cannot close it early. */
function fenced(text: string, language: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** Inline code that survives backticks inside. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text.replace(/\n/g, ' ')}${pad}${ticks}`;
}

/** Escapes text for Markdown prose and table cells (no raw HTML, no stray emphasis or links). */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** Finding prose: `inline code` becomes a code span, everything else is escaped. */
function prose(text: string): string {
  return text
    .split(/`([^`\n]+)`/)
    .map((part, i) => (i % 2 === 1 ? code(part) : escape(part)))
    .join('');
}

function httpText(exchange: Exchange): string {
  const url = new URL(exchange.request.url);
  const request = [
    `${exchange.request.method} ${url.pathname}${url.search} HTTP/1.1`,
    ...exchange.request.headers.map(([name, value]) => `${name}: ${value}`),
  ];
  const response = [
    `HTTP/1.1 ${exchange.response.status}`,
    ...exchange.response.headers.map(([name, value]) => `${name}: ${value}`),
  ];
  return `${request.join('\n')}\n\n${response.join('\n')}`;
}

/**
 * One bullet for a finding set aside (suppressed, in the baseline) or repeated on another endpoint of the origin
 * (the site view in the summary lists those); undefined for a finding shown in full.
 */
function compactFinding(finding: Finding): string | undefined {
  const id = finding.fingerprint === undefined ? '' : ` ${code(finding.fingerprint)}`;
  const head = `- **${finding.severity.toUpperCase()}** ${code(finding.check)}`;
  if (finding.suppressed !== undefined) {
    return `${head}, suppressed: ${escape(finding.suppressed.reason)} (${code(finding.suppressed.entry)})${id}\n`;
  }
  if (finding.baseline === true) return `${head}, in the baseline: the server ${prose(finding.rule)}${id}\n`;
  if (finding.siteWide !== undefined) {
    return `${head}, site-wide: the same rule as ${code(finding.siteWide.first)} (see the site view in the summary)${id}\n`;
  }
  return undefined;
}

function renderFinding(finding: Finding, redact: ReadonlySet<string>): string {
  const compact = compactFinding(finding);
  if (compact !== undefined) return compact;
  const lines = [
    `### ${finding.severity.toUpperCase()}: ${prose(finding.title)} (${code(finding.check)})${finding.declared === true ? ' (declared)' : ''}`,
    '',
    prose(finding.detail),
    '',
    `- **Attacker origin:** ${code(finding.attackerOrigin)} (${finding.via === 'preflight' ? 'through a preflight' : 'simple request'})`,
    `- **Rule the server applies:** ${prose(finding.rule)}`,
  ];
  if (finding.policy !== undefined) {
    lines.push(
      `- **Policy:** ${finding.policy.verdict}, ${code(finding.policy.entry)}: ${prose(finding.policy.advice)}`,
    );
  }
  if (finding.fingerprint !== undefined) lines.push(`- **Fingerprint:** ${code(finding.fingerprint)}`);
  if (finding.remediation !== undefined) lines.push(`- **Fix:** ${prose(finding.remediation)}`);
  if (finding.confirmation !== undefined) {
    lines.push(`- **Browser:** ${escape(describeConfirmation(finding.confirmation))}`);
  }
  lines.push(
    '',
    '<details><summary>Evidence</summary>',
    '',
    fenced(httpText(redactExchange(finding.evidence, redact)), 'http'),
    '',
    '</details>',
    '',
    '<details><summary>Proof of concept (host this page on the attacker origin)</summary>',
    '',
    fenced(finding.poc, 'html'),
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}

function renderTarget(result: ReportedTarget, redact: ReadonlySet<string>): string {
  const lines = [`## ${code(targetLabel(result))}`, ''];
  if (result.status === 'error') lines.push(`**Error:** ${escape(result.error ?? 'unknown error')}`, '');
  const undecided = describeUndecided(result);
  if (undecided !== undefined) {
    lines.push(`**Partial:** ${prose(undecided)}. Findings so far are listed; the undecided checks are not clear.`, '');
  }
  if (result.finalUrl !== undefined) lines.push(`Scanned after redirects: ${code(result.finalUrl)}`, '');
  if (result.redirect !== undefined) {
    lines.push(`Redirect ${result.redirect.status} to ${code(result.redirect.location)}, not followed.`, '');
  }
  if (result.status === 'ok' && result.findings.length === 0) {
    lines.push(`No findings (${count(result.requests, 'request')}).`, '');
  }
  for (const finding of result.findings) lines.push(renderFinding(finding, redact));
  return `${lines.join('\n')}\n`;
}

/** `--format markdown`: a section per target, ready to paste into a ticket, then a summary table. */
export function markdownReporter(options: ReportOptions = {}): Reporter {
  const redact = redactionSet(options);
  return {
    begin(meta) {
      return `# CORS scan by ${meta.tool} ${meta.version}\n\nStarted ${meta.startedAt.toISOString()} with ${count(meta.checks.length, 'check')}.\n\n`;
    },
    target: (result) => renderTarget(result, redact),
    end(summary, finishedAt) {
      const rows = Object.entries(summary.byCheck)
        .sort(([, a], [, b]) => b - a)
        .map(([check, count]) => `| ${code(check)} | ${count} |`);
      const lines = [
        '## Summary',
        '',
        `${describeTargets(summary, 'with errors')}, ${describeCounts(summary)}, ${count(summary.requests, 'request')}; finished ${finishedAt.toISOString()}.`,
        '',
      ];
      if (rows.length > 0) lines.push('| Check | Findings |', '| --- | ---: |', ...rows, '');
      const skipped = describeSkipped(summary);
      if (skipped !== undefined) lines.push(escape(skipped), '');
      const judged = describeJudgement(summary);
      if (judged !== '') lines.push(`${escape(judged)}.`, '');
      if ((summary.siteWide ?? []).length > 0) {
        lines.push('### Site view', '');
        for (const group of summary.siteWide ?? []) {
          lines.push(`- ${prose(describeSiteGroup(group))}:`, ...group.endpoints.map((url) => `  - ${code(url)}`));
        }
        lines.push('');
      }
      if ((summary.resolved ?? []).length > 0) {
        lines.push('### Resolved since the baseline', '');
        for (const gone of summary.resolved ?? []) {
          lines.push(
            `- ${code(gone.check)} on ${code(gone.url)}: the server ${prose(gone.rule)} ${code(gone.fingerprint)}`,
          );
        }
        lines.push('');
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
