/**
 * The PoC pages work in a real browser: headless Chromium loads each finding's page at the attacker's
 * origin (the document is served there through request interception; the cross-origin request itself
 * goes over the network to the lab on loopback) and must show the lab's secret; on a secure control the
 * same kind of page must show that the browser blocked the read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lab/index.js';
import { scanTarget } from '../index.js';
import type { Finding } from '../types.js';
import { buildPoc, escapeHtml } from './poc.js';
import { chromiumPath, chromiumSwitches } from '../../chromium/index.js';
import { chromiumAvailable } from '../../../test/support/chromium.js';

const available = chromiumAvailable('the PoC browser test');

let lab: Lab;
let browser: BrowserContext;
let profileDir: string;

beforeAll(async () => {
  if (!available) return;
  lab = await startLab();
  // A regular (not incognito) profile that allows third-party cookies, as Chrome's default windows do:
  // Playwright's ordinary contexts are off-the-record, and this Chromium build blocks third-party cookies
  // in new profiles, so neither would send the victim's SameSite=None cookie cross-site.
  profileDir = mkdtempSync(path.join(tmpdir(), 'corsight-poc-'));
  mkdirSync(path.join(profileDir, 'Default'));
  writeFileSync(
    path.join(profileDir, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
  );
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    ignoreHTTPSErrors: true,
    args: [
      ...chromiumSwitches,
      `--host-resolver-rules=MAP ${lab.hostname} 127.0.0.1`,
      // The lab is on loopback and the attacker page is not: Local Network Access would prompt (and headless
      // denies). The attack scenario is a public target, so the check is off here.
      '--disable-features=LocalNetworkAccessChecks',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await lab?.close();
  if (profileDir !== undefined) rmSync(profileDir, { recursive: true, force: true });
});

/**
 * Opens `poc` as if served from `origin` and returns what the page printed. The victim is logged in to the
 * lab: the context holds its session cookie with the given SameSite attribute.
 */
async function runPoc(poc: string, origin: string, click: boolean, sameSite: 'None' | 'Lax' = 'None'): Promise<string> {
  const context = browser;
  await context.clearCookies();
  await context.addCookies([
    { name: 'lab_session', value: 's3cr3t', domain: lab.hostname, path: '/', secure: true, httpOnly: true, sameSite },
  ]);
  const pageUrl = origin === 'null' ? 'https://poc-host.corsight-attacker.com/poc.html' : `${origin}/poc.html`;
  const page = await context.newPage();
  await context.route(pageUrl, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: poc }));
  try {
    await page.goto(pageUrl);
    if (click) await page.click('#go');
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'Not run yet.', undefined, {
      timeout: 20_000,
    });
    return (await page.textContent('#out')) ?? '';
  } finally {
    await context.unroute(pageUrl);
    await page.close();
  }
}

async function findingOn(path: string, check: string): Promise<Finding> {
  const result = await scanTarget(`${lab.httpsUrl}${path}`, { resolve: lab.resolve, insecure: true });
  const finding = result.findings.find((f) => f.check === check);
  if (finding === undefined) {
    throw new Error(`no ${check} on ${path}: ${JSON.stringify(result.findings.map((f) => f.check))}`);
  }
  return finding;
}

describe.skipIf(!available)('PoC pages in Chromium', () => {
  const cases: [string, string][] = [
    ['/reflect-credentials', 'origin-reflected'],
    ['/null-allowlist', 'null-origin-trusted'],
    ['/prefix', 'prefix-match'],
    ['/special-char', 'special-char-bypass'],
    ['/third-party', 'third-party-origin-trusted'],
    ['/permissive-preflight', 'permissive-preflight'],
    ['/wildcard-public', 'wildcard-origin'],
  ];
  for (const [path, check] of cases) {
    it(`${check} on ${path}: the page reads the response from ${check === 'null-origin-trusted' ? 'a sandboxed iframe' : 'the attacker origin'}`, async () => {
      const finding = await findingOn(path, check);
      const text = await runPoc(finding.poc, finding.attackerOrigin, finding.via === 'preflight');
      expect(text).toMatch(/^Read (200|204) from the target/);
      if (path !== '/wildcard-public') expect(text).toContain('lab-secret-0000');
    });
  }

  it('SameSite as the severity model assumes: a Lax cookie reaches a same-site attacker, not a cross-site one', async () => {
    const sub = await findingOn('/any-subdomain', 'any-subdomain-trusted');
    expect(await runPoc(sub.poc, sub.attackerOrigin, false, 'Lax')).toContain('lab-secret-0000');
    const cross = await findingOn('/reflect-credentials', 'origin-reflected');
    const text = await runPoc(cross.poc, cross.attackerOrigin, false, 'Lax');
    expect(text).toMatch(/^Read 200/);
    expect(text).toContain('no session cookie');
  });

  it('preflight-only: the PoC passes the preflight and sends the credentialed PUT, whose answer stays unreadable', async () => {
    const finding = await findingOn('/preflight-only', 'origin-reflected');
    expect(finding.via).toBe('preflight');
    expect(finding.poc).toContain('may change state');
    const text = await runPoc(finding.poc, finding.attackerOrigin, true);
    // As the severity model said: the PUT goes out (the preflight passed) but its answer has no CORS headers.
    expect(text).toMatch(/^Blocked: TypeError: Failed to fetch/);
  });

  it('Chromium keeps a backtick in a host: a page at ``https://corsight-lab.test`.corsight-attacker.com`` reads /special-char', async () => {
    const origin = 'https://corsight-lab.test`.corsight-attacker.com';
    const poc = buildPoc({
      check: 'special-char-bypass',
      title: 'backtick',
      url: `${lab.httpsUrl}/special-char`,
      attackerOrigin: origin,
      via: 'simple',
      scenario: { method: 'GET', headers: [], credentials: 'include' },
    });
    const text = await runPoc(poc, origin, false);
    expect(text).toMatch(/^Read 200/);
    expect(text).toContain('lab-secret-0000');
  });

  it('on a secure control the same kind of page is blocked', async () => {
    const poc = buildPoc({
      check: 'control',
      title: 'control',
      url: `${lab.httpsUrl}/exact-allowlist`,
      attackerOrigin: 'https://corsight-attacker.com',
      via: 'simple',
      scenario: { method: 'GET', headers: [], credentials: 'include' },
    });
    expect(await runPoc(poc, 'https://corsight-attacker.com', false)).toMatch(/^Blocked: /);
  });
});

describe('PoC markup', () => {
  it('escapes what it shows and embeds the request safely', () => {
    const poc = buildPoc({
      check: 'x',
      title: '<script>alert(1)</script>',
      url: 'https://t.test/</script><b>',
      attackerOrigin: 'null',
      via: 'simple',
      scenario: { method: 'GET', headers: [], credentials: 'include' },
    });
    expect(poc).not.toContain('<script>alert(1)</script>');
    expect(poc).toContain(escapeHtml('<script>alert(1)</script>'));
    expect(poc).not.toMatch(/<\/script><b>/);
    expect(poc).toContain("setAttribute('sandbox', 'allow-scripts')");
  });
});
