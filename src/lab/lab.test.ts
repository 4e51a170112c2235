import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIds } from '../scanner/checks/index.js';
import { scanTarget } from '../scanner/index.js';
import type { TargetResult } from '../scanner/types.js';
import { labCertificate, labPrivateKey } from './certs/index.js';
import { startLab, type Lab } from './index.js';

let lab: Lab;
const results = new Map<string, TargetResult>();

beforeAll(async () => {
  lab = await startLab();
  // Scan every endpoint once (sequentially: the machine is small and the lab is the subject).
  for (const endpoint of lab.endpoints) {
    results.set(
      endpoint.path,
      await scanTarget(`${lab.httpsUrl}${endpoint.path}`, {
        resolve: lab.resolve,
        insecure: true,
        trustedOrigins: endpoint.origins ?? [],
      }),
    );
  }
});
afterAll(async () => {
  await lab.close();
});

describe('lab', () => {
  it('covers every check with at least one endpoint, and has secure controls', () => {
    const covered = new Set(lab.endpoints.flatMap((e) => e.expected));
    expect([...checkIds].filter((id) => !covered.has(id))).toEqual([]);
    expect(lab.endpoints.filter((e) => e.secureControl).length).toBeGreaterThanOrEqual(3);
  });

  it('scans every endpoint without error and finds exactly the expected checks', () => {
    const report = lab.endpoints.map((e) => {
      const result = results.get(e.path)!;
      return {
        path: e.path,
        status: result.status,
        error: result.error,
        got: result.findings.map((f) => f.check).sort(),
        expected: [...e.expected].sort(),
      };
    });
    const wrong = report.filter((r) => r.status !== 'ok' || JSON.stringify(r.got) !== JSON.stringify(r.expected));
    expect(wrong).toEqual([]);
  });

  it('reports nothing above info on the secure controls', () => {
    for (const e of lab.endpoints.filter((x) => x.secureControl)) {
      const findings = results.get(e.path)!.findings;
      expect(findings.filter((f) => f.severity !== 'info').map((f) => `${e.path}: ${f.check} ${f.severity}`)).toEqual(
        [],
      );
    }
  });

  it('grades with the browser model: critical with a SameSite=None cookie, downgraded on 404, via preflight when CORS is only there', () => {
    const find = (path: string, check: string) => results.get(path)!.findings.find((f) => f.check === check);
    expect(find('/reflect-credentials', 'origin-reflected')?.severity).toBe('critical');
    expect(find('/reflect-public', 'origin-reflected')?.severity).toBe('low');
    const notFound = find('/reflect-not-found', 'origin-reflected');
    expect(notFound?.severity).toBe('low');
    expect(notFound?.detail).toMatch(/Downgraded from high: this URL answered 404/);
    expect(find('/reflect-unauthorized', 'origin-reflected')?.severity).toBe('medium');
    const preflightOnly = find('/preflight-only', 'origin-reflected');
    expect(preflightOnly?.via).toBe('preflight');
    expect(preflightOnly?.severity).toBe('high');
    expect(find('/prefix', 'prefix-match')?.attackerOrigin).toBe('https://corsight-lab.test.corsight-attacker.com');
    expect(find('/suffix', 'suffix-match')?.rule).toBe(
      'accepts any origin whose host ends in `corsight-lab.test`, over http or https',
    );
    expect(find('/special-char', 'special-char-bypass')?.attackerOrigin).toBe(
      'https://corsight-lab.test_.corsight-attacker.com',
    );
    expect(find('/unescaped-dot', 'unescaped-dot')?.attackerOrigin).toBe('https://wwwxcorsight-lab.test');
    const insecure = find('/insecure-origin', 'insecure-origin-trusted');
    const insecureHsts = find('/insecure-origin-hsts', 'insecure-origin-trusted');
    expect(insecure?.severity).toBe('medium');
    expect(insecureHsts?.severity).toBe('low');
    // A same-site attacker (any sub-domain) carries the SameSite=Lax session cookie: critical, one level down.
    expect(find('/any-subdomain', 'any-subdomain-trusted')?.severity).toBe('high');
    expect(find('/localhost-prefix', 'localhost-trusted')?.severity).toBe('high');
    expect(find('/localhost-dev', 'localhost-trusted')?.severity).toBe('low');
    expect(find('/wildcard-public', 'wildcard-origin')?.severity).toBe('info');
    expect(find('/missing-vary', 'missing-vary-origin')?.severity).toBe('medium');
  });

  it('finds the misses of issue 10: Vary for a trusted-only answer, truncations of trusted origins, flawed rules nobody can exploit yet', () => {
    const find = (path: string, check: string) => results.get(path)!.findings.find((f) => f.check === check);
    // ACAO only for the front end the trust analysis found, shared caches allowed, no Vary: medium.
    const vary = find('/missing-vary-trusted', 'missing-vary-origin');
    expect(vary?.severity).toBe('medium');
    expect(vary?.detail).toContain('https://app.corsight-lab.test → https://app.corsight-lab.test');
    // The truncation of the owner's origin is registrable: the exact rule is named, at full severity.
    const truncated = find('/allowlist-string', 'substring-match');
    expect(truncated?.attackerOrigin).toBe('https://app.corsight-lab.co');
    expect(truncated?.rule).toContain('a truncation of the trusted `https://app.corsight-lab.com`');
    expect(truncated?.severity).toBe('high');
    // The same rule where no accepted name can be registered today: reported, low, with the reason.
    const witness = find('/allowlist-string-unregistrable', 'substring-match');
    expect(witness?.attackerOrigin).toBe('https://app.corsight-lab.tes');
    expect(witness?.severity).toBe('low');
    expect(witness?.detail).toMatch(/Nobody can register `app\.corsight-lab\.tes` today/);
    const internal = find('/internal-suffix', 'suffix-match');
    expect(internal?.attackerOrigin).toBe('https://attackercorsight-lab.internal');
    expect(internal?.severity).toBe('low');
    expect(internal?.rule).toBe('accepts any origin whose host ends in `corsight-lab.internal`, over http or https');
  });

  it('decides every check on every endpoint: status ok, no check inconclusive, probe counts add up', () => {
    for (const e of lab.endpoints) {
      const result = results.get(e.path)!;
      expect(
        result.checks.map((c) => c.id),
        e.path,
      ).toEqual([...checkIds]);
      expect(
        result.checks.filter((c) => c.outcome === 'inconclusive'),
        e.path,
      ).toEqual([]);
      expect(
        result.checks
          .filter((c) => c.outcome === 'finding')
          .map((c) => c.id)
          .sort(),
        e.path,
      ).toEqual([...new Set(result.findings.map((f) => f.check))].sort());
      const { sent, answered, failed, rateLimited } = result.probes;
      expect(answered + failed + rateLimited, e.path).toBe(sent);
      expect(failed + rateLimited, e.path).toBe(0);
    }
  });

  it('serves numbered copies that behave like the original', async () => {
    const [first, second] = lab.targets(2);
    expect(first).toBe(`${lab.httpsUrl}/t/0${lab.endpoints[0]?.path}`);
    const copy = await scanTarget(second!, { resolve: lab.resolve, insecure: true });
    const original = results.get(lab.endpoints[1]?.path ?? '');
    expect(original).toBeDefined();
    expect(copy.findings.map((f) => [f.check, f.severity])).toEqual(
      original?.findings.map((f) => [f.check, f.severity]),
    );
  });

  it('keeps the embedded certificate equal to the committed PEM files', () => {
    expect(labCertificate).toBe(readFileSync(new URL('./certs/lab-cert.pem', import.meta.url), 'utf8'));
    expect(labPrivateKey).toBe(readFileSync(new URL('./certs/lab-key.pem', import.meta.url), 'utf8'));
  });
});
