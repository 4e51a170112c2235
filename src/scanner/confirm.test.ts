/**
 * `--confirm` against the lab in real headless Chromium: every finding the browser model calls a read is
 * confirmed by the browser, hygiene findings are never attempted, a read the browser blocks is reported
 * with Chromium's CORS console error, and the only requests are to the lab and the local attacker server.
 */

import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:https';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from '../cli/commands/scan.js';
import { UsageError } from '../cli/exit-codes.js';
import { startLab, type Lab } from '../lab/index.js';
import { createSelfSignedCertificate } from '../chromium/index.js';
import { buildPoc } from './checks/poc.js';
import { ChromiumMissingError, chromiumPath, createConfirmer, isExploitable, type Confirmer } from './confirm.js';
import { scanTarget } from './index.js';
import { chromiumAvailable } from '../../test/support/chromium.js';
import type { Finding, TargetResult } from './types.js';

const available = chromiumAvailable('the --confirm tests');

describe('which findings --confirm attempts', () => {
  const base = {
    severity: 'high',
    title: 't',
    detail: 'd',
    attackerOrigin: 'https://a.example',
    via: 'simple',
    rule: 'r',
    poc: '',
  } as const;
  const evidence = {
    request: { method: 'GET', url: 'https://t.example/', headers: [] },
    response: { status: 200, headers: [], bodySnippet: '' },
  };
  it('reads only; never hygiene findings', () => {
    expect(isExploitable({ ...base, evidence, check: 'origin-reflected', access: 'credentialed-read' })).toBe(true);
    expect(isExploitable({ ...base, evidence, check: 'wildcard-origin', access: 'read' })).toBe(true);
    expect(isExploitable({ ...base, evidence, check: 'origin-reflected', access: 'credentialed-send' })).toBe(false);
    expect(isExploitable({ ...base, evidence, check: 'origin-reflected' })).toBe(false);
    expect(isExploitable({ ...base, evidence, check: 'missing-vary-origin', access: 'credentialed-read' })).toBe(false);
    expect(isExploitable({ ...base, evidence, check: 'wildcard-with-credentials', access: 'read' })).toBe(false);
    expect(isExploitable({ ...base, evidence, check: 'invalid-acao', access: 'read' })).toBe(false);
  });

  it('Chromium missing: a clear error naming the path and CORSIGHT_CHROMIUM; the CLI exits 2', async () => {
    await expect(createConfirmer({ executablePath: '/nonexistent/chromium' })).rejects.toThrow(ChromiumMissingError);
    await expect(createConfirmer({ executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      /\/nonexistent\/chromium does not exist.*CORSIGHT_CHROMIUM/,
    );
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ CORSIGHT_CHROMIUM: '/opt/c' })).toBe('/opt/c');
    const saved = process.env.CORSIGHT_CHROMIUM;
    process.env.CORSIGHT_CHROMIUM = '/nonexistent/chromium';
    try {
      const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
      await expect(runScan(['https://t.example/'], { confirm: true }, io)).rejects.toThrow(UsageError);
      await expect(runScan(['https://t.example/'], { confirm: true }, io)).rejects.toThrow(
        /\/usr\/bin\/chromium|\/nonexistent\/chromium/,
      );
    } finally {
      if (saved === undefined) delete process.env.CORSIGHT_CHROMIUM;
      else process.env.CORSIGHT_CHROMIUM = saved;
    }
  });
});

describe.skipIf(!available)('--confirm in Chromium against the lab', () => {
  let lab: Lab;
  let confirmer: Confirmer;
  const results: TargetResult[] = [];
  /** What beforeAll started, to stop in reverse order even when it failed halfway. */
  const started: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    lab = await startLab();
    started.push(() => lab.close());
    confirmer = await createConfirmer({ cookie: 'lab_session=s3cr3t', resolve: lab.resolve, insecure: true });
    started.push(() => confirmer.close());
    for (const endpoint of lab.endpoints) {
      const result = await scanTarget(`${lab.httpsUrl}${endpoint.path}`, {
        resolve: lab.resolve,
        insecure: true,
        cookie: 'lab_session=s3cr3t',
      });
      results.push(await confirmer.confirm(result));
    }
    // Every lab endpoint is scanned and its PoCs run in Chromium: minutes on a loaded two-core machine.
  }, 600_000);

  afterAll(async () => {
    for (const stop of started.reverse()) await stop();
  });

  it('every finding the model calls a read is confirmed by Chromium', () => {
    const attempted = results.flatMap((result) => result.findings.filter(isExploitable));
    expect(attempted.length).toBeGreaterThan(10);
    for (const finding of attempted) {
      expect({
        check: finding.check,
        url: finding.evidence.request.url,
        confirmation: finding.confirmation,
      }).toMatchObject({ confirmation: { confirmed: true } });
    }
    // The victim's cookie travelled: credentialed reads show the lab's secret.
    const credentialed = attempted.find(
      (f) => f.check === 'origin-reflected' && f.evidence.request.url.endsWith('/reflect-credentials'),
    );
    expect(credentialed?.confirmation?.detail).toContain('lab-secret-0000');
    // Opaque origin, http sibling and localhost origins are served and mapped too.
    const checks = new Set(attempted.map((f) => f.check));
    for (const check of [
      'null-origin-trusted',
      'insecure-origin-trusted',
      'localhost-trusted',
      'special-char-bypass',
      'any-subdomain-trusted',
      'wildcard-origin',
    ]) {
      expect(checks).toContain(check);
    }
  });

  it("a target's own cookie (a HAR entry's, no --cookie) is the victim's cookie in the browser", async () => {
    const bare = await createConfirmer({ resolve: lab.resolve, insecure: true });
    try {
      const url = `${lab.httpsUrl}/reflect-credentials`;
      const reflected = (result: TargetResult) => result.findings.find((f) => f.check === 'origin-reflected');
      const own = await scanTarget(
        { url, method: 'GET', headers: [['Cookie', 'lab_session=s3cr3t']] },
        { resolve: lab.resolve, insecure: true },
      );
      const withCookie = reflected(await bare.confirm(own));
      expect(withCookie?.confirmation).toMatchObject({ confirmed: true });
      expect(withCookie?.confirmation?.detail).toContain('lab-secret-0000');
      // The same target without a cookie: the read is confirmed, but there is no session to read.
      const anonymous = reflected(await bare.confirm(await scanTarget(url, { resolve: lab.resolve, insecure: true })));
      expect(anonymous?.confirmation).toMatchObject({ confirmed: true });
      expect(anonymous?.confirmation?.detail).not.toContain('lab-secret-0000');
    } finally {
      await bare.close();
    }
  }, 120_000);

  it('hygiene findings and non-reads are not attempted', () => {
    const skipped = results.flatMap((result) => result.findings.filter((finding) => !isExploitable(finding)));
    expect(skipped.map((f) => f.check)).toEqual(
      expect.arrayContaining(['missing-vary-origin', 'wildcard-with-credentials', 'invalid-acao']),
    );
    for (const finding of skipped) expect(finding.confirmation).toBeUndefined();
  });

  it('nothing is requested but the lab and the local attacker server', () => {
    const attackerPages = confirmer.attackerRequests.map((entry) => entry.url);
    expect(attackerPages.length).toBeGreaterThan(10);
    // The PoC pages, and the favicon Chromium asks every page's origin for.
    for (const url of attackerPages) expect(url).toMatch(/^\/(corsight-poc-\d+\.html|favicon\.ico)$/);
    const attackerOrigins = new Set(
      results.flatMap((r) =>
        r.findings
          .filter(isExploitable)
          .map((f) => (f.attackerOrigin === 'null' ? 'https://poc.corsight-attacker.com' : f.attackerOrigin)),
      ),
    );
    for (const url of confirmer.browserRequests) {
      const { origin } = new URL(url);
      expect(
        origin === new URL(lab.httpsUrl).origin || attackerOrigins.has(origin) || url.startsWith('about:'),
        url,
      ).toBe(true);
    }
    // http attacker origins (insecure-origin-trusted, localhost-trusted) were served over plain http, not upgraded.
    expect(confirmer.attackerRequests.some((entry) => !entry.tls && entry.url.startsWith('/corsight-poc-'))).toBe(true);
    // Every attacker-page request reached the local server with the attacker's host name.
    for (const entry of confirmer.attackerRequests) {
      expect(entry.host).not.toContain(lab.httpsUrl.replace(/^https:\/\//, ''));
    }
  });

  it('corsight scan --confirm shows the outcome in every report format', async () => {
    const urls = ['/reflect-credentials', '/missing-vary'].map((p) => `${lab.httpsUrl}${p}`);
    const run = async (format: string) => {
      const stdout = new PassThrough();
      let out = '';
      stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const code = await runScan(
        urls,
        {
          confirm: true,
          cookie: 'lab_session=s3cr3t',
          resolve: lab.resolve,
          insecure: true,
          format,
          failOn: 'none',
          quiet: true,
          concurrency: '1',
        },
        { stdin: new PassThrough(), stdout, stderr: new PassThrough() },
      );
      expect(code).toBe(0);
      return out;
    };
    const json = JSON.parse(await run('json')) as {
      targets: {
        url: string;
        findings: { check: string; confirmed?: boolean; confirmation?: { confirmed: boolean } }[];
      }[];
    };
    const reflect = json.targets.find((t) => t.url.endsWith('/reflect-credentials'));
    expect(reflect?.findings.find((f) => f.check === 'origin-reflected')).toMatchObject({
      confirmed: true,
      confirmation: { confirmed: true },
    });
    const vary = json.targets
      .find((t) => t.url.endsWith('/missing-vary'))
      ?.findings.find((f) => f.check === 'missing-vary-origin');
    expect(vary).toBeDefined();
    expect(vary?.confirmed).toBeUndefined();
    expect(await run('jsonl')).toContain('"confirmed":true');
    const sarif = JSON.parse(await run('sarif')) as { runs: { results: { properties: { confirmed?: boolean } }[] }[] };
    expect(sarif.runs[0]?.results.some((r) => r.properties.confirmed === true)).toBe(true);
    expect(await run('markdown')).toContain('**Browser:** confirmed in Chromium');
    expect(await run('text')).toContain('browser:  confirmed in Chromium');
    const html = await run('html');
    expect(html).toContain('Confirmed in Chromium');
    expect(html).toContain('data-key="confirmed"');
    // Seven scans with --confirm, each launching Chromium.
  }, 240_000);

  it("without --insecure the target's certificate is verified: the lab's self-signed one fails, only the attacker servers' key is accepted", async () => {
    const strict = await createConfirmer({ cookie: 'lab_session=s3cr3t', resolve: lab.resolve });
    try {
      const result = await scanTarget(`${lab.httpsUrl}/reflect-credentials`, {
        resolve: lab.resolve,
        insecure: true,
        cookie: 'lab_session=s3cr3t',
      });
      await strict.confirm(result);
      const finding = result.findings.find((f) => f.check === 'origin-reflected');
      // The attacker page itself loaded over https (its key is pinned); the fetch to the lab failed on TLS.
      expect(strict.attackerRequests.some((entry) => entry.tls && entry.url.startsWith('/corsight-poc-'))).toBe(true);
      // The attacker servers' key is made per run (never the lab's public one), so pinning it accepts nothing else.
      expect(strict.certificate).toBe('ephemeral');
      expect(finding?.confirmation).toMatchObject({ confirmed: false });
      expect(finding?.confirmation?.detail).toMatch(/Failed to fetch/);
    } finally {
      await strict.close();
    }
  });

  it('a read the browser blocks is reported false, with the CORS error Chromium printed', async () => {
    const real = results
      .flatMap((r) => r.findings)
      .find((f) => f.check === 'origin-reflected' && f.evidence.request.url.endsWith('/reflect-credentials'));
    expect(real).toBeDefined();
    // The same finding, but its PoC reads the secure control (exact allowlist), which does not trust the attacker.
    const url = `${lab.httpsUrl}/exact-allowlist`;
    const blocked: Finding = {
      ...real!,
      confirmation: undefined,
      evidence: { ...real!.evidence, request: { ...real!.evidence.request, url } },
      poc: buildPoc({
        check: 'origin-reflected',
        title: 't',
        url,
        attackerOrigin: real!.attackerOrigin,
        via: 'simple',
        scenario: { method: 'GET', headers: [], credentials: 'include' },
      }),
    };
    delete blocked.confirmation;
    const result = await confirmer.confirm({
      url,
      status: 'ok',
      findings: [blocked],
      checks: [],
      probes: { sent: 1, answered: 1, failed: 0, rateLimited: 0, retried: 0 },
      requests: 1,
    });
    const confirmation = result.findings[0]?.confirmation;
    expect(confirmation?.confirmed).toBe(false);
    expect(confirmation?.detail).toMatch(/blocked the read/);
    expect(confirmation?.corsError).toMatch(/has been blocked by CORS policy/);
  });
});

describe.skipIf(!available)('--confirm reaches the target where every --resolve form sends it', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    // A target that trusts any origin with credentials, on loopback only, named api.test by --resolve alone.
    const { cert, key } = createSelfSignedCertificate({ altNames: ['api.test'] });
    server = createHttpsServer({ cert, key }, (req, res) => {
      const origin = req.headers.origin;
      if (origin !== undefined) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Credentials', 'true');
      }
      res.setHeader('Content-Type', 'application/json');
      res.end('{"account":"resolve-secret-7"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each([
    // The old copy split this at the first colon and mapped api.test to the "address" 8443:127.0.0.1 (any port).
    ['host:port:address', () => `api.test:${port}:127.0.0.1`],
    // The old copy ignored *.host rules and asked the system resolver for api.test, which has no answer.
    ['*.host:address', () => '*.test:127.0.0.1'],
  ])('%s', async (_form, rule) => {
    const resolve = [rule()];
    const url = `https://api.test:${port}/account`;
    const result = await scanTarget(url, { resolve, insecure: true });
    const reflected = result.findings.find((f) => f.check === 'origin-reflected');
    expect(reflected?.access).toBe('credentialed-read');
    const confirmer = await createConfirmer({ resolve, insecure: true });
    try {
      await confirmer.confirm({ ...result, findings: [reflected!] });
    } finally {
      await confirmer.close();
    }
    expect(reflected?.confirmation).toMatchObject({ confirmed: true });
    expect(reflected?.confirmation?.detail).toContain('resolve-secret-7');
    expect(confirmer.browserRequests).toContain(url);
  });
});
