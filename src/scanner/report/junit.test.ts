/**
 * The JUnit report: well-formed XML of the shape CI systems read (testsuites > testsuite > testcase > failure /
 * error / skipped / system-out), one test case per target x check, failures carrying the finding, and every
 * character a hostile server can send escaped. Results come from real scans of loopback servers, judged as the
 * CLI judges them.
 */
import { XMLParser } from 'fast-xml-parser';
import { SyntaxValidator } from 'fast-xml-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJudge } from '../judge/index.js';
import { closedPort, httpServer, preflightCheck, reflectionCheck, type TestServer } from '../__fixtures__/servers.js';
import { createScanner, type ScanTargetResult } from '../scanner.js';
import { escapeXml, junitReporter, type JunitReportOptions } from './junit.js';
import { emptySummary } from './summary.js';

/** Every byte a server could put in a header value, and the characters XML 1.0 cannot carry. */
const hostile = `<a href="x">&amp;</a> ' \u0000\u0001\u0008\u000b\u000c\u001b[31m\u007f\r\n\t \ud800 \udfff \ufffe \uffff ]]> 🙂`;

let server: TestServer;
const results: ScanTargetResult[] = [];

beforeAll(async () => {
  // Reflects the Origin with credentials: the classic vulnerable server.
  server = await httpServer((req, res) => {
    if (req.headers.origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    res.end('{}');
  });
  const refused = await closedPort();
  const scanner = createScanner({ checks: [reflectionCheck, preflightCheck], retries: 0, timeout: 2000 });
  const judge = createJudge();
  for await (const result of scanner.scan([`${server.url}/api`, `http://127.0.0.1:${refused}/`])) {
    results.push(judge.target(result));
  }
  await scanner.close();
});
afterAll(async () => {
  await server.close();
});

function render(input: readonly ScanTargetResult[], options: JunitReportOptions = {}): string {
  const reporter = junitReporter(options);
  const checks = [reflectionCheck, preflightCheck];
  return [
    reporter.begin({ tool: 'corsight', version: '9.9.9', startedAt: new Date(0), checks }),
    ...input.map((r) => reporter.target(r)),
    reporter.end(emptySummary(), new Date(0)),
  ].join('');
}

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Elements that may repeat are always arrays; attributes never are.
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && name !== 'testsuites',
});

/** Parses the report after a strict well-formedness check (it throws on the first error, naming line and column). */
function parse(xml: string): Node {
  SyntaxValidator.validate(xml, {
    xmlDeclaraion: { optional: false },
    invalidCharSequence: { tagValue: true, attrLt: true },
  });
  return parser.parse(xml) as Node;
}

describe('junit', () => {
  it('is well-formed XML with one test suite per target and one test case per check', () => {
    const doc = parse(render(results));
    const root = doc.testsuites as Node;
    const suites = root.testsuite as Node[];
    expect(suites.map((s) => s.name)).toEqual(results.map((r) => r.url));
    for (const suite of suites) {
      const cases = suite.testcase as Node[];
      expect(cases.map((c) => c.name)).toEqual(['origin-reflected', 'permissive-preflight']);
      expect(Number(suite.tests)).toBe(cases.length);
      for (const c of cases) expect(c.classname).toBe(suite.name);
    }
  });

  it('makes a failure of each finding reaching --fail-on, carrying the finding, and an error of a target not scanned', () => {
    const doc = parse(render(results));
    const suites = (doc.testsuites as Node).testsuite as Node[];
    const api = suites.find((s) => String(s.name).endsWith('/api'));
    const refused = suites.find((s) => !String(s.name).endsWith('/api'));
    const failed = (api!.testcase as Node[]).find((c) => c.name === 'origin-reflected')!;
    const failure = (failed.failure as Node[])[0]!;
    expect(failure.type).toBe('origin-reflected');
    expect(failure.message).toBe('high: origin-reflected on ' + new URL(server.url).host);
    expect(String(failure['#text'])).toContain('attacker origin: https://attacker-corsight.example (simple request)');
    expect(String(failure['#text'])).toContain('fingerprint: ');
    expect(Number(api!.failures)).toBe(1);
    for (const c of refused!.testcase as Node[]) {
      expect((c.error as Node[])[0]!.message).toMatch(/^undecided: target not scanned:/);
    }
    expect(Number(refused!.errors)).toBe(2);
  });

  it('passes findings below --fail-on, in the baseline or suppressed, keeping them in system-out', () => {
    const below = parse(render(results, { failOn: 'critical' }));
    const api = ((below.testsuites as Node).testsuite as Node[]).find((s) => String(s.name).endsWith('/api'))!;
    const reflection = (api.testcase as Node[]).find((c) => c.name === 'origin-reflected')!;
    expect(reflection.failure).toBeUndefined();
    expect(String((reflection['system-out'] as string[])[0])).toContain('HIGH origin-reflected');
    const suppressed = results.map((r) => ({
      ...r,
      findings: r.findings.map((f) => ({ ...f, suppressed: { reason: 'accepted', entry: '.corsightignore:1' } })),
    }));
    const out = render(suppressed);
    expect(out).not.toContain('<failure');
    expect(out).toContain('suppressed: accepted (.corsightignore:1)');
  });

  it('escapes markup and writes characters XML cannot carry visibly, in text and attributes', () => {
    const api = results.find((r) => r.findings.length > 0)!;
    const poisoned: ScanTargetResult = {
      ...api,
      url: `${api.url}?q=${hostile}`,
      findings: api.findings.map((f) => ({ ...f, title: hostile, detail: hostile, rule: hostile })),
    };
    const xml = render([poisoned]);
    const doc = parse(xml);
    const suite = ((doc.testsuites as Node).testsuite as Node[])[0]!;
    expect(String(suite.name)).toContain('<a href="x">&amp;</a>');
    const failure = ((suite.testcase as Node[])[0]!.failure as Node[])[0]!;
    expect(String(failure.message)).toContain('\\x00\\x01\\x08\\x0b\\x0c\\x1b[31m');
    expect(String(failure['#text'])).toContain('\\ud800 \\udfff \\ufffe \\uffff ]]> 🙂');
    // eslint-disable-next-line no-control-regex -- asserting no control character survives is the point
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
  });

  it('rejects a broken document, so the validation above can fail', () => {
    expect(() => parse('<?xml version="1.0"?>\n<testsuites><testsuite></testsuites>')).toThrow();
    expect(() => parse('<?xml version="1.0"?>\n<testsuites name="a<b"/>')).toThrow();
  });

  it('escapes each character class as XML 1.0 requires', () => {
    expect(escapeXml('a&b<c>d"e')).toBe('a&amp;b&lt;c&gt;d"e');
    expect(escapeXml('a"b\n\tc', true)).toBe('a&quot;b&#10;&#9;c');
    expect(escapeXml('\r')).toBe('&#13;');
    expect(escapeXml('\u0000\u001f')).toBe('\\x00\\x1f');
    expect(escapeXml('🙂')).toBe('🙂');
    expect(escapeXml('\ud83d')).toBe('\\ud83d');
  });
});
