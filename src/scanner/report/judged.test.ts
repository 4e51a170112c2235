/**
 * Every report format shows what the judge made of a run: the site view (one rule on many endpoints of one origin
 * grouped, the JSON keeping every finding), accepted risks as suppressed, baseline findings, declared trust with the
 * policy's advice, and what the baseline lost. Results come from a real scan of a reflecting loopback server,
 * judged as the CLI judges them; the SARIF log is checked against the official 2.1.0 schema.
 */
import { sarifValidator } from './__fixtures__/sarif-schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJudge, declarePolicy, parseBaseline, parseIgnoreFile } from '../judge/index.js';
import { httpServer, preflightCheck, reflecting, reflectionCheck, type TestServer } from '../__fixtures__/servers.js';
import { createScanner, type ScanTargetResult } from '../scanner.js';
import {
  addBaselineOutcome,
  addToSummary,
  createReporter,
  emptySummary,
  type ReportFormat,
  type Summary,
} from './index.js';

let server: TestServer;
let urls: string[];
let raw: ScanTargetResult[] = [];

beforeAll(async () => {
  server = await httpServer(reflecting);
  urls = ['/a', '/b', '/c', '/d'].map((p) => `${server.url}${p}`);
  const scanner = createScanner({ checks: [reflectionCheck, preflightCheck], retries: 0, timeout: 2000 });
  for await (const result of scanner.scan(urls)) raw.push(result);
  await scanner.close();
  raw = urls.map((url) => raw.find((r) => r.url === url)!);
});
afterAll(async () => {
  await server.close();
});

/**
 * The run judged: /a's reflection accepted by fingerprint, /b's findings in the baseline, /c's old finding gone,
 * and a policy that declares one exact origin (so every reflection is drift).
 */
function judged(): { results: ScanTargetResult[]; summary: Summary } {
  const first = createJudge().target(raw[0]!);
  const reflection = first.findings.find((f) => f.check === 'origin-reflected')!;
  const ignore = parseIgnoreFile(`${reflection.fingerprint} # demo data, reviewed\n`, '.corsightignore', [
    'origin-reflected',
    'permissive-preflight',
  ]);
  const baselineDoc = {
    tool: 'corsight',
    version: '0.1.0',
    fingerprints: 'corsight-finding/v1',
    targets: [
      { url: urls[1], findings: raw[1]!.findings.map((f) => ({ check: f.check, rule: f.rule })) },
      { url: urls[2], findings: [{ check: 'origin-reflected', rule: 'reflected something else once' }] },
    ],
  };
  const baseline = parseBaseline(JSON.stringify(baselineDoc), 'baseline.json');
  const policy = declarePolicy({ origins: ['https://app.example.com'], credentials: true }, 'cors.yaml');
  const judge = createJudge({ ignore, baseline, policy });
  const summary = emptySummary();
  const results = raw.map((result) => judge.target(result));
  for (const result of results) addToSummary(summary, result);
  addBaselineOutcome(summary, judge.resolved());
  return { results, summary };
}

/** The judged run in `format`; `baseline` says whether the reporter is told a --baseline was given (it was). */
function render(format: ReportFormat, baseline = true): string {
  const { results, summary } = judged();
  const reporter = createReporter(format);
  return [
    reporter.begin({
      tool: 'corsight',
      version: '9.9.9',
      startedAt: new Date(0),
      checks: [reflectionCheck, preflightCheck],
      baseline,
    }),
    ...results.map((r) => reporter.target(r)),
    reporter.end(summary, new Date(0)),
  ].join('');
}

describe('the judge in every report', () => {
  it('counts only new findings for --fail-on and says what the baseline lost', () => {
    const { results, summary } = judged();
    expect(results[0]!.findings.find((f) => f.check === 'origin-reflected')!.suppressed?.reason).toBe(
      'demo data, reviewed',
    );
    expect(results[1]!.findings.every((f) => f.baseline === true)).toBe(true);
    expect(summary.suppressed).toBe(1);
    expect(summary.baseline).toBe(results[1]!.findings.length);
    // /c and /d still count (the same reflection, not in the baseline under this rule).
    expect(summary.highest).toBe('high');
    expect(summary.resolved!.map((f) => [f.url, f.rule])).toEqual([[urls[2], 'reflected something else once']]);
    // /a's reflection is suppressed and /b's in the baseline: the site view groups the ones shown, /c and /d.
    expect(summary.siteWide!.find((g) => g.check === 'origin-reflected')!.endpoints).toEqual([urls[2], urls[3]]);
  });

  it('text: suppressed, baseline and repeated findings on one line each; the site view and resolved list in the summary', () => {
    const text = render('text');
    expect(text).toMatch(/SUPPRESSED origin-reflected \(high\)\s+demo data, reviewed \(\.corsightignore:1\)/);
    expect(text).toMatch(/BASELINE\s+origin-reflected \(high\)/);
    expect(text).toContain(`site-wide: the same rule as ${urls[2]}`);
    expect(text).toContain(`site-wide: 2 endpoints of ${new URL(server.url).origin}: origin-reflected (high)`);
    expect(text).toContain('1 suppressed');
    expect(text).toContain('1 resolved since the baseline');
    expect(text).toContain(`resolved: origin-reflected on ${urls[2]}`);
    expect(text).toContain(
      'policy:   drift from origins: No entry of origins allows https://attacker-corsight.example',
    );
  });

  it('markdown and html: the same marks, a site view and the resolved findings', () => {
    for (const format of ['markdown', 'html'] as const) {
      const out = render(format);
      expect(out, format).toContain('suppressed: demo data, reviewed');
      expect(out, format).toContain('in the baseline');
      expect(out, format).toMatch(/[Ss]ite view/);
      expect(out, format).toContain('2 endpoints of');
      expect(out, format).toMatch(/Resolved since the baseline/);
      expect(out, format).toContain('drift');
    }
  });

  it('json keeps every finding on its target, with its marks', () => {
    const doc = JSON.parse(render('json')) as {
      targets: { findings: { check: string; fingerprint: string; siteWide?: unknown; baseline?: boolean }[] }[];
    };
    for (const target of doc.targets) {
      const reflection = target.findings.find((f) => f.check === 'origin-reflected')!;
      expect(reflection.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(doc.targets[3]!.findings[0]!.siteWide).toEqual({ origin: new URL(server.url).origin, first: urls[2] });
  });

  it('sarif: an accepted risk is a SARIF suppression, the fingerprint a SARIF fingerprint, valid against the 2.1.0 schema', () => {
    const validate = sarifValidator();
    const log = JSON.parse(render('sarif')) as { runs: { results: Record<string, unknown>[] }[] };
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = log.runs[0]!.results;
    const suppressed = results.filter((r) => r.suppressions !== undefined);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'demo data, reviewed (.corsightignore:1)' },
    ]);
    for (const r of results) expect(Object.keys(r.fingerprints as object)).toEqual(['corsight-finding/v1']);
  });

  it("sarif: against a baseline, each result is 'new' or 'unchanged' since it; without one, neither", () => {
    const { results: judgedResults } = judged();
    const log = JSON.parse(render('sarif')) as { runs: { results: Record<string, unknown>[] }[] };
    expect(sarifValidator()(log)).toBe(true);
    const states = log.runs[0]!.results.map((r) => r.baselineState);
    // Results follow the targets' findings in order: /b's are the baseline's, the others are new.
    const expected = judgedResults.flatMap((r) => r.findings.map((f) => (f.baseline === true ? 'unchanged' : 'new')));
    expect(states).toEqual(expected);
    expect(states).toContain('unchanged');
    expect(states).toContain('new');
    const plain = JSON.parse(render('sarif', false)) as { runs: { results: Record<string, unknown>[] }[] };
    expect(plain.runs[0]!.results.every((r) => !('baselineState' in r))).toBe(true);
  });
});
