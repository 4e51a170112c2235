/**
 * The lab application end to end, as an assessor works: a real Chromium drives the application over loopback while
 * playwright-core records a HAR (`recordHar`), then `corsight scan --har` scans what was recorded, logged in with
 * the session the browser got.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostResolverRulesSwitch, launchChromium, mapRule } from '../chromium/index.js';
import { captureIO } from '../cli/__fixtures__/capture-scan.js';
import { runScan } from '../cli/commands/scan.js';
import { readHar } from '../scanner/inputs/har.js';
import { chromiumAvailable } from '../../test/support/chromium.js';
import { LAB_APP_THIRD_PARTY_HOST, startLabApp, type LabApp } from './app.js';
import { startLab } from './server.js';

const available = chromiumAvailable('the lab application HAR tests');

interface JsonReport {
  targets: {
    url: string;
    method?: string;
    status: string;
    findings: { check: string; severity: string; evidence: { request: { headers: [string, string][] } } }[];
  }[];
  summary: { skipped?: { host: string; requests: number; reason: string }[] };
}

describe.skipIf(!available)('the lab application, recorded by Chromium and scanned from the HAR', () => {
  let app: LabApp;
  let dir: string;
  let har: string;

  beforeAll(async () => {
    app = await startLabApp();
    dir = mkdtempSync(path.join(tmpdir(), 'corsight-har-'));
    har = path.join(dir, 'app.har');
    const browser = await launchChromium({
      feature: 'the HAR tests',
      // The page's third-party script host is a reserved .test name: mapped to loopback, never looked up.
      args: [hostResolverRulesSwitch([mapRule(LAB_APP_THIRD_PARTY_HOST, '127.0.0.1')]) ?? ''],
    });
    try {
      // content 'embed': bodies in the HAR, base64 for the PNG, as DevTools' "Export HAR (with content)" writes them.
      const context = await browser.newContext({ recordHar: { path: har, content: 'embed' } });
      const page = await context.newPage();
      await page.goto(app.pageUrl);
      await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 30_000 });
      await context.close();
    } finally {
      await browser.close();
    }
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads each distinct request with its own credentials, never Origin, Host or Content-Length', async () => {
    const read = await readHar(har);
    expect(read.pageHosts).toEqual(['127.0.0.1']);
    const byKey = new Map(read.targets.map((t) => [`${t.method} ${new URL(t.url).pathname}`, t]));
    expect([...byKey.keys()]).toEqual(
      expect.arrayContaining([
        'GET /app/',
        'GET /app/logo.png',
        'POST /app/api/login',
        'GET /app/api/profile',
        'POST /app/api/notes',
        'DELETE /app/api/notes/1',
        'GET /app/cdn/analytics.js',
      ]),
    );
    const names = (key: string) => (byKey.get(key)?.headers ?? []).map(([name]) => name.toLowerCase());
    expect(names('GET /app/api/profile')).toContain('cookie');
    for (const target of read.targets) {
      for (const forbidden of ['origin', 'host', 'content-length', 'connection', ':authority', 'sec-fetch-mode']) {
        expect(names(`${target.method} ${new URL(target.url).pathname}`)).not.toContain(forbidden);
      }
    }
    // Simple requests need no preflight; the API's non-simple ones get exactly the browser's.
    expect(byKey.get('GET /app/api/profile')?.preflight).toBeUndefined();
    expect(byKey.get('POST /app/api/notes')?.preflight).toEqual({
      method: 'POST',
      headers: ['content-type', 'x-csrf-token'],
    });
    expect(byKey.get('DELETE /app/api/notes/1')?.preflight).toEqual({ method: 'DELETE', headers: ['x-csrf-token'] });
  });

  it('scans the recorded application logged in: the misconfigured endpoint only, preflights as the app sends them', async () => {
    const { io, stdout, stderr } = captureIO({ cwd: tmpdir() });
    const before = app.requests.length;
    const code = await runScan([], { har, format: 'json', quiet: true }, io);
    const report = JSON.parse(stdout()) as JsonReport;
    expect(code, stderr()).toBe(1);
    const profile = report.targets.find((t) => t.url.endsWith('/app/api/profile'));
    expect(profile?.method).toBe('GET');
    expect(profile?.findings.map((f) => f.check)).toContain('origin-reflected');
    // Only the session the browser got makes the hole visible: the scan carried it.
    const seen = app.requests.slice(before);
    expect(seen.some((r) => r.path === '/api/profile' && r.origin !== undefined && r.session)).toBe(true);
    // The secure endpoints: nothing above info.
    for (const target of report.targets.filter((t) => t.url.includes('/api/notes'))) {
      expect(target.findings.filter((f) => !['info', 'low'].includes(f.severity))).toEqual([]);
    }
    // The DELETE's preflight asked for exactly what the page sends: DELETE with x-csrf-token.
    const preflights = seen.filter((r) => r.method === 'OPTIONS' && r.path === '/api/notes/1');
    expect(preflights.some((r) => r.requestMethod === 'DELETE' && r.requestHeaders === 'x-csrf-token')).toBe(true);
    // No DELETE was ever replayed: a state-changing method is only asked for in preflights.
    expect(seen.filter((r) => r.method === 'DELETE')).toEqual([]);
    // The third-party host is outside the default scope (the page's host): listed, not scanned.
    expect(report.summary.skipped).toEqual([{ host: LAB_APP_THIRD_PARTY_HOST, requests: 1, reason: 'out of scope' }]);
    expect(report.targets.some((t) => t.url.includes(LAB_APP_THIRD_PARTY_HOST))).toBe(false);
    // The HAR's secrets stay out of the report: the session cookie and the CSRF token are redacted.
    const text = stdout();
    const csrf = seen.find((r) => r.csrf !== undefined)?.csrf;
    expect(csrf).toBeDefined();
    expect(text).not.toContain(csrf);
    expect(text).not.toMatch(/session=[0-9a-f]{32}/);
    expect(text).toContain('[redacted]');
  });

  it('--scope names the hosts to scan, and the text report lists the skipped ones', async () => {
    const { io, stdout } = captureIO({ cwd: tmpdir() });
    const resolve = [`${LAB_APP_THIRD_PARTY_HOST}:127.0.0.1`];
    const code = await runScan([], { har, scope: [LAB_APP_THIRD_PARTY_HOST], resolve, quiet: true, color: false }, io);
    // Only the third-party script is in scope (a static file, no CORS at all); the application's host is skipped.
    expect(code).toBe(0);
    expect(stdout()).toContain(`GET http://${LAB_APP_THIRD_PARTY_HOST}:`);
    expect(stdout()).toContain('1 host skipped (out of scope): 127.0.0.1 (');
  });
});

describe('the lab application', () => {
  it('is served by the lab server at /app, behind its login, beside the endpoints', async () => {
    const lab = await startLab();
    try {
      expect(lab.appUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/app\/$/);
      const page = await fetch(lab.appUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("fetch('/app/api/login'");
      const api = new URL('api/profile', lab.appUrl).href;
      const anonymous = await fetch(api, { headers: { Origin: 'https://evil.example' } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('access-control-allow-origin')).toBeNull();
      const login = await fetch(new URL('api/login', lab.appUrl), { method: 'POST', body: '{}' });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const read = await fetch(api, { headers: { Origin: 'https://evil.example', Cookie: cookie } });
      expect(read.status).toBe(200);
      expect(read.headers.get('access-control-allow-origin')).toBe('https://evil.example');
      expect(read.headers.get('access-control-allow-credentials')).toBe('true');
      expect(lab.appRequests.map((r) => `${r.method} ${r.path} ${r.session}`)).toEqual([
        'GET / false',
        'GET /api/profile false',
        'POST /api/login false',
        'GET /api/profile true',
      ]);
      // The endpoints are still there.
      expect((await fetch(`http://127.0.0.1:${new URL(lab.httpUrl).port}/`)).status).toBe(200);
    } finally {
      await lab.close();
    }
  });
});
