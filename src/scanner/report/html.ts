/**
 * `--format html`: one self-contained page for people who do not read JSON. It needs no network when
 * opened: CSS, script and the chart (inline SVG) are in the file, and a Content-Security-Policy meta tag
 * (`default-src 'none'`) forbids the page from loading anything else, so even a bug in the escaping below
 * could not make the report fetch or run anything from outside.
 *
 * Everything a server or an attacker controls (URLs, header values, bodies, rules quoted from headers, PoC
 * pages) is HTML-escaped and shown as text. PoCs are never executed in the report: they are shown as
 * source, with buttons to copy or download them.
 *
 * It streams like every format: each target's findings are written as the target finishes. The summary,
 * chart and the sortable table of targets need the whole run, so they are written at the end and moved
 * to the top by CSS (`order` in a flex column); the table keeps one small row per target (URL, counts),
 * never the findings.
 */
import { escapeHtml } from '../checks/poc.js';
import { severities, type Exchange, type Finding, type Severity } from '../types.js';
import type { ReportedTarget, ReportOptions, Reporter, TargetStatus } from './reporter.js';
import { describeUndecided, redactExchange, redactionSet, targetLabel } from './reporter.js';
import {
  describeCounts,
  describeJudgement,
  describeSiteGroup,
  describeSkipped,
  describeTargets,
  type Summary,
} from './summary.js';
import { count } from './terminal.js';

/** Finding prose as HTML: escaped, with `inline code` as <code> (escapeHtml leaves backticks alone). */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`\n]+)`/g, '<code>$1</code>');
}

/** Severity colours, dark enough for white text (WCAG AA on the badges). */
const severityColor: Record<Severity, string> = {
  critical: '#7b1fa2',
  high: '#c62828',
  medium: '#b45309',
  low: '#1565c0',
  info: '#546e7a',
};

/** The policy of the report page: nothing but its own inline style and script, and data: images. */
export const htmlReportCsp =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const style = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
.report{display:flex;flex-direction:column;gap:1rem;max-width:72rem;margin:0 auto;padding:1rem}
header{order:-3}#summary{order:-2}#targets{order:-1}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin:.2rem 0 .6rem}h3{font-size:1.05rem;margin:0;overflow-wrap:anywhere}
section,article{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;min-width:0}
.meta{color:#57606a;font-size:.9rem;overflow-wrap:anywhere}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.count{flex:1 1 6rem;border-radius:6px;padding:.5rem .7rem;color:#fff}
.count b{display:block;font-size:1.4rem;line-height:1.2}
.chart{width:100%;max-width:36rem;height:auto;display:block}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
td.url{overflow-wrap:anywhere;word-break:break-all;min-width:10rem}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] button::after{content:" \\2191"}th[aria-sort=descending] button::after{content:" \\2193"}
.sev{display:inline-block;border-radius:4px;padding:0 .4rem;color:#fff;font-size:.8rem;font-weight:600;text-transform:uppercase}
.finding{border-top:1px solid #d0d7de;margin-top:.8rem;padding-top:.8rem}
.finding h4{margin:0 0 .3rem;font-size:1rem;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem .8rem;margin:.4rem 0}
dt{font-weight:600;color:#57606a}dd{margin:0;overflow-wrap:anywhere;min-width:0}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.6rem;white-space:pre-wrap;word-break:break-all;overflow-wrap:anywhere;font-size:.8rem;max-height:28rem;overflow-y:auto;margin:.3rem 0}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
.error{color:#b42318}.ok{color:#1a7f37}.partial{color:#9a6700}
.confirmed{color:#b42318;font-weight:600}.unconfirmed{color:#1a7f37;font-weight:600}
.actions{display:flex;gap:.5rem;flex-wrap:wrap}
.actions button{font:inherit;font-size:.85rem;padding:.2rem .6rem;border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa;cursor:pointer}
@media (max-width:40rem){
.report{padding:.5rem}section,article{padding:.7rem}
dl{grid-template-columns:minmax(0,1fr)}dt{margin-top:.3rem}
th.opt,td.opt{display:none}
th,td{padding:.35rem .3rem}td.url{min-width:8rem}
}
@media (min-width:40.01rem){.phone{display:none}}`;

/** The page script: sorts the target table and copies or downloads PoC sources. No external code. */
const script = `
(function () {
  var table = document.getElementById('target-table');
  if (table) {
    var headers = table.querySelectorAll('th[data-key]');
    headers.forEach(function (th, index) {
      th.querySelector('button').addEventListener('click', function () {
        var ascending = th.getAttribute('aria-sort') !== 'ascending';
        headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        var numeric = th.getAttribute('data-type') === 'number';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index].getAttribute('data-sort'), y = b.cells[index].getAttribute('data-sort');
          var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }
  function source(button) { return document.getElementById(button.getAttribute('data-poc')).textContent; }
  document.querySelectorAll('button[data-action=copy]').forEach(function (button) {
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(source(button)).then(
        function () { button.textContent = 'Copied'; },
        function () { button.textContent = 'Copy failed: select the text'; });
    });
  });
  document.querySelectorAll('button[data-action=download]').forEach(function (button) {
    button.addEventListener('click', function () {
      var url = URL.createObjectURL(new Blob([source(button)], { type: 'text/html' }));
      var link = document.createElement('a');
      link.href = url;
      link.download = button.getAttribute('data-name');
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
  });
})();`;

/** The raw HTTP exchange as text (request line and headers, blank line, status and headers, body snippet). */
function httpText(exchange: Exchange): string {
  let target = exchange.request.url;
  try {
    const url = new URL(exchange.request.url);
    target = `${url.pathname}${url.search}`;
  } catch {
    // Keep the URL as recorded.
  }
  const request = [
    `${exchange.request.method} ${target} HTTP/1.1`,
    ...exchange.request.headers.map(([name, value]) => `${name}: ${value}`),
  ];
  const response = [
    `HTTP/1.1 ${exchange.response.status}`,
    ...exchange.response.headers.map(([name, value]) => `${name}: ${value}`),
  ];
  const body = exchange.response.bodySnippet === '' ? '' : `\n\n${exchange.response.bodySnippet}`;
  return `${request.join('\n')}\n\n${response.join('\n')}${body}`;
}

function badge(severity: Severity): string {
  return `<span class="sev" style="background:${severityColor[severity]}">${severity}</span>`;
}

/** One compact row per target for the table (the findings themselves are already written). */
interface Row {
  index: number;
  url: string;
  status: TargetStatus;
  error?: string;
  findings: number;
  highest: Severity | null;
  requests: number;
  confirmed: number;
  attempted: number;
}

/**
 * One line for a finding set aside (suppressed, in the baseline) or repeated on another endpoint of the origin
 * (the site view in the summary lists those); undefined for a finding shown in full.
 */
function compactFinding(finding: Finding, id: string): string | undefined {
  const print =
    finding.fingerprint === undefined ? '' : ` <code class="meta">${escapeHtml(finding.fingerprint)}</code>`;
  const head = `<div class="finding compact" id="${id}">${badge(finding.severity)} <code>${escapeHtml(finding.check)}</code>`;
  if (finding.suppressed !== undefined) {
    return `${head} suppressed: ${escapeHtml(finding.suppressed.reason)} <span class="meta">(${escapeHtml(finding.suppressed.entry)})</span>${print}</div>`;
  }
  if (finding.baseline === true) return `${head} in the baseline: the server ${prose(finding.rule)}${print}</div>`;
  if (finding.siteWide !== undefined) {
    return `${head} site-wide: the same rule as ${escapeHtml(finding.siteWide.first)} (see the site view)${print}</div>`;
  }
  return undefined;
}

function renderFinding(finding: Finding, id: string, redact: ReadonlySet<string>): string {
  const compact = compactFinding(finding, id);
  if (compact !== undefined) return compact;
  const pocId = `${id}-poc`;
  const rows: [string, string][] = [
    [
      'Attacker origin',
      `<code>${escapeHtml(finding.attackerOrigin)}</code> (${finding.via === 'preflight' ? 'through a preflight' : 'simple request'})`,
    ],
    ['Inferred rule', prose(finding.rule)],
  ];
  if (finding.policy !== undefined) {
    rows.push([
      'Policy',
      `${escapeHtml(finding.policy.verdict)}, <code>${escapeHtml(finding.policy.entry)}</code>: ${prose(finding.policy.advice)}`,
    ]);
  }
  if (finding.remediation !== undefined) rows.push(['Fix', prose(finding.remediation)]);
  if (finding.fingerprint !== undefined) rows.push(['Fingerprint', `<code>${escapeHtml(finding.fingerprint)}</code>`]);
  if (finding.confirmation !== undefined) {
    const c = finding.confirmation;
    rows.push([
      'Browser',
      `<span class="${c.confirmed ? 'confirmed' : 'unconfirmed'}">${c.confirmed ? 'Confirmed in Chromium' : 'Not confirmed in Chromium'}</span>: ${escapeHtml(c.detail)}${
        c.corsError === undefined ? '' : `<br><span class="meta">Console: ${escapeHtml(c.corsError)}</span>`
      }`,
    ]);
  }
  return `<div class="finding" id="${id}">
<h4>${badge(finding.severity)} ${prose(finding.title)} <code class="meta">${escapeHtml(finding.check)}</code>${finding.declared === true ? ' <span class="ok">(declared)</span>' : ''}</h4>
<p>${prose(finding.detail)}</p>
<dl>${rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
<details><summary>Evidence (request and response)</summary><pre>${escapeHtml(httpText(redactExchange(finding.evidence, redact)))}</pre></details>
<details><summary>Proof of concept (host this page on the attacker origin; not run here)</summary>
<div class="actions"><button type="button" data-action="copy" data-poc="${pocId}">Copy</button><button type="button" data-action="download" data-poc="${pocId}" data-name="corsight-poc-${escapeHtml(finding.check)}.html">Download</button></div>
<pre id="${pocId}">${escapeHtml(finding.poc)}</pre></details>
</div>`;
}

function renderTarget(result: ReportedTarget, index: number, redact: ReadonlySet<string>): string {
  const id = `t${index}`;
  const parts = [`<article id="${id}"><h3>${escapeHtml(targetLabel(result))}</h3>`];
  const meta: string[] = [count(result.requests, 'request')];
  if (result.status === 'error') {
    parts.push(`<p class="error">Error: ${escapeHtml(result.error ?? 'unknown error')}</p>`);
  }
  const undecided = describeUndecided(result);
  if (undecided !== undefined) {
    parts.push(
      `<p class="partial">Partial: ${prose(undecided)}. Findings so far are listed; the undecided checks are not clear.</p>`,
    );
  }
  if (result.finalUrl !== undefined) meta.push(`scanned after redirects: ${escapeHtml(result.finalUrl)}`);
  if (result.redirect !== undefined) {
    meta.push(`redirect ${result.redirect.status} to ${escapeHtml(result.redirect.location)}, not followed`);
  }
  parts.push(`<p class="meta">${meta.join('; ')}</p>`);
  if (result.status === 'ok' && result.findings.length === 0) parts.push('<p class="ok">No findings.</p>');
  result.findings.forEach((finding, n) => parts.push(renderFinding(finding, `${id}-f${n}`, redact)));
  parts.push('</article>\n');
  return parts.join('\n');
}

/** What the judge made of the run: its totals, the site view and what the baseline lost ('' when nothing). */
function judgement(summary: Summary): string {
  const parts: string[] = [];
  const judged = describeJudgement(summary);
  if (judged !== '') parts.push(`<p>${escapeHtml(judged)}.</p>`);
  const groups = summary.siteWide ?? [];
  if (groups.length > 0) {
    parts.push(
      `<h3 id="site-view">Site view</h3>\n<ul>${groups
        .map(
          (group) =>
            `<li>${badge(group.severity)} ${prose(describeSiteGroup(group))}<details><summary>${count(group.endpoints.length, 'endpoint')}</summary><ul>${group.endpoints.map((url) => `<li>${escapeHtml(url)}</li>`).join('')}</ul></details></li>`,
        )
        .join('')}</ul>`,
    );
  }
  const resolved = summary.resolved ?? [];
  if (resolved.length > 0) {
    parts.push(
      `<h3 id="resolved">Resolved since the baseline</h3>\n<ul>${resolved
        .map(
          (gone) =>
            `<li class="ok"><code>${escapeHtml(gone.check)}</code> on ${escapeHtml(gone.url)}: the server ${prose(gone.rule)} <code class="meta">${escapeHtml(gone.fingerprint)}</code></li>`,
        )
        .join('')}</ul>`,
    );
  }
  return parts.length === 0 ? '' : `${parts.join('\n')}\n`;
}

/** A horizontal bar chart of findings by severity, as inline SVG (no library, no external resource). */
function chart(bySeverity: Record<Severity, number>): string {
  const order = [...severities].reverse();
  const max = Math.max(1, ...order.map((s) => bySeverity[s]));
  const barHeight = 22;
  const gap = 8;
  const labelWidth = 70;
  const width = 360;
  const height = order.length * (barHeight + gap);
  const bars = order
    .map((severity, i) => {
      const y = i * (barHeight + gap);
      const w = Math.round(((width - labelWidth - 40) * bySeverity[severity]) / max);
      return `<text x="0" y="${y + 16}" font-size="13" fill="#1f2328">${severity}</text><rect x="${labelWidth}" y="${y}" width="${w}" height="${barHeight}" rx="3" fill="${severityColor[severity]}"/><text x="${labelWidth + w + 6}" y="${y + 16}" font-size="13" fill="#1f2328">${bySeverity[severity]}</text>`;
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="Findings by severity" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
}

function renderTable(rows: readonly Row[]): string {
  const rank = (severity: Severity | null) => (severity === null ? -1 : severities.indexOf(severity));
  const confirmColumn = rows.some((row) => row.attempted > 0);
  const head = [
    '<th data-key="url" data-type="text"><button type="button">Target</button></th>',
    '<th class="opt" data-key="status" data-type="text"><button type="button">Status</button></th>',
    '<th data-key="findings" data-type="number"><button type="button">Findings</button></th>',
    '<th data-key="highest" data-type="number"><button type="button">Highest</button></th>',
    '<th class="opt" data-key="requests" data-type="number"><button type="button">Requests</button></th>',
    ...(confirmColumn
      ? ['<th data-key="confirmed" data-type="number"><button type="button">Confirmed</button></th>']
      : []),
  ];
  const body = rows.map((row) => {
    const cells = [
      `<td class="url" data-sort="${escapeHtml(row.url)}"><a href="#t${row.index}">${escapeHtml(row.url)}</a>${row.status === 'ok' ? '' : ` <span class="${row.status} phone">(${row.status})</span>`}</td>`,
      `<td class="opt" data-sort="${row.status}">${row.status === 'ok' ? 'ok' : `<span class="${row.status}" title="${escapeHtml(row.error ?? '')}">${row.status}</span>`}</td>`,
      `<td data-sort="${row.findings}">${row.findings}</td>`,
      `<td data-sort="${rank(row.highest)}">${row.highest === null ? '&ndash;' : badge(row.highest)}</td>`,
      `<td class="opt" data-sort="${row.requests}">${row.requests}</td>`,
      ...(confirmColumn
        ? [
            `<td data-sort="${row.confirmed}">${row.attempted === 0 ? '&ndash;' : `${row.confirmed}/${row.attempted}`}</td>`,
          ]
        : []),
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<div class="table-wrap"><table id="target-table"><thead><tr>${head.join('')}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table></div>`;
}

/** Creates the HTML reporter (evidence redacted as in the other formats, see `ReportOptions`). */
export function htmlReporter(options: ReportOptions = {}): Reporter {
  const redact = redactionSet(options);
  const rows: Row[] = [];
  let title = 'corsight report';
  return {
    begin(meta) {
      title = `${meta.tool} ${meta.version} CORS report`;
      return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${htmlReportCsp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main class="report">
<header><h1>CORS scan report</h1><p class="meta">${escapeHtml(meta.tool)} ${escapeHtml(meta.version)}, ${count(meta.checks.length, 'check')}, started ${escapeHtml(meta.startedAt.toISOString())}</p></header>
<section id="findings"><h2>Findings by target</h2>
`;
    },
    target(result) {
      const index = rows.length;
      let highest: Severity | null = null;
      let confirmed = 0;
      let attempted = 0;
      for (const finding of result.findings) {
        if (highest === null || severities.indexOf(finding.severity) > severities.indexOf(highest)) {
          highest = finding.severity;
        }
        if (finding.confirmation !== undefined) {
          attempted++;
          if (finding.confirmation.confirmed) confirmed++;
        }
      }
      const row: Row = {
        index,
        url: result.url,
        status: result.status,
        findings: result.findings.length,
        highest,
        requests: result.requests,
        confirmed,
        attempted,
      };
      const reason = result.status === 'partial' ? describeUndecided(result) : result.error;
      if (reason !== undefined) row.error = reason;
      rows.push(row);
      return renderTarget(result, index, redact);
    },
    end(summary, finishedAt) {
      const counts = [...severities]
        .reverse()
        .map(
          (severity) =>
            `<div class="count" style="background:${severityColor[severity]}" data-severity="${severity}"><b>${summary.bySeverity[severity]}</b>${severity}</div>`,
        )
        .join('');
      const seconds = (summary.durationMs / 1000).toFixed(1);
      const skipped = describeSkipped(summary);
      return `</section>
<section id="summary"><h2>Summary</h2>
<p>${escapeHtml(describeTargets(summary, 'with errors'))}, ${escapeHtml(describeCounts(summary))}, ${count(summary.requests, 'request')} in ${seconds} s; finished ${escapeHtml(finishedAt.toISOString())}.</p>
<div class="counts" id="severity-counts">${counts}</div>
${skipped === undefined ? '' : `<p id="skipped">${escapeHtml(skipped)}</p>\n`}${chart(summary.bySeverity)}
${judgement(summary)}</section>
<section id="targets"><h2>Targets</h2>
${renderTable(rows)}
</section>
</main>
<script>${script}</script>
</body>
</html>
`;
    },
  };
}
