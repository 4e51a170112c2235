/**
 * The HTML report: escaping of everything a server controls, and the page itself in headless Chromium
 * (from a real scan of the lab): it renders without console errors, loads nothing but itself, sorts its
 * table, shows the same counts as the JSON report, and fits a phone screen. Screenshots go to
 * `test-results/` (gitignored) for a person to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumPath, chromiumSwitches } from '../../chromium/index.js';
import { chromiumAvailable } from '../../../test/support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from '../../cli/commands/scan.js';
import { startLab, type Lab } from '../../lab/index.js';
import type { Finding, TargetResult } from '../types.js';
import { htmlReporter, htmlReportCsp } from './html.js';
import { addToSummary, emptySummary } from './summary.js';

const available = chromiumAvailable('the HTML report browser test');

const outDir = path.resolve('test-results');

const hostile = '<script>window.__pwned=1</script></textarea></pre><img src=x onerror="window.__pwned=2">';

function hostileResult(): TargetResult {
  const finding: Finding = {
    check: 'origin-reflected',
    severity: 'high',
    title: `Origin reflected ${hostile}`,
    detail: `detail ${hostile}`,
    attackerOrigin: `https://a.example${hostile}`,
    via: 'simple',
    rule: `reflects ${hostile}`,
    evidence: {
      request: {
        method: 'GET',
        url: `https://t.example/${encodeURIComponent(hostile)}`,
        headers: [
          ['Origin', hostile],
          ['Cookie', 'sid=secret-cookie'],
        ],
      },
      response: {
        status: 200,
        headers: [
          ['Access-Control-Allow-Origin', hostile],
          ['X-Evil', '</textarea><script>window.__pwned=3</script>'],
        ],
        bodySnippet: hostile,
      },
    },
    poc: `<!doctype html><script>window.__pwned=4</script></textarea>${hostile}`,
    remediation: `fix ${hostile}`,
    confirmation: { confirmed: false, detail: `blocked ${hostile}`, corsError: `CORS ${hostile}` },
  };
  return {
    url: `https://t.example/${hostile}`,
    status: 'ok',
    findings: [finding],
    checks: [],
    probes: { sent: 3, answered: 3, failed: 0, rateLimited: 0, retried: 0 },
    requests: 3,
  };
}

function renderHostile(): string {
  const reporter = htmlReporter();
  const result = hostileResult();
  const summary = addToSummary(emptySummary(), result);
  return (
    reporter.begin({ tool: 'corsight', version: '0.0.0', startedAt: new Date(0), checks: [] }) +
    reporter.target(result) +
    reporter.end(summary, new Date(0))
  );
}

describe('HTML report markup', () => {
  it('escapes every server- and attacker-controlled value; the only script is the report’s own', () => {
    const html = renderHostile();
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('</textarea>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('onerror="');
    expect(html).toContain('&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;/textarea&gt;');
    expect(html).toContain(`content="${htmlReportCsp}"`);
    // The user's own cookie is redacted as in the other formats.
    expect(html).not.toContain('secret-cookie');
    expect(html).toContain('Not confirmed in Chromium');
  });

  it('names no external resource', () => {
    const html = renderHostile();
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
  });
});

describe.skipIf(!available)('HTML report in Chromium', () => {
  let lab: Lab;
  let browser: Browser;
  let reportFile: string;
  let json: {
    summary: { bySeverity: Record<string, number>; targets: number; findings: number };
    targets: { url: string; findings: unknown[] }[];
  };

  beforeAll(async () => {
    mkdirSync(outDir, { recursive: true });
    lab = await startLab();
    const urls = lab.endpoints.map((endpoint) => `${lab.httpsUrl}${endpoint.path}`);
    reportFile = path.join(outDir, 'corsight-report.html');
    const jsonFile = path.join(outDir, 'corsight-report.json');
    const io = () => ({ stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() });
    const flags = { resolve: lab.resolve, insecure: true, failOn: 'none', quiet: true, concurrency: '4' };
    expect(await runScan(urls, { ...flags, format: 'html', output: reportFile }, io())).toBe(0);
    expect(await runScan(urls, { ...flags, format: 'json', output: jsonFile }, io())).toBe(0);
    json = JSON.parse(readFileSync(jsonFile, 'utf8')) as typeof json;
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: [...chromiumSwitches],
    });
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await lab.close();
  });

  /** Opens a report file and records console errors, page errors and every request the page makes. */
  async function open(file: string, width: number): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, errors, requests };
  }

  it('renders with no console errors and no request beyond the file itself; counts match the JSON report', async () => {
    const { page, errors, requests } = await open(reportFile, 1280);
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([pathToFileURL(reportFile).href]);
      const counts = await page.$$eval('#severity-counts .count', (nodes) =>
        Object.fromEntries(
          nodes.map((node) => [node.getAttribute('data-severity'), Number(node.querySelector('b')?.textContent)]),
        ),
      );
      expect(counts).toEqual(json.summary.bySeverity);
      expect(json.summary.findings).toBeGreaterThan(10);
      expect(await page.locator('#target-table tbody tr').count()).toBe(json.targets.length);
      expect(await page.locator('.finding').count()).toBe(json.summary.findings);
      // The summary and table are written last but shown first.
      const [summaryTop, findingsTop] = await Promise.all([
        page.locator('#summary').evaluate((node) => node.getBoundingClientRect().top),
        page.locator('#findings').evaluate((node) => node.getBoundingClientRect().top),
      ]);
      expect(summaryTop).toBeLessThan(findingsTop);
      // PoCs are shown as source, never run: no iframe, and the PoC text is in a <pre>.
      expect(await page.locator('iframe').count()).toBe(0);
      expect(await page.locator('pre[id$="-poc"]').first().textContent()).toMatch(/^<!doctype html>/);
      await page.screenshot({ path: path.join(outDir, 'html-report-desktop.png'), fullPage: false });
    } finally {
      await page.close();
    }
  });

  it('sorts the target table when a header is clicked', async () => {
    const { page, errors } = await open(reportFile, 1280);
    try {
      const column = async (index: number) =>
        page.$$eval(`#target-table tbody tr td:nth-child(${index})`, (cells) =>
          cells.map((cell) => cell.getAttribute('data-sort') ?? ''),
        );
      await page.click('#target-table th[data-key=findings] button');
      const ascending = (await column(3)).map(Number);
      expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
      expect(await page.getAttribute('#target-table th[data-key=findings]', 'aria-sort')).toBe('ascending');
      await page.click('#target-table th[data-key=findings] button');
      const descending = (await column(3)).map(Number);
      expect(descending).toEqual([...ascending].sort((a, b) => b - a));
      expect(descending[0]).toBeGreaterThan(descending[descending.length - 1] ?? 0);
      await page.click('#target-table th[data-key=url] button');
      const urls = await column(1);
      expect(urls).toEqual([...urls].sort((a, b) => a.localeCompare(b)));
      await page.click('#target-table th[data-key=highest] button');
      await page.click('#target-table th[data-key=highest] button');
      const highest = (await column(4)).map(Number);
      expect(highest).toEqual([...highest].sort((a, b) => b - a));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('fits a 390 px phone screen without horizontal overflow', async () => {
    const { page, errors } = await open(reportFile, 390);
    try {
      // Open every evidence and PoC block: long header lines and PoC source must wrap too.
      await page.$$eval('details', (nodes) => nodes.forEach((node) => node.setAttribute('open', '')));
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(outDir, 'html-report-phone.png'), fullPage: false });
      await page.locator('.finding').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(outDir, 'html-report-phone-finding.png'), fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the PoC Download button saves the PoC source exactly; Copy puts it on the clipboard', async () => {
    const context = await browser.newContext({
      acceptDownloads: true,
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    try {
      await page.goto(pathToFileURL(reportFile).href);
      const first = page.locator('.finding').first();
      await first
        .locator('details')
        .nth(1)
        .evaluate((node) => node.setAttribute('open', ''));
      const source = (await first.locator('pre[id$="-poc"]').textContent()) ?? '';
      expect(source).toMatch(/^<!doctype html>/);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        first.locator('button[data-action=download]').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^corsight-poc-[a-z-]+\.html$/);
      const saved = await download.path();
      expect(readFileSync(saved, 'utf8')).toBe(source);
      await first.locator('button[data-action=copy]').click();
      await expect.poll(() => first.locator('button[data-action=copy]').textContent()).toBe('Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(source);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a hostile report stays inert in the browser: nothing it carries runs', async () => {
    const file = path.join(outDir, 'corsight-report-hostile.html');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, renderHostile());
    const { page, errors, requests } = await open(file, 800);
    try {
      await page.$$eval('details', (nodes) => nodes.forEach((node) => node.setAttribute('open', '')));
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('img, textarea').count()).toBe(0);
      expect(await page.locator('pre[id$="-poc"]').textContent()).toContain('</textarea>');
      expect(requests).toEqual([pathToFileURL(file).href]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
