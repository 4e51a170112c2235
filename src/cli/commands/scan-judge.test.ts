/**
 * `corsight scan` with the judge: --policy (declared trust, drift, broken callers, one judgement with
 * check-policy), --baseline (marked, not failing, resolved), the ignore file, --exclude-checks and the site view.
 * Every scan runs the real checks against real servers on loopback: the README's recommended middleware
 * configuration served by corsight's own node adapter, and a server whose rule a test can change between scans.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCors } from '../../adapters/node.js';
import { startLab } from '../../lab/index.js';
import { httpServer, type TestServer } from '../../scanner/__fixtures__/servers.js';
import { UsageError } from '../exit-codes.js';
import { checkPolicy } from './check-policy.js';
import { captureScan, type Captured } from '../__fixtures__/capture-scan.js';
import type { ScanCommandOptions } from './scan.js';

/** The README's recommended configuration ("Add CORS to your server"). */
const readmePolicy = {
  origins: ['https://app.example.com', 'https://*.example.com', 'http://localhost:*'],
  credentials: true,
  methods: ['PUT', 'DELETE'],
  requestHeaders: ['content-type'],
};

const secret: http.RequestListener = (_req, res) => {
  res.setHeader('Content-Type', 'application/json');
  res.end('{"secret":"s3cr3t"}');
};

/** What the switchable server does: reflect every Origin with credentials, or trust one exact origin. */
let mode: 'reflect' | 'exact' = 'reflect';
const switchable: http.RequestListener = (req, res) => {
  const origin = req.headers.origin;
  if (origin !== undefined && (mode === 'reflect' || origin === 'https://app.example.com')) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
  if (req.method === 'OPTIONS') {
    res.statusCode = 204;
    res.end();
    return;
  }
  secret(req, res);
};

let readmeServer: TestServer;
let server: TestServer;
let dir: string;

beforeAll(async () => {
  const cors = withCors(readmePolicy, secret);
  // A static policy decides synchronously: the handler returns nothing to wait for.
  readmeServer = await httpServer((req, res) => void cors(req, res));
  server = await httpServer(switchable);
  dir = await mkdtemp(join(tmpdir(), 'corsight-judge-'));
});
afterAll(async () => {
  await readmeServer.close();
  await server.close();
});

function scan(urls: string[], options: ScanCommandOptions = {}, cwd = dir): Promise<Captured> {
  return captureScan(urls, { timeout: '3000', quiet: true, ...options }, undefined, { cwd });
}

async function usage(urls: string[], options: ScanCommandOptions, cwd = dir): Promise<string> {
  const error = await scan(urls, options, cwd).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

interface JsonFinding {
  check: string;
  severity: string;
  attackerOrigin: string;
  rule: string;
  fingerprint: string;
  declared?: boolean;
  policy?: { verdict: string; entry: string; advice: string; assessed: string };
  baseline?: boolean;
  suppressed?: { reason: string; entry: string };
  siteWide?: { origin: string; first: string };
}
interface JsonReport {
  fingerprints: string;
  targets: { url: string; checks: { id: string; outcome: string }[]; findings: JsonFinding[] }[];
  summary: {
    highest: string | null;
    declared: number;
    baseline: number;
    suppressed: number;
    siteWide: { origin: string; check: string; endpoints: string[] }[];
    resolved?: { url: string; check: string; fingerprint: string }[];
    unverified?: number;
  };
}

function json(text: string): JsonReport {
  return JSON.parse(text) as JsonReport;
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('scan --policy', () => {
  it('judges the README configuration as check-policy does: declared risks at info with the same id and words, not failing --fail-on high', async () => {
    const policyFile = await file('readme-policy.json', JSON.stringify(readmePolicy));
    // check-policy: valid, with one warning per declared risk.
    const out = new PassThrough();
    let checked = '';
    out.on('data', (chunk: Buffer) => (checked += chunk.toString()));
    const checkCode = await checkPolicy(policyFile, { format: 'json' }, { stdout: out, stderr: new PassThrough() });
    expect(checkCode).toBe(0);
    const problems = (JSON.parse(checked) as { problems: { code: string; severity: string; message: string }[] })
      .problems;
    expect(problems.map((p) => [p.code, p.severity])).toEqual([
      ['origin-redundant', 'warning'],
      ['any-subdomain-trusted', 'warning'],
      ['localhost-trusted', 'warning'],
    ]);
    const risks = problems.slice(1);

    const url = `${readmeServer.url}/me`;
    // Without the policy, the same server fails the gate (a sub-domain wildcard with credentials)...
    const raw = await scan([url], { format: 'json', failOn: 'medium', origin: ['https://app.example.com'] });
    expect(raw.code).toBe(1);
    const rawFindings = json(raw.stdout).targets[0]!.findings;
    expect(rawFindings.find((f) => f.check === 'any-subdomain-trusted')?.severity).toMatch(/medium|high|critical/);

    // ...and with it, the declared choices are info, declared, with check-policy's advice word for word: neither
    // --fail-on medium nor --fail-on high fails.
    const judged = await scan([url], { format: 'json', failOn: 'medium', policy: policyFile });
    expect(judged.code).toBe(0);
    expect((await scan([url], { failOn: 'high', policy: policyFile })).code).toBe(0);
    const report = json(judged.stdout);
    const findings = report.targets[0]!.findings;
    for (const problem of risks) {
      const finding = findings.find((f) => f.check === problem.code);
      expect(finding, problem.code).toBeDefined();
      expect(finding).toMatchObject({ severity: 'info', declared: true, policy: { verdict: 'declared' } });
      expect(finding!.policy!.advice).toBe(problem.message);
    }
    expect(findings.find((f) => f.check === 'any-subdomain-trusted')!.policy).toMatchObject({
      entry: 'origins[1] https://*.example.com',
      assessed: rawFindings.find((f) => f.check === 'any-subdomain-trusted')!.severity,
    });
    expect(report.summary.declared).toBeGreaterThanOrEqual(2);
    // The server applies the policy: no declared caller is refused.
    const callers = report.targets[0]!.checks.find((c) => c.id === 'declared-caller-refused');
    expect(callers?.outcome).toBe('clear');
  });

  it('reports trust beyond the policy as drift at full severity, naming the entry the server breaks', async () => {
    const policyFile = await file('narrow.yaml', 'origins:\n  - https://app.example.com\ncredentials: true\n');
    const r = await scan([`${readmeServer.url}/me`], { format: 'json', failOn: 'medium', policy: policyFile });
    expect(r.code).toBe(1);
    const subdomain = json(r.stdout).targets[0]!.findings.find((f) => f.check === 'any-subdomain-trusted')!;
    expect(subdomain.declared).toBeUndefined();
    expect(subdomain.severity).toBe(subdomain.policy!.assessed);
    expect(subdomain.policy).toMatchObject({ verdict: 'drift', entry: 'origins' });
    expect(subdomain.policy!.advice).toContain(subdomain.attackerOrigin);
  });

  it('reports declared origins, methods and headers the server refuses as broken callers', async () => {
    const policyFile = await file(
      'callers.yaml',
      'origins:\n  - https://app.example.com\n  - https://admin.example.org\ncredentials: true\nmethods: [PUT, PATCH]\nrequestHeaders: [x-api-key]\n',
    );
    const r = await scan([`${readmeServer.url}/me`], { format: 'json', failOn: 'high', policy: policyFile });
    const broken = json(r.stdout).targets[0]!.findings.filter((f) => f.check === 'declared-caller-refused');
    expect(broken.map((f) => f.policy!.entry).sort()).toEqual([
      'origins[0] https://app.example.com',
      'origins[0] https://app.example.com',
      'origins[1] https://admin.example.org',
    ]);
    const rules = broken.map((f) => f.rule).join('\n');
    expect(rules).toContain('the origin `https://admin.example.org`');
    expect(rules).toContain('PATCH');
    expect(rules).toContain('x-api-key');
    for (const f of broken) expect(f.policy!.verdict).toBe('broken-caller');
  });

  it('refuses a policy with errors before sending anything, naming the problem', async () => {
    const policyFile = await file('bad.yaml', 'origins: ["*"]\ncredentials: true\n');
    const message = await usage([`${readmeServer.url}/me`], { policy: policyFile });
    expect(message).toContain('origin-wildcard-with-credentials');
    expect(await usage([`${readmeServer.url}/me`], { policy: join(dir, 'missing.yaml') })).toContain('ENOENT');
  });
});

describe('scan --baseline', () => {
  it('marks known findings, fails only on new ones, and lists the resolved ones', async () => {
    const a = `${server.url}/a`;
    const b = `${server.url}/b`;
    mode = 'reflect';
    const first = await scan([a, b], { format: 'json', output: join(dir, 'baseline.json'), failOn: 'high' });
    expect(first.code).toBe(1);
    const baselineFile = join(dir, 'baseline.json');
    const baseline = json(await readFile(baselineFile, 'utf8'));
    expect(baseline.fingerprints).toBe('corsight-finding/v1');

    // Same server, other order: every finding is known, nothing fails.
    const again = await scan([b, a], { format: 'json', failOn: 'high', baseline: baselineFile });
    expect(again.code).toBe(0);
    const report = json(again.stdout);
    for (const target of report.targets) for (const f of target.findings) expect(f.baseline).toBe(true);
    // Fingerprints do not depend on the order or the time of the run.
    const prints = (r: JsonReport) =>
      r.targets.flatMap((t) => t.findings.map((f) => `${t.url} ${f.check} ${f.fingerprint}`)).sort();
    expect(prints(report)).toEqual(prints(baseline));
    expect(report.summary.highest).toBeNull();
    expect(report.summary.resolved).toEqual([]);
    // SARIF says the same per result: every finding was in the baseline.
    const sarif = await scan([b, a], { format: 'sarif', baseline: baselineFile });
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { baselineState?: string }[] }[] }).runs[0]!
      .results;
    expect(results.length).toBeGreaterThan(0);
    expect(results.map((r) => r.baselineState)).toEqual(results.map(() => 'unchanged'));

    // The server is fixed: the baseline's reflection is resolved on the target that was rescanned, unverified on
    // the one that was not.
    mode = 'exact';
    try {
      const fixed = await scan([a], { format: 'json', failOn: 'high', baseline: baselineFile });
      expect(fixed.code).toBe(0);
      const summary = json(fixed.stdout).summary;
      expect(summary.resolved!.map((f) => [f.url, f.check])).toContainEqual([a, 'origin-reflected']);
      expect(summary.resolved!.every((f) => f.url === a)).toBe(true);
      expect(summary.unverified).toBe(baseline.targets.find((t) => t.url === b)!.findings.length);
      const text = await scan([a], { baseline: baselineFile });
      expect(text.stdout).toMatch(/resolved since the baseline/);
      expect(text.stdout).toContain('resolved: origin-reflected on');
    } finally {
      mode = 'reflect';
    }
  });

  it('takes --baseline, --policy and --ignore-file from the config file, paths relative to it', async () => {
    const project = await mkdtemp(join(tmpdir(), 'corsight-config-'));
    const a = `${server.url}/config-a`;
    await scan([a], { format: 'json', output: join(project, 'base.json') });
    await writeFile(join(project, 'cors.yaml'), 'origins: [https://app.example.com]\ncredentials: true\n');
    await writeFile(join(project, 'accepted.txt'), `null-origin-trusted ${server.url}/* # sandboxed widget\n`);
    await writeFile(
      join(project, 'corsight.config.yaml'),
      'baseline: base.json\npolicy: cors.yaml\nignore-file: accepted.txt\nfail-on: high\n',
    );
    const r = await scan([a], { format: 'json' }, project);
    const findings = json(r.stdout).targets[0]!.findings;
    expect(findings.find((f) => f.check === 'origin-reflected')).toMatchObject({
      baseline: true,
      policy: { verdict: 'drift' },
    });
    expect(findings.find((f) => f.check === 'null-origin-trusted')!.suppressed?.reason).toBe('sandboxed widget');
    expect(r.code).toBe(0);
  });

  it('marks baseline findings in the text report and still fails on new ones', async () => {
    const a = `${server.url}/new-a`;
    await scan([a], { format: 'json', output: join(dir, 'only-a.json') });
    const r = await scan([a, `${server.url}/new-b`], { baseline: join(dir, 'only-a.json'), failOn: 'high' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BASELINE\s+origin-reflected/);
    expect(r.stdout).toMatch(/in the baseline/);
  });

  it.each([
    ['a SARIF log', { $schema: 'https://x', version: '2.1.0', runs: [] }, 'a SARIF log'],
    ['another tool', { tool: 'other-scanner', targets: [] }, "a report by 'other-scanner'"],
    ['an older corsight', { tool: 'corsight', version: '0.0.9', targets: [] }, 'did not fingerprint findings'],
    [
      'another fingerprint scheme',
      { tool: 'corsight', version: '9.0.0', fingerprints: 'corsight-finding/v9', targets: [] },
      "follow 'corsight-finding/v9'",
    ],
    ['a cut report', { tool: 'corsight', fingerprints: 'corsight-finding/v1' }, 'no "targets" array'],
  ])('refuses %s as a baseline with one clear line (exit 2)', async (_label, document, expected) => {
    const path = await file('foreign.json', JSON.stringify(document));
    const message = await usage([`${server.url}/a`], { baseline: path });
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });

  it('refuses a baseline that is not JSON, or is JSON Lines', async () => {
    expect(await usage([`${server.url}/a`], { baseline: await file('garbage.json', '{"tool": ') })).toContain(
      'not JSON',
    );
    expect(
      await usage([`${server.url}/a`], { baseline: await file('lines.jsonl', '{"url":1}\n{"url":2}\n') }),
    ).toContain('a JSON Lines report');
  });
});

describe('the ignore file and --exclude-checks', () => {
  it('reports accepted risks as suppressed with their reason, never drops them, and does not fail on them', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'corsight-ignore-'));
    const url = `${server.url}/public`;
    const first = json((await scan([url], { format: 'json' }, cwd)).stdout);
    const reflected = first.targets[0]!.findings.find((f) => f.check === 'origin-reflected')!;
    await writeFile(
      join(cwd, '.corsightignore'),
      [
        '# accepted risks',
        `${reflected.fingerprint} # public demo data, reviewed 2026-01`,
        `null-origin-trusted ${server.url}/pub* # sandboxed widget, reviewed 2026-01`,
        `prefix-match https://nowhere.example/* # left over`,
        '',
      ].join('\n'),
    );
    const r = await scan([url], { format: 'json', failOn: 'high' }, cwd);
    const findings = json(r.stdout).targets[0]!.findings;
    expect(findings.find((f) => f.check === 'origin-reflected')!.suppressed).toEqual({
      reason: 'public demo data, reviewed 2026-01',
      entry: '.corsightignore:2',
    });
    expect(findings.find((f) => f.check === 'null-origin-trusted')!.suppressed?.entry).toBe('.corsightignore:3');
    // Every finding is still in the report; the unused entry is named on stderr.
    expect(findings.length).toBe(first.targets[0]!.findings.length);
    expect(r.stderr).toContain('.corsightignore:4 matched no finding');
    const unsuppressed = findings.filter((f) => f.suppressed === undefined && /high|critical/.test(f.severity));
    expect(r.code).toBe(unsuppressed.length > 0 ? 1 : 0);
    const text = await scan([url], {}, cwd);
    expect(text.stdout).toMatch(/SUPPRESSED\s+origin-reflected \(\w+\)\s+public demo data, reviewed 2026-01/);
  });

  it('refuses an entry without a reason, an unknown check and a malformed line, naming the line', async () => {
    const url = `${server.url}/a`;
    const noReason = await file('no-reason.ignore', `origin-reflected ${server.url}/*\n`);
    expect(await usage([url], { ignoreFile: noReason })).toContain('no-reason.ignore:1: no reason');
    const unknown = await file('unknown.ignore', '# header\nno-such-check https://x/* # why\n');
    expect(await usage([url], { ignoreFile: unknown })).toContain("unknown.ignore:2: unknown check 'no-such-check'");
    const bad = await file('bad.ignore', 'abc # why\n');
    expect(await usage([url], { ignoreFile: bad })).toContain('neither a fingerprint');
  });

  it('--exclude-checks leaves the checks out of the run, and refuses unknown ids', async () => {
    const r = await scan([`${server.url}/a`], {
      format: 'json',
      excludeChecks: 'origin-reflected,null-origin-trusted',
    });
    const ids = json(r.stdout).targets[0]!.checks.map((c) => c.id);
    expect(ids).not.toContain('origin-reflected');
    expect(ids).not.toContain('null-origin-trusted');
    expect(ids).toContain('prefix-match');
    expect(await usage([`${server.url}/a`], { excludeChecks: 'origin-reflectd' })).toContain(
      "--exclude-checks: unknown check id 'origin-reflectd'",
    );
  });
});

describe('the site view', () => {
  it('groups one rule found on many endpoints of one origin in the text report; the JSON keeps every finding', async () => {
    const urls = ['/one', '/two', '/three'].map((p) => `${server.url}${p}`);
    const text = (await scan(urls, {})).stdout;
    const origin = new URL(server.url).origin;
    expect(text).toContain(`site-wide: 3 endpoints of ${origin}: origin-reflected`);
    // The full finding is written once, for the first endpoint; the others get one line pointing at it.
    expect(text.match(/fix: +Compare the Origin against an exact allowlist/g)).toHaveLength(1);
    expect(text).toContain(`site-wide: the same rule as ${urls[0]}`);

    const report = json((await scan(urls, { format: 'json' })).stdout);
    for (const target of report.targets) {
      expect(target.findings.find((f) => f.check === 'origin-reflected')).toBeDefined();
    }
    expect(report.targets[1]!.findings.find((f) => f.check === 'origin-reflected')!.siteWide).toEqual({
      origin,
      first: urls[0],
    });
    const group = report.summary.siteWide.find((g) => g.check === 'origin-reflected')!;
    expect(group.endpoints).toEqual(urls);
  });
});

describe('--format junit', () => {
  it('writes one test case per target x check, failing on findings that reach --fail-on, to stdout and --report', async () => {
    const urls = [`${server.url}/j1`, `${readmeServer.url}/j2`];
    const reportFile = join(dir, 'scan.junit.xml');
    const r = await scan(urls, {
      format: 'junit',
      failOn: 'high',
      report: [`junit:${reportFile}`],
      origin: ['https://app.example.com'],
    });
    expect(r.code).toBe(1);
    expect(await readFile(reportFile, 'utf8')).toBe(r.stdout);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    const suites = r.stdout.split('<testsuite ').slice(1);
    expect(suites).toHaveLength(2);
    // The reflecting server fails origin-reflected; the README server's declared-looking trust is below high.
    expect(suites[0]).toMatch(
      /<testcase classname="[^"]+\/j1" name="origin-reflected" time="0">\n\s+<failure message="(high|critical): /,
    );
    expect(suites[1]).not.toContain('<failure');
    expect(suites[1]).toMatch(/name="any-subdomain-trusted" time="0">\n\s+<system-out>MEDIUM any-subdomain-trusted/);
  });
});

describe('on the lab', () => {
  it('groups the numbered copies of one misconfigured endpoint into one site-wide entry, and baselines a whole lab scan', async () => {
    const lab = await startLab();
    try {
      const flags: ScanCommandOptions = { resolve: lab.resolve, insecure: true };
      // Six copies of /reflect-credentials on one origin: the same rule, six endpoints.
      const copies = [1, 2, 3, 4, 5, 6].map((n) => `${lab.httpsUrl}/t/${n}/reflect-credentials`);
      const text = (await scan(copies, flags)).stdout;
      expect(text).toContain(`site-wide: 6 endpoints of ${lab.httpsUrl}: origin-reflected (critical)`);
      expect(text.match(/^ {2}CRITICAL {2}origin-reflected {2}Arbitrary origin trusted/gm)).toHaveLength(1);

      // A baseline of several misconfigured endpoints: rescanning them fails nothing, the exit status says so.
      const targets = ['/reflect-credentials', '/null-allowlist', '/suffix', '/any-subdomain', '/exact-allowlist'].map(
        (path) => `${lab.httpsUrl}${path}`,
      );
      const baselineFile = join(dir, 'lab-baseline.json');
      const first = await scan(targets, { ...flags, format: 'json', output: baselineFile, failOn: 'high' });
      expect(first.code).toBe(1);
      const again = await scan([...targets].reverse(), {
        ...flags,
        format: 'json',
        baseline: baselineFile,
        failOn: 'low',
      });
      expect(again.code).toBe(0);
      const report = json(again.stdout);
      expect(report.summary.baseline).toBeGreaterThanOrEqual(4);
      expect(report.summary.resolved).toEqual([]);
      expect(report.targets.flatMap((t) => t.findings).every((f) => f.baseline === true)).toBe(true);
    } finally {
      await lab.close();
    }
  });

  it('refuses a baseline that is a directory, without hanging', async () => {
    expect(await usage([`${server.url}/a`], { baseline: dir })).toContain('not a regular file');
  });
});
