/**
 * What every format says about a target whose checks were not all decided (status `partial`), and how finding
 * prose renders: inline code as code, counts in the singular when there is one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScanner } from '../scanner.js';
import { httpServer, preflightCheck, reflecting, reflectionCheck, type TestServer } from '../__fixtures__/servers.js';
import {
  addToSummary,
  createReporter,
  describeUndecided,
  emptySummary,
  isIncomplete,
  type ReportedTarget,
  type ReportFormat,
} from './index.js';

const checks = [reflectionCheck, preflightCheck];
let server: TestServer;
let vulnerable: ReportedTarget;
let clean: ReportedTarget;

beforeAll(async () => {
  server = await httpServer((req, res) => {
    if (req.url === '/clean') res.end('ok');
    else reflecting(req, res);
  });
  const scanner = createScanner({ checks, retries: 0, timeout: 2000 });
  vulnerable = await scanner.scanTarget(`${server.url}/api`);
  clean = await scanner.scanTarget(`${server.url}/clean`);
  await scanner.close();
});
afterAll(async () => {
  await server.close();
});

/** A clean-looking target of which 2 of 3 checks could not be decided (the shape the scanner records). */
function partialClean(): ReportedTarget {
  return {
    ...structuredClone(clean),
    status: 'partial',
    checks: [
      {
        id: 'origin-reflected',
        outcome: 'inconclusive',
        reason: 'requests carrying Origin were refused (connection closed)',
      },
      {
        id: 'permissive-preflight',
        outcome: 'inconclusive',
        reason: 'requests carrying Origin were refused (connection closed)',
      },
      { id: 'wildcard-origin', outcome: 'clear' },
    ],
    probes: { sent: 5, answered: 1, failed: 4, rateLimited: 0, retried: 2 },
  };
}

function render(format: ReportFormat, input: readonly ReportedTarget[]): string {
  const reporter = createReporter(format);
  let text = reporter.begin({ tool: 'corsight', version: '9.9.9', startedAt: new Date(0), checks });
  const summary = emptySummary();
  for (const result of input) {
    text += reporter.target(result);
    addToSummary(summary, result);
  }
  return text + reporter.end(summary, new Date(1000));
}

const line = '2 of 3 checks undecided: requests carrying Origin were refused (connection closed)';

describe('a partial target', () => {
  it('is described in one line: how many checks are undecided and the most frequent reason', () => {
    expect(describeUndecided(partialClean())).toBe(line);
    const mixed = partialClean();
    mixed.checks = [
      ...mixed.checks,
      { id: 'null-origin-trusted', outcome: 'inconclusive', reason: 'rate limited (429)' },
    ];
    expect(describeUndecided(mixed)).toBe(
      '3 of 4 checks undecided: requests carrying Origin were refused (connection closed) (and 1 other reason)',
    );
    expect(describeUndecided(clean)).toBeUndefined();
  });

  it('shows ⚠ with the reason in the text report, never ✓, and the summary counts it', () => {
    const text = render('text', [partialClean(), clean]);
    expect(text).toMatch(
      /⚠ http:\/\/127\.0\.0\.1:\d+\/clean {2}no findings so far {2}\(\d+ requests\)\n {2}2 of 3 checks/,
    );
    expect(text).toContain(line);
    // The fully scanned twin keeps its ✓; the partial one has none.
    expect(text.match(/✓/g)).toHaveLength(1);
    expect(text).toContain('Summary: 2 targets (1 ok, 1 partial, 0 errors), no findings');
  });

  it('keeps the findings made so far, under ⚠', () => {
    const partial: ReportedTarget = {
      ...structuredClone(vulnerable),
      status: 'partial',
      checks: partialClean().checks,
    };
    const text = render('text', [partial]);
    expect(text).toMatch(/⚠ http:\/\/127\.0\.0\.1:\d+\/api {2}2 findings \(1 high, 1 medium\)/);
    expect(text).toContain('HIGH      origin-reflected');
    expect(text).not.toContain('✗');
  });

  it('is carried by json (status, undecided, checks, probes), jsonl, markdown, html and sarif', () => {
    const json = JSON.parse(render('json', [partialClean()])) as {
      targets: Record<string, unknown>[];
      summary: { partial: number; ok: number; errors: number };
    };
    expect(json.targets[0]).toMatchObject({
      status: 'partial',
      reason: line,
      probes: { sent: 5, answered: 1, failed: 4, rateLimited: 0, retried: 2 },
      checks: [
        { id: 'origin-reflected', outcome: 'inconclusive' },
        { id: 'permissive-preflight', outcome: 'inconclusive' },
        { id: 'wildcard-origin', outcome: 'clear' },
      ],
    });
    expect(json.summary).toMatchObject({ partial: 1, ok: 0, errors: 0 });
    const jsonl = render('jsonl', [partialClean()]).trimEnd().split('\n');
    expect(JSON.parse(jsonl[0]!)).toMatchObject({ status: 'partial', reason: line });
    expect(JSON.parse(jsonl[1]!)).toMatchObject({ summary: { partial: 1 } });
    expect(render('markdown', [partialClean()])).toContain(
      '**Partial:** 2 of 3 checks undecided: requests carrying Origin were refused \\(connection closed\\).',
    );
    const html = render('html', [partialClean()]);
    expect(html).toContain(`<p class="partial">Partial: ${line}.`);
    expect(html).toContain('1 target (0 ok, 1 partial, 0 with errors)');
    const sarif = JSON.parse(render('sarif', [partialClean()])) as {
      runs: { invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[] }[];
    };
    expect(sarif.runs[0]?.invocations[0]?.toolExecutionNotifications).toEqual([
      expect.objectContaining({ level: 'warning', message: { text: expect.stringContaining(line) as string } }),
    ]);
  });

  it('makes the run incomplete, as an error does (what --fail-on-error exits 3 for)', () => {
    const summary = emptySummary();
    addToSummary(summary, clean);
    expect(isIncomplete(summary)).toBe(false);
    addToSummary(summary, partialClean());
    expect(isIncomplete(summary)).toBe(true);
  });
});

describe('finding prose', () => {
  function withCode(): ReportedTarget {
    const result = structuredClone(vulnerable);
    result.findings[0]!.rule = 'accepts any origin ending in `target.tld`, over http or https';
    result.findings[0]!.detail = 'A page on `https://evil.example` reads it <b>.';
    return result;
  }

  it('renders inline code as code in html and markdown, and without backticks in text and sarif', () => {
    const html = render('html', [withCode()]);
    expect(html).toContain('accepts any origin ending in <code>target.tld</code>, over http or https');
    expect(html).toContain('A page on <code>https://evil.example</code> reads it &lt;b&gt;.');
    const markdown = render('markdown', [withCode()]);
    expect(markdown).toContain('accepts any origin ending in `target.tld`, over http or https');
    expect(markdown).not.toContain('\\`');
    const text = render('text', [withCode()]);
    expect(text).toContain('rule:     accepts any origin ending in target.tld, over http or https');
    expect(text).not.toContain('`');
    const painted = createReporter('text', { paint: (style, s) => `<${style}:${s}>` }).target(withCode());
    expect(painted).toContain('ending in <cyan:target.tld>,');
    expect(render('sarif', [withCode()])).not.toContain('`target.tld`');
  });

  it('says "1 request", "1 check", "1 target" in the singular', () => {
    const one = { ...structuredClone(clean), requests: 1 };
    const reporter = createReporter('text');
    const head = reporter.begin({
      tool: 'corsight',
      version: '9.9.9',
      startedAt: new Date(0),
      checks: [reflectionCheck],
    });
    expect(head).toContain('CORS scan with 1 check,');
    expect(reporter.target(one)).toContain('(1 request)');
    const summary = addToSummary(emptySummary(), one);
    expect(reporter.end(summary, new Date(0))).toContain(
      'Summary: 1 target (1 ok, 0 errors), no findings, 1 request in',
    );
    for (const format of ['markdown', 'html'] as const) {
      const text = render(format, [one]);
      expect(text).toMatch(/1 request\b/);
      expect(text).not.toMatch(/\b1 (requests|targets|checks)\b/);
    }
  });
});
