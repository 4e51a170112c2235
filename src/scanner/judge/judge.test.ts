/**
 * The judge's pieces as data: fingerprints stable across what varies between runs, URL globs, the ignore file's
 * grammar, and what the baseline counts as resolved. (The CLI's end-to-end tests, src/cli/commands/scan-judge.test.ts,
 * run them against live servers.)
 */
import { describe, expect, it } from 'vitest';
import type { ScanTargetResult } from '../scanner.js';
import type { Finding } from '../types.js';
import { createJudge, declarePolicy, findingFingerprint, parseBaseline, parseIgnoreFile, stableRule } from './index.js';
import { globToRegExp } from './glob.js';

const finding = (rule: string, severity: Finding['severity'] = 'high'): Finding => ({
  check: 'origin-reflected',
  severity,
  title: 't',
  detail: 'd',
  attackerOrigin: 'https://corsight-attacker.com',
  via: 'simple',
  rule,
  evidence: {
    request: { method: 'GET', url: 'https://a.example/x', headers: [] },
    response: { status: 200, headers: [], bodySnippet: '' },
  },
  poc: '',
});

const result = (url: string, findings: Finding[], outcome: 'finding' | 'clear' | 'inconclusive'): ScanTargetResult => ({
  url,
  status: outcome === 'inconclusive' ? 'partial' : 'ok',
  findings,
  checks: [{ id: 'origin-reflected', outcome }],
  probes: { sent: 1, answered: 1, failed: 0, rateLimited: 0, retried: 0 },
  requests: 1,
});

describe('fingerprints', () => {
  it('depend on target, check and rule only: not on severity, attacker origin, channel or what went unanswered', () => {
    const base = findingFingerprint('https://a.example/x', finding('reflects any Origin'));
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    const other: Finding = {
      ...finding('reflects any Origin', 'low'),
      via: 'preflight',
      attackerOrigin: 'https://other.example',
    };
    expect(findingFingerprint('https://a.example/x', other)).toBe(base);
    expect(
      findingFingerprint(
        'https://a.example/x',
        finding(
          'reflects any Origin; whether a broader rule holds (origin-reflected) is unknown: x got no answer (timeout after 10000 ms)',
        ),
      ),
    ).toBe(base);
    expect(findingFingerprint('https://a.example/y', finding('reflects any Origin'))).not.toBe(base);
    expect(findingFingerprint('https://a.example/x', finding('trusts null'))).not.toBe(base);
    expect(stableRule('accepts x')).toBe('accepts x');
  });
});

describe('URL globs', () => {
  it('match the whole URL, * any run (slashes too), ? one character, everything else literally', () => {
    const glob = globToRegExp('https://api.example.com/v?/public/*');
    expect(glob.test('https://api.example.com/v1/public/a/b?c=d')).toBe(true);
    expect(glob.test('https://api.example.com/v12/public/a')).toBe(false);
    expect(glob.test('https://apiXexample.com/v1/public/a')).toBe(false);
    expect(globToRegExp('https://a.example/(x)+[y]').test('https://a.example/(x)+[y]')).toBe(true);
  });
});

describe('the ignore file', () => {
  const known = ['origin-reflected', 'null-origin-trusted'];
  it('reads fingerprints and CHECK URL-GLOB entries with their reasons, and matches findings', () => {
    const print = findingFingerprint('https://a.example/x', finding('r'));
    const list = parseIgnoreFile(
      `# accepted\n\n${print.toUpperCase()}  # reviewed\r\norigin-reflected https://b.example/* # public\n`,
      'f',
      known,
    );
    expect(list.entries.map((e) => e.where)).toEqual(['f:3', 'f:4']);
    expect(list.match('https://a.example/x', { check: 'origin-reflected', fingerprint: print })).toEqual({
      reason: 'reviewed',
      entry: 'f:3',
    });
    expect(list.match('https://b.example/q', { check: 'origin-reflected', fingerprint: 'x' })?.entry).toBe('f:4');
    expect(list.match('https://b.example/q', { check: 'null-origin-trusted', fingerprint: 'x' })).toBeUndefined();
    expect(list.unused()).toEqual([]);
  });

  it.each([
    ['origin-reflected https://a/*', 'f:1: no reason'],
    ['origin-reflected https://a/* #   ', 'f:1: no reason'],
    ['origin-reflected https://a/* extra # why', 'not 3 words'],
    ['0123 # why', 'neither a fingerprint'],
    ['nope https://a/* # why', "unknown check 'nope'"],
    ['origin-reflected https://a/\u001b[2J # why', 'control characters'],
  ])('refuses %j', (line, message) => {
    expect(() => parseIgnoreFile(line, 'f', known)).toThrow(message);
  });
});

describe('the baseline', () => {
  const url = 'https://a.example/x';
  const doc = (findings: { check: string; rule: string }[]) =>
    JSON.stringify({
      tool: 'corsight',
      version: '0.1.0',
      fingerprints: 'corsight-finding/v1',
      targets: [{ url, findings }],
    });

  it('marks known findings, and counts a missing one resolved only when its check was decided on its target', () => {
    const baseline = parseBaseline(
      doc([
        { check: 'origin-reflected', rule: 'old rule' },
        { check: 'origin-reflected', rule: 'kept' },
      ]),
      'b',
    );
    const judge = createJudge({ baseline });
    const judged = judge.target(result(url, [finding('kept'), finding('new')], 'finding'));
    expect(judged.findings.map((f) => f.baseline)).toEqual([true, undefined]);
    expect(judge.resolved()).toMatchObject({ resolved: [{ url, rule: 'old rule' }], unverified: 0 });

    const undecided = createJudge({ baseline });
    undecided.target(result(url, [], 'inconclusive'));
    expect(undecided.resolved()).toEqual({ resolved: [], unverified: 2 });
    // A target the run did not scan proves nothing either.
    expect(createJudge({ baseline }).resolved()).toEqual({ resolved: [], unverified: 2 });
  });

  it('leaves the scan result untouched (the judge returns new results)', () => {
    const raw = result(url, [finding('kept')], 'finding');
    const copy = structuredClone(raw);
    createJudge({ baseline: parseBaseline(doc([{ check: 'origin-reflected', rule: 'kept' }]), 'b') }).target(raw);
    expect(raw).toEqual(copy);
  });
});

describe('the declared policy', () => {
  it('compiles every entry the whole policy accepts, opt-ins included, and names the one that declares a finding', () => {
    const policy = declarePolicy(
      {
        origins: ['https://*.github.io', 'http://intranet.example.com'],
        credentials: true,
        dangerouslyAllowPublicSuffixWildcards: true,
        dangerouslyAllowInsecureOrigins: true,
      },
      'p.yaml',
    );
    const hosted = { ...finding('accepts origins under github.io'), check: 'third-party-origin-trusted' as const };
    const judged = policy.judge('https://a.example/x', {
      ...hosted,
      attackerOrigin: 'https://corsight-probe.github.io',
    });
    expect(judged).toMatchObject({
      severity: 'info',
      declared: true,
      policy: { entry: 'origins[0] https://*.github.io' },
    });
    expect(judged.policy!.advice).toContain('Origin where anyone can publish script trusted');
    expect(policy.callers.map((c) => [c.origin, c.exact])).toEqual([
      ['https://corsight-probe.github.io', false],
      ['http://intranet.example.com', true],
    ]);
  });

  it('leaves findings that are not about who may read unjudged', () => {
    const policy = declarePolicy({ origins: ['https://app.example.com'] }, 'p.yaml');
    const vary = { ...finding('omits Vary: Origin'), check: 'missing-vary-origin' as const };
    expect(policy.judge('https://a.example/x', vary)).toBe(vary);
  });
});

describe('drift', () => {
  it('names the entry a look-alike imitates, and origins when it imitates none', () => {
    const policy = declarePolicy(
      { origins: ['https://app.example.com', 'https://*.example.org'], credentials: true },
      'p.yaml',
    );
    const suffix = { ...finding('accepts any origin whose host ends in example.org'), check: 'suffix-match' as const };
    const judged = policy.judge('https://a.example/x', { ...suffix, attackerOrigin: 'https://attackerexample.org' });
    expect(judged.policy).toMatchObject({
      verdict: 'drift',
      entry: 'origins[1] https://*.example.org',
      assessed: 'high',
    });
    expect(judged.severity).toBe('high');
    expect(judged.policy!.advice).toContain('looser than the entry');
    const reflected = policy.judge('https://a.example/x', finding('reflects any Origin'));
    expect(reflected.policy).toMatchObject({ verdict: 'drift', entry: 'origins' });
  });
});

describe('targets with their own request', () => {
  it('tell GET and DELETE of one URL apart in fingerprints and the baseline', () => {
    const url = 'https://a.example/items/1';
    const get = { ...result(url, [finding('reflects any Origin')], 'finding'), method: 'GET' };
    const del = { ...result(url, [finding('reflects any Origin')], 'finding'), method: 'DELETE' };
    const judge = createJudge();
    const [a, b] = [judge.target(get), judge.target(del)];
    expect(a.findings[0]!.fingerprint).not.toBe(b.findings[0]!.fingerprint);
    expect(b.findings[0]!.siteWide).toEqual({ origin: 'https://a.example', first: `GET ${url}` });
    const baseline = parseBaseline(
      JSON.stringify({
        tool: 'corsight',
        fingerprints: 'corsight-finding/v1',
        targets: [{ url, method: 'DELETE', findings: [{ check: 'origin-reflected', rule: 'reflects any Origin' }] }],
      }),
      'b',
    );
    const again = createJudge({ baseline });
    expect([again.target(get), again.target(del)].map((r) => r.findings[0]!.baseline)).toEqual([undefined, true]);
  });
});
