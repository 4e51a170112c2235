import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sarifValidator } from './__fixtures__/sarif-schema.js';
import { createScanner, type ScanTargetResult } from '../scanner.js';
import {
  closedPort,
  httpServer,
  preflightCheck,
  reflecting,
  reflectionCheck,
  type TestServer,
} from '../__fixtures__/servers.js';
import {
  addToSummary,
  createReporter,
  emptySummary,
  reachesThreshold,
  reportFormats,
  type ReportFormat,
} from './index.js';

const checks = [reflectionCheck, preflightCheck];
let server: TestServer;
let results: ScanTargetResult[] = [];

beforeAll(async () => {
  server = await httpServer((req, res) => {
    if (req.url === '/moved') {
      res.writeHead(301, { Location: '/elsewhere' });
      res.end();
      return;
    }
    if (req.url === '/clean') {
      res.end('ok');
      return;
    }
    reflecting(req, res);
  });
  const refused = await closedPort();
  const scanner = createScanner({ checks, retries: 0, timeout: 2000 });
  for await (const result of scanner.scan([
    `${server.url}/api?x=1`,
    `${server.url}/clean`,
    `${server.url}/moved`,
    `http://127.0.0.1:${refused}/`,
  ])) {
    results.push(result);
  }
  await scanner.close();
  results = results.sort((a, b) => a.url.localeCompare(b.url));
});

afterAll(async () => {
  await server.close();
});

function render(format: ReportFormat, input: readonly ScanTargetResult[] = results): string {
  const reporter = createReporter(format);
  const started = new Date('2026-01-02T03:04:05.000Z');
  let text = reporter.begin({ tool: 'corsight', version: '9.9.9', startedAt: started, checks });
  const summary = emptySummary();
  for (const result of input) {
    text += reporter.target(result);
    addToSummary(summary, result);
  }
  summary.durationMs = 1234;
  text += reporter.end(summary, new Date('2026-01-02T03:04:06.234Z'));
  return text;
}

describe('summary', () => {
  it('counts targets, errors, findings by severity and check, and the worst severity', () => {
    const summary = emptySummary();
    for (const result of results) addToSummary(summary, result);
    expect(summary).toMatchObject({ targets: 4, ok: 3, errors: 1, findings: 2, highest: 'high' });
    expect(summary.bySeverity).toEqual({ info: 0, low: 0, medium: 1, high: 1, critical: 0 });
    expect(summary.byCheck).toEqual({ 'origin-reflected': 1, 'permissive-preflight': 1 });
  });

  it('applies --fail-on thresholds, none never failing', () => {
    expect(reachesThreshold('high', 'high')).toBe(true);
    expect(reachesThreshold('medium', 'high')).toBe(false);
    expect(reachesThreshold('critical', 'info')).toBe(true);
    expect(reachesThreshold(null, 'info')).toBe(false);
    expect(reachesThreshold('critical', 'none')).toBe(false);
  });
});

describe('json', () => {
  it('is one JSON document with the documented shape', () => {
    const doc = JSON.parse(render('json')) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual([
      'fingerprints',
      'finishedAt',
      'startedAt',
      'summary',
      'targets',
      'tool',
      'version',
    ]);
    expect(doc).toMatchObject({
      tool: 'corsight',
      version: '9.9.9',
      fingerprints: 'corsight-finding/v1',
      startedAt: '2026-01-02T03:04:05.000Z',
      finishedAt: '2026-01-02T03:04:06.234Z',
    });
    const targets = doc.targets as Record<string, unknown>[];
    expect(targets).toHaveLength(4);
    const api = targets.find((t) => String(t.url).endsWith('/api?x=1')) as { findings: Record<string, unknown>[] };
    expect(Object.keys(api.findings[0] ?? {})).toEqual([
      'check',
      'severity',
      'title',
      'detail',
      'attackerOrigin',
      'via',
      'rule',
      'evidence',
      'poc',
    ]);
    const evidence = api.findings[0]?.evidence as {
      request: { method: string; headers: unknown[] };
      response: { status: number };
    };
    expect(evidence.request.method).toBe('GET');
    expect(evidence.response.status).toBe(200);
    const error = targets.find((t) => t.status === 'error');
    expect(error).toMatchObject({ status: 'error', error: expect.stringMatching(/^ECONNREFUSED/), findings: [] });
    const moved = targets.find((t) => String(t.url).endsWith('/moved'));
    expect(moved).toMatchObject({ redirect: { status: 301, location: `${server.url}/elsewhere` } });
    expect(doc.summary).toMatchObject({ targets: 4, errors: 1, findings: 2, durationMs: 1234 });
  });

  it('stays valid JSON with no targets', () => {
    expect(JSON.parse(render('json', []))).toMatchObject({ targets: [], summary: { targets: 0 } });
  });
});

describe('redaction', () => {
  function credentialed(): ScanTargetResult {
    const copy = structuredClone(results.find((r) => r.findings.length > 0)!);
    for (const finding of copy.findings) {
      finding.evidence.request.headers.push(['Cookie', 'session=s3cr3t'], ['X-Key', 'k-123']);
    }
    return copy;
  }

  it('replaces the values of Cookie and Authorization request headers in json, jsonl and markdown by default', () => {
    for (const format of ['json', 'jsonl', 'markdown'] as const) {
      const text = render(format, [credentialed()]);
      expect({ format, leaked: text.includes('session=s3cr3t') }).toEqual({ format, leaked: false });
      expect(text).toContain('[redacted]');
      expect(text).toContain('k-123');
    }
  });

  it('redacts the names it is given, and nothing with an empty list', () => {
    const reporter = createReporter('jsonl', { redact: ['x-key'] });
    const line = reporter.target(credentialed());
    expect(line).toContain('session=s3cr3t');
    expect(line).not.toContain('k-123');
    expect(createReporter('json', { redact: [] }).target(credentialed())).toContain('session=s3cr3t');
  });

  it('never changes the finding itself (the evidence stays exact for library users)', () => {
    const result = credentialed();
    render('json', [result]);
    expect(result.findings[0]?.evidence.request.headers).toContainEqual(['Cookie', 'session=s3cr3t']);
  });
});

describe('jsonl', () => {
  it('writes exactly one JSON target per line, then one summary record as the last line', () => {
    const lines = render('jsonl').trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const parsed = lines.slice(0, 4).map((line) => JSON.parse(line) as { url: string; findings: unknown[] });
    expect(parsed.map((t) => t.url)).toEqual(results.map((r) => r.url));
    expect(parsed.every((t) => !('summary' in t))).toBe(true);
    const last = JSON.parse(lines[4]!) as { summary: { targets: number; findings: number }; finishedAt: string };
    expect(last.summary).toMatchObject({ targets: 4, findings: 2 });
    expect(last.finishedAt).toBe('2026-01-02T03:04:06.234Z');
  });

  it('ends with the summary record even when there is no target', () => {
    expect(JSON.parse(render('jsonl', []))).toMatchObject({ summary: { targets: 0 } });
  });
});

describe('text', () => {
  it('names each target, its findings with attacker origin and evidence, and a summary; no colour by default', () => {
    const text = render('text');
    expect(text).toContain('corsight 9.9.9');
    expect(text).toMatch(/✗ http:\/\/127\.0\.0\.1:\d+\/api\?x=1 {2}2 findings \(1 high, 1 medium\)/);
    expect(text).toContain('HIGH      origin-reflected');
    expect(text).toContain('attacker: https://attacker-corsight.example (simple request)');
    expect(text).toContain('(through a preflight)');
    expect(text).toMatch(
      /request: {2}OPTIONS http:\/\/127\.0\.0\.1:\d+\/api\?x=1 {2}Origin: https:\/\/attacker-corsight\.example {2}Access-Control-Request-Method: PUT/,
    );
    expect(text).toMatch(/✓ http:\/\/127\.0\.0\.1:\d+\/clean {2}no findings/);
    expect(text).toMatch(/redirect: 301 -> http:\/\/127\.0\.0\.1:\d+\/elsewhere \(not followed/);
    expect(text).toMatch(/! http:\/\/127\.0\.0\.1:\d+\/ {2}error: ECONNREFUSED/);
    expect(text).toContain('Summary: 4 targets (3 ok, 1 error), 2 findings (1 high, 1 medium), ');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('colours only when given a painter, and neutralises control characters from the server', () => {
    const hostile = structuredClone(results.find((r) => r.findings.length > 0)!);
    hostile.findings[0]!.title = 'evil\u001b[2Jtitle\rX';
    const reporter = createReporter('text', { paint: (_style, text) => `<${text}>` });
    const text = reporter.target(hostile);
    expect(text).toContain('evil\\x1b[2Jtitle\\x0dX');
    expect(text).toContain('<HIGH     >');
  });
});

describe('markdown', () => {
  it('renders a section per target with evidence and the PoC in fences that server text cannot close', () => {
    const tricky = structuredClone(results.find((r) => r.findings.length > 0)!);
    tricky.findings[0]!.poc = '<script>\n```\n# not a heading\n</script>';
    const md = render('markdown', [tricky]);
    expect(md).toMatch(/^# CORS scan by corsight 9\.9\.9/);
    expect(md).toMatch(/## `http:\/\/127\.0\.0\.1:\d+\/api\?x=1`/);
    expect(md).toContain('### HIGH: ');
    expect(md).toContain('- **Attacker origin:** `https://attacker-corsight.example` (simple request)');
    expect(md).toContain('````html\n<script>\n```\n# not a heading\n</script>\n````');
    expect(md).toMatch(/```http\nGET \/api\?x=1 HTTP\/1\.1\nHost: 127\.0\.0\.1:\d+\n/);
    expect(md).toContain('| `origin-reflected` | 1 |');
  });
});

describe('sarif', () => {
  const validate = sarifValidator();

  function check(text: string): Record<string, unknown> {
    const log = JSON.parse(text) as Record<string, unknown>;
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    return log;
  }

  it('validates against the official SARIF 2.1.0 schema, with and without results', () => {
    check(render('sarif'));
    check(render('sarif', []));
    check(
      render(
        'sarif',
        results.filter((r) => r.status === 'error'),
      ),
    );
  });

  it('rejects a broken log, so the validation above can fail', () => {
    const log = JSON.parse(render('sarif')) as { runs: { results: Record<string, unknown>[] }[] };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('has one rule per check with its definition, levels and security-severity from severities, the URL as logical location', () => {
    const log = check(render('sarif')) as {
      runs: {
        tool: {
          driver: {
            name: string;
            rules: { id: string; fullDescription: { text: string }; properties: Record<string, unknown> }[];
          };
        };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: {
            physicalLocation: { artifactLocation: { uri: string } };
            logicalLocations: { fullyQualifiedName: string }[];
          }[];
          partialFingerprints: Record<string, string>;
          properties: Record<string, unknown>;
        }[];
        invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[];
      }[];
    };
    const run = log.runs[0];
    expect(run?.tool.driver.name).toBe('corsight');
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual(['origin-reflected', 'permissive-preflight']);
    expect(run?.tool.driver.rules[0]?.fullDescription.text).toBe(reflectionCheck.definition);
    expect(run?.tool.driver.rules[0]?.properties['security-severity']).toBe('8.1');
    expect(run?.tool.driver.rules[1]?.properties['security-severity']).toBe('5.3');
    const reflected = run?.results.find((r) => r.ruleId === 'origin-reflected');
    expect(reflected).toMatchObject({ ruleIndex: 0, level: 'error' });
    expect(run?.results.find((r) => r.ruleId === 'permissive-preflight')).toMatchObject({
      ruleIndex: 1,
      level: 'warning',
    });
    // Code scanning takes repository files only: the URL is the logical location and starts the message.
    expect(reflected?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('corsight.sarif');
    expect(reflected?.locations[0]?.logicalLocations[0]?.fullyQualifiedName).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/api\?x=1$/,
    );
    expect(reflected?.message.text).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\?x=1: /);
    expect(reflected?.partialFingerprints['corsightFinding/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(run?.invocations[0]?.toolExecutionNotifications[0]?.message.text).toMatch(/ECONNREFUSED/);
  });

  it('gives the same finding the same fingerprint across runs', () => {
    const a = JSON.parse(render('sarif')) as { runs: { results: { partialFingerprints: Record<string, string> }[] }[] };
    const b = JSON.parse(render('sarif')) as typeof a;
    expect(a.runs[0]?.results.map((r) => r.partialFingerprints)).toEqual(
      b.runs[0]?.results.map((r) => r.partialFingerprints),
    );
  });
});

it('offers exactly the documented formats', () => {
  expect(reportFormats).toEqual(['text', 'json', 'jsonl', 'sarif', 'markdown', 'html', 'junit']);
});
