/** Text rendering of an {@link Explanation} (the `--format text` output of `corsight explain`). */
import type { Explanation } from './types.js';

/** A painter: wraps text in a style (identity when colour is off). */
export type Paint = (style: 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan', text: string) => string;

const plain: Paint = (_s, t) => t;

/** A comparison of the model's verdict with what real Chromium did (`--browser`). */
export interface BrowserComparison {
  /** Whether Chromium's fetch() resolved. */
  allowed: boolean;
  /** CDP corsErrorStatus.corsError, when Chromium reported one. */
  corsError: string | null;
  failedParameter: string | null;
  /** net::ERR_* text of the failure, when there was one. */
  errorText: string | null;
  /** The CORS console line Chromium printed. */
  consoleMessage: string | null;
  /**
   * True when Chromium agrees with the chromium profile on allowed/blocked, error code, parameter and
   * console line, and (when allowed and chromium is the chosen profile) on the readable header names.
   */
  matches: boolean;
  /** Limits of this comparison (see docs/explain.md). */
  notes: string[];
}

function headerLines(headers: readonly (readonly [string, string])[], indent: string): string[] {
  return headers.map(([n, v]) => `${indent}${n}: ${v}`);
}

/** How far each profile's verdict is checked against a real browser (docs/browser.md, test/firefox/README.md). */
const PROFILE_NOTES: Record<string, string> = {
  chromium: '',
  firefox: "outcome verified against Firefox ESR; error names are Chromium's",
  safari: 'not verified against the browser',
  spec: 'the Fetch Standard as written',
};

/** Render an explanation for a terminal. */
export function renderExplanation(x: Explanation, paint: Paint = plain, browser?: BrowserComparison): string {
  const out: string[] = [];
  const r = x.request;
  out.push(paint('bold', `${r.method} ${r.url}`) + ` from ${r.origin} (credentials: ${r.credentials})`);
  for (const [n, v] of r.headers) out.push(`  ${n}: ${v}`);
  out.push('');
  out.push(x.allowed ? paint('green', x.summary) : paint('red', x.summary));
  out.push('');
  out.push(paint('bold', 'Verdict by profile'));
  for (const v of x.verdicts) {
    const tag = v.allowed ? paint('green', 'allowed') : paint('red', 'blocked');
    const why = v.allowed
      ? v.preflighted
        ? 'after a preflight'
        : ''
      : `${v.code}${v.parameter ? ` (${v.parameter})` : ''}`;
    const mark = v.profile === x.profile ? ' *' : '';
    const note = PROFILE_NOTES[v.profile];
    out.push(`  ${(v.profile + mark).padEnd(11)} ${tag}  ${why}${note === '' ? '' : paint('dim', ` [${note}]`)}`);
  }
  out.push('');
  out.push(paint('bold', 'Chromium console'));
  out.push(
    x.chromiumConsoleMessage === null ? '  (nothing: Chromium allows this request)' : `  ${x.chromiumConsoleMessage}`,
  );
  out.push('');
  out.push(paint('bold', `Steps (${x.profile})`));
  for (const s of x.steps) {
    // A preflight-cache miss is not a failure: it only means a preflight is sent.
    const mark = s.ok ? paint('green', 'pass') : s.step === 'cache' ? paint('dim', 'miss') : paint('red', 'FAIL');
    out.push(`  ${mark}  ${s.step.padEnd(18)} ${s.detail}`);
  }
  out.push('');
  out.push(paint('bold', 'Exchanges'));
  for (const e of x.exchanges) {
    const label = e.role === 'preflight' ? 'preflight' : 'request';
    out.push(`  > ${e.request.method} ${e.request.url}  (${label}${e.source === 'assumed' ? ', NOT SENT' : ''})`);
    out.push(...headerLines(e.request.headers, '      '));
    if (e.response === null) out.push(paint('red', `  < no response: ${e.error ?? 'failed'}`));
    else {
      out.push(`  < ${e.response.status}${e.source === 'assumed' ? ' (assumed)' : ''}`);
      out.push(...headerLines(e.response.headers, '      '));
    }
  }
  if (x.fix !== null) {
    out.push('');
    const blockedHere = !x.allowed;
    out.push(paint('bold', blockedHere ? 'Fix (smallest server-side change)' : 'Fix for the profiles that block it'));
    x.fix.steps.forEach((s, i) => {
      out.push(`  ${i + 1}. ${s.text}`);
      // `why` is "<code> (<parameter>): <console text>"; the parameter may hold a URL, so cut at ": ".
      out.push(paint('dim', `     fixes ${s.why.split(': ')[0]}`));
    });
    if (x.fix.verified) {
      out.push(
        paint(
          'green',
          `  Checked: with ${x.fix.steps.length === 1 ? 'this change' : 'these changes'} the request passes in ${x.fix.passes.join(', ')}.`,
        ),
      );
    } else {
      out.push(
        paint(
          'yellow',
          `  Not a complete server-side fix${x.fix.passes.length > 0 ? ` (passes in: ${x.fix.passes.join(', ')})` : ''}.`,
        ),
      );
    }
    for (const n of x.fix.notes) out.push(`  note: ${n}`);
  }
  if (x.exposure !== undefined) {
    out.push('');
    out.push(paint('bold', 'Readable response headers'));
    const e = x.exposure;
    if (!x.allowed) out.push(paint('red', `  none: the request is blocked (wanted ${e.wanted.join(', ')})`));
    else if (e.missing.length === 0) out.push(paint('green', `  script can read ${e.wanted.join(', ')}`));
    else {
      out.push(
        paint('red', `  script cannot read ${e.missing.join(', ')} (readable: ${e.readable.join(', ') || 'nothing'})`),
      );
      if (e.fix !== null) out.push(`  fix: ${e.fix}`);
    }
  }
  if (x.warnings.length > 0) {
    out.push('');
    out.push(paint('bold', 'Warnings'));
    for (const w of x.warnings) out.push(paint('yellow', `  - ${w}`));
  }
  if (x.assumptions.length > 0) {
    out.push('');
    out.push(paint('bold', 'Assumed'));
    for (const a of x.assumptions) out.push(`  - ${a}`);
  }
  if (browser !== undefined) {
    out.push('');
    out.push(paint('bold', 'Real Chromium (--browser)'));
    const verdict = browser.allowed
      ? 'allowed'
      : `blocked${browser.corsError !== null ? `: ${browser.corsError}${browser.failedParameter ? ` (${browser.failedParameter})` : ''}` : browser.errorText !== null ? `: ${browser.errorText}` : ''}`;
    out.push(`  ${verdict}`);
    if (browser.consoleMessage !== null) out.push(`  console: ${browser.consoleMessage}`);
    out.push(
      browser.matches
        ? paint('green', '  matches the chromium profile')
        : paint('red', '  DIFFERS from the chromium profile'),
    );
    for (const n of browser.notes) out.push(paint('dim', `  note: ${n}`));
  }
  return out.join('\n') + '\n';
}
