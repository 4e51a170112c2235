/**
 * Real headless Chromium (Debian's `/usr/bin/chromium` through playwright-core; never a downloaded browser),
 * one instance for the whole suite. Every `*.test` host resolves to 127.0.0.1 (`--host-resolver-rules`), so
 * pages on many origins and the adapters' API servers all live on loopback.
 *
 * For each page the suite keeps a CDP session (`Network.enable`) and records `Network.loadingFailed` by URL:
 * Playwright itself only reports `net::ERR_FAILED`, CDP's `corsErrorStatus` names the CORS error
 * (fetch-cors.md, "Reading the outcome"). The sandboxed `srcdoc` iframe has an opaque origin (`Origin: null`) and runs
 * out of process, so it gets a CDP session of its own.
 *
 * Deliberately not used: `page.route()` (Fetch interception changes preflight and redirect behaviour,
 * fetch-cors.md, "Launch") and `--disable-features` (it would replace Playwright's own list).
 */
import { hostResolverRulesSwitch, launchChromium, mapRule, openOpaqueFrame } from '../../src/chromium/index.js';
import { chromiumAvailable as requireBrowserForSuite } from '../support/chromium.js';
import type { Browser, BrowserContext, CDPSession, Frame, Page } from 'playwright-core';

/** Added to the project's standard switches: the loopback mapping for `.test` names and our test certificate. */
const SUITE_ARGS = [hostResolverRulesSwitch([mapRule('*.test', '127.0.0.1')]) ?? '', '--ignore-certificate-errors'];

/** Whether the suite can run (under `CI=true` a missing browser is an error, never a skip). */
export function chromiumAvailable(): boolean {
  return requireBrowserForSuite('the middleware Chromium suite');
}

/** What the page passes to `fetch(url, init)` (JSON-serialisable). */
export interface PageFetchInit {
  method?: string;
  headers?: Record<string, string>;
  credentials?: 'omit' | 'same-origin' | 'include';
  body?: string;
}

/** How one `fetch()` settled in the page. */
export interface PageFetchResult {
  settled: 'resolved' | 'rejected' | 'timeout';
  error?: string;
  status?: number;
  type?: string;
  /** `[...response.headers.keys()]`: what script can read (lower-case, sorted by the Headers class). */
  headerNames?: string[];
}

/** One CDP `Network.loadingFailed`, joined with its request's method. */
export interface LoadingFailure {
  method: string;
  errorText: string;
  corsError?: string;
  failedParameter?: string;
}

/** A document that fetches: a top-level page or the sandboxed iframe inside it. */
export interface Requester {
  frame: Frame;
  /** Failures seen by this document's CDP session, by URL. */
  failures: Map<string, LoadingFailure[]>;
}

/** The shared browser and one context holding the API's cookie. */
export interface BrowserHarness {
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserHarness> {
  const browser = await launchChromium({ feature: 'the middleware Chromium suite', args: SUITE_ARGS });
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  return {
    browser,
    context,
    close: async () => {
      await context.close().catch(() => {});
      await browser.close();
    },
  };
}

async function watchFailures(session: CDPSession): Promise<Map<string, LoadingFailure[]>> {
  const requests = new Map<string, { url: string; method: string }>();
  const failures = new Map<string, LoadingFailure[]>();
  session.on('Network.requestWillBeSent', (e: { requestId: string; request: { url: string; method: string } }) => {
    requests.set(e.requestId, { url: e.request.url, method: e.request.method });
  });
  session.on(
    'Network.loadingFailed',
    (e: { requestId: string; errorText: string; corsErrorStatus?: { corsError: string; failedParameter: string } }) => {
      const req = requests.get(e.requestId);
      if (!req) return;
      const list = failures.get(req.url) ?? [];
      const failure: LoadingFailure = { method: req.method, errorText: e.errorText };
      if (e.corsErrorStatus) {
        failure.corsError = e.corsErrorStatus.corsError;
        failure.failedParameter = e.corsErrorStatus.failedParameter;
      }
      list.push(failure);
      failures.set(req.url, list);
    },
  );
  await session.send('Network.enable');
  return failures;
}

/** HTML of every test page; its sandboxed iframe (scripts allowed, origin opaque) is added by `openOpaqueFrame`. */
export const PAGE_HTML = '<!doctype html><meta charset="utf-8"><title>corsight middleware page</title><body></body>';

/** Opens `url` and returns its top-level document and its sandboxed iframe as requesters. */
export async function openPage(
  context: BrowserContext,
  url: string,
): Promise<{ page: Page; top: Requester; sandboxed: Requester }> {
  const page = await context.newPage();
  const topSession = await context.newCDPSession(page);
  const topFailures = await watchFailures(topSession);
  await page.goto(url, { waitUntil: 'load' });
  const frame = await openOpaqueFrame(page);
  let frameFailures = topFailures;
  try {
    // An out-of-process iframe has its own target; its network events are only on its own session.
    frameFailures = await watchFailures(await context.newCDPSession(frame));
  } catch {
    // In-process iframe: its events arrive on the page's session.
  }
  return {
    page,
    top: { frame: page.mainFrame(), failures: topFailures },
    sandboxed: { frame, failures: frameFailures },
  };
}

/**
 * Runs fetches in a document, all at once (Chromium queues beyond 6 connections per origin); each races a
 * timeout so a hung request cannot stall the suite. Executed inside the browser, hence self-contained.
 */
export async function runFetches(
  requester: Requester,
  calls: { url: string; init: PageFetchInit }[],
): Promise<PageFetchResult[]> {
  return requester.frame.evaluate(async (list) => {
    return Promise.all(
      list.map(async ({ url, init }) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<{ settled: 'timeout' }>((resolve) => {
          timer = setTimeout(() => resolve({ settled: 'timeout' }), 15_000);
        });
        const attempt = (async () => {
          try {
            const r = await fetch(url, init);
            const headerNames = [...(r.headers as unknown as { keys(): Iterable<string> }).keys()];
            await r.arrayBuffer().catch(() => undefined);
            return { settled: 'resolved' as const, status: r.status, type: r.type, headerNames };
          } catch (e) {
            return { settled: 'rejected' as const, error: String(e) };
          }
        })();
        const result = await Promise.race([attempt, timeout]);
        clearTimeout(timer);
        return result;
      }),
    );
  }, calls);
}

/**
 * The CORS failure CDP reported for `url`: the non-OPTIONS request's `corsErrorStatus` (a failed preflight is
 * reported on the actual request), waiting briefly because CDP events and the page's result travel separately.
 */
export async function corsFailure(requester: Requester, url: string): Promise<LoadingFailure | undefined> {
  for (let i = 0; i < 100; i++) {
    const list = requester.failures.get(url) ?? [];
    const withCors = list.filter((f) => f.corsError !== undefined);
    const chosen =
      withCors.find((f) => f.method !== 'OPTIONS') ?? withCors[0] ?? list.find((f) => f.method !== 'OPTIONS');
    if (chosen) return chosen;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}
