/**
 * The browser side of the differential test: real headless Chromium (Debian's `/usr/bin/chromium`, driven by
 * playwright-core through `executablePath`; never a downloaded browser) running `fetch()` from a page on the
 * `page` origin, or from a sandboxed `srcdoc` iframe inside it whose origin is opaque (`Origin: null`).
 *
 * What is read, and from where (fetch-cors.md, "Reading the outcome"):
 * - the page: resolved or rejected (and the error's name and message), response type, status and the
 *   readable header names `[...response.headers.keys()]`;
 * - CDP `Network.loadingFailed`: `errorText`, `blockedReason` and `corsErrorStatus {corsError, failedParameter}`
 *   of the case's request (the sandboxed frame is an out-of-process iframe, so it gets its own CDP session);
 * - `page.on('console')`: the CORS console line.
 * The server's own log of the requests (./wire-server.ts) is joined in by the caller.
 *
 * Deliberately not used: `page.route()` (Fetch interception changes redirect and preflight behaviour,
 * fetch-cors.md, "Launch") and any `--disable-features` switch (it would replace Playwright's list).
 */
import {
  chromiumSwitches,
  hostResolverRulesSwitch,
  launchChromium as launch,
  mapRule,
  openOpaqueFrame,
} from '../../src/chromium/index.js';
import { chromiumAvailable as requireBrowserForSuite } from '../support/chromium.js';
import type { Browser, BrowserContext, CDPSession, ConsoleMessage, Frame, Page } from 'playwright-core';
import type { CaseRequest, HeaderLine, World } from './spec.js';

/** The suite's own switch: every `.test` name on loopback. */
const suiteArgs = [hostResolverRulesSwitch([mapRule('*.test', '127.0.0.1')]) ?? ''];

/** Launch switches: the project's standard set plus the loopback host mapping for the `.test` names. */
export const chromiumArgs = [...chromiumSwitches, ...suiteArgs];

/** Whether the browser suite can run here (under `CI=true` a missing browser fails the run, never skips it). */
export function chromiumAvailable(): boolean {
  return requireBrowserForSuite('the differential Chromium suite');
}

/** What the page passes to `fetch(url, init)`. */
export interface FetchInit {
  method?: string;
  headers?: HeaderLine[];
  credentials?: string;
  mode?: string;
  redirect?: string;
  body?: string;
  /** Send a ReadableStream body (built in the page: streams do not serialise) with `duplex: 'half'`. */
  stream?: boolean;
}

/** The `fetch()` init of a case request (a `text` body is the string "hello"). */
export function fetchInit(r: CaseRequest): FetchInit {
  const init: FetchInit = {};
  if (r.method !== undefined) init.method = r.method;
  if (r.headers !== undefined) init.headers = r.headers;
  if (r.credentials !== undefined) init.credentials = r.credentials;
  if (r.mode !== undefined) init.mode = r.mode;
  if (r.redirect !== undefined) init.redirect = r.redirect;
  if (r.body === 'text') init.body = 'hello';
  if (r.body === 'stream') init.stream = true;
  return init;
}

/** One fetch to run in the browser. */
export interface BrowserCase {
  key: string;
  url: string;
  from: 'page' | 'null' | 'spage';
  init: FetchInit;
}

/** One CDP `Network.loadingFailed` of a case's request. */
export interface LoadingFailure {
  errorText: string;
  blockedReason?: string;
  corsError?: string;
  failedParameter?: string;
  /** True for the preflight's own request. */
  preflight: boolean;
}

/** Everything the browser told about one case. */
export interface BrowserResult {
  key: string;
  settled: 'resolved' | 'rejected' | 'timeout';
  error?: { name: string; message: string };
  response?: { type: string; status: number; headerNames: string[]; url: string; redirected: boolean };
  failures: LoadingFailure[];
  /** Console lines that mention the case (the CORS error text). */
  console: string[];
}

type PageOutcome = Pick<BrowserResult, 'key' | 'settled' | 'error' | 'response'>;

/**
 * Runs cases in the page with at most `concurrency` in flight; each fetch races a timeout so a hung request
 * cannot stall the suite. Executed inside the browser (serialised by Playwright), so self-contained.
 */
export const runInPage = async (arg: {
  cases: { key: string; url: string; init: Record<string, unknown> }[];
  concurrency: number;
  timeoutMs: number;
}) => {
  const out: unknown[] = new Array(arg.cases.length);
  let next = 0;
  const one = async (c: { key: string; url: string; init: Record<string, unknown> }) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ key: c.key, settled: 'timeout' }), arg.timeoutMs);
    });
    const attempt = (async () => {
      try {
        const init: Record<string, unknown> = { ...c.init };
        if (init.stream) {
          delete init.stream;
          init.body = new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('hello'));
              controller.close();
            },
          });
          init.duplex = 'half';
        }
        const r = await fetch(c.url, init);
        const names = [...(r.headers as unknown as { keys(): Iterable<string> }).keys()];
        try {
          await r.arrayBuffer();
        } catch {
          // The body is irrelevant; reading it only frees the connection.
        }
        return {
          key: c.key,
          settled: 'resolved',
          response: { type: r.type, status: r.status, headerNames: names, url: r.url, redirected: r.redirected },
        };
      } catch (e) {
        // Script may throw anything, null and undefined included.
        const err = e as { name?: unknown; message?: unknown } | null | undefined;
        return { key: c.key, settled: 'rejected', error: { name: String(err?.name), message: String(err?.message) } };
      }
    })();
    const result = await Promise.race([attempt, timeout]);
    clearTimeout(timer);
    return result;
  };
  const worker = async () => {
    while (next < arg.cases.length) {
      const i = next++;
      out[i] = await one(arg.cases[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(arg.concurrency, arg.cases.length) }, worker));
  return out;
};

const keyInUrl = /\/c\/([^/?#'\s]+)\/\d+/;

/** A fresh browser context (its own preflight cache and cookie jar) with the page and the null frame loaded. */
export class BrowserSession {
  readonly #context: BrowserContext;
  readonly #page: Page;
  readonly #frame: Frame;
  readonly #spage: Page;
  readonly #failures = new Map<string, LoadingFailure[]>();
  readonly #console = new Map<string, string[]>();

  private constructor(context: BrowserContext, page: Page, frame: Frame, spage: Page) {
    this.#context = context;
    this.#page = page;
    this.#frame = frame;
    this.#spage = spage;
  }

  /** Opens a context on `browser`, loads `<page origin>/` and a sandboxed srcdoc iframe in it. */
  static async open(browser: Browser, world: World): Promise<BrowserSession> {
    // ignoreHTTPSErrors: the https target has a self-signed certificate (fetch-cors.md, "Topology").
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      // The document lives at the origin's root: Blink names the frame's URL in some console lines, and a
      // CorsRequest only carries the origin, so the root is the one URL both sides can agree on.
      await page.goto(`${world.origins.page}/`);
      // allow-scripts without allow-same-origin: the document's origin is opaque, so fetch sends Origin: null.
      const frame = await openOpaqueFrame(page);
      // The https page (a secure context) for mixed-content and https-origin cases.
      const spage = await context.newPage();
      await spage.goto(`${world.origins.spage}/`);
      const session = new BrowserSession(context, page, frame, spage);
      await session.#listen(await context.newCDPSession(page));
      await session.#listen(await context.newCDPSession(spage));
      // The sandboxed frame runs out of process (its network events are not on the page's target); when it is
      // in process, Playwright refuses a frame session and the page session already sees its requests.
      let frameCdp: CDPSession | undefined;
      try {
        frameCdp = await context.newCDPSession(frame);
      } catch {
        frameCdp = undefined;
      }
      if (frameCdp) await session.#listen(frameCdp);
      const onConsole = (m: ConsoleMessage) => {
        if (m.type() !== 'error') return;
        const text = m.text();
        const key = keyInUrl.exec(text)?.[1];
        if (key === undefined || text.startsWith('Failed to load resource')) return;
        const list = session.#console.get(key) ?? [];
        list.push(text);
        session.#console.set(key, list);
      };
      page.on('console', onConsole);
      spage.on('console', onConsole);
      const origin = await frame.evaluate(() => self.origin);
      if (origin !== 'null') throw new Error(`the sandboxed iframe has origin ${origin}, expected null`);
      return session;
    } catch (e) {
      await context.close();
      throw e;
    }
  }

  async #listen(cdp: CDPSession): Promise<void> {
    const requests = new Map<string, { key: string; preflight: boolean }>();
    cdp.on('Network.requestWillBeSent', (e) => {
      const key = keyInUrl.exec(e.request.url)?.[1];
      if (key === undefined) return;
      requests.set(e.requestId, { key, preflight: e.type === 'Preflight' || e.initiator.type === 'preflight' });
    });
    cdp.on('Network.loadingFailed', (e) => {
      const r = requests.get(e.requestId);
      if (!r) return;
      const f: LoadingFailure = { errorText: e.errorText, preflight: r.preflight };
      if (e.blockedReason !== undefined) f.blockedReason = e.blockedReason;
      if (e.corsErrorStatus) {
        f.corsError = e.corsErrorStatus.corsError;
        f.failedParameter = e.corsErrorStatus.failedParameter;
      }
      const list = this.#failures.get(r.key) ?? [];
      list.push(f);
      this.#failures.set(r.key, list);
    });
    await cdp.send('Network.enable');
  }

  /**
   * Runs cases (page ones in the page, null ones in the frame, both at once) and returns one result per case.
   * After the fetches settle it waits (at most 3 s) until each network failure has its CDP event and each CORS
   * failure its console line, because those travel on other channels than the promise.
   */
  async run(
    cases: readonly BrowserCase[],
    options: { concurrency?: number; timeoutMs?: number } = {},
  ): Promise<BrowserResult[]> {
    const concurrency = options.concurrency ?? 16;
    const timeoutMs = options.timeoutMs ?? 20_000;
    // A key may be run again (preflight-cache sequences reuse one URL): start its records afresh.
    for (const c of cases) {
      this.#failures.delete(c.key);
      this.#console.delete(c.key);
    }
    const strip = (c: BrowserCase) => ({ key: c.key, url: c.url, init: c.init as Record<string, unknown> });
    const pageCases = cases.filter((c) => c.from === 'page').map(strip);
    const frameCases = cases.filter((c) => c.from === 'null').map(strip);
    const spageCases = cases.filter((c) => c.from === 'spage').map(strip);
    const [a, b, d] = await Promise.all([
      pageCases.length ? this.#page.evaluate(runInPage, { cases: pageCases, concurrency, timeoutMs }) : [],
      frameCases.length ? this.#frame.evaluate(runInPage, { cases: frameCases, concurrency, timeoutMs }) : [],
      spageCases.length ? this.#spage.evaluate(runInPage, { cases: spageCases, concurrency, timeoutMs }) : [],
    ]);
    const outcomes = new Map<string, PageOutcome>();
    for (const o of [...a, ...b, ...d] as PageOutcome[]) outcomes.set(o.key, o);
    const pending = () =>
      cases.filter((c) => {
        const o = outcomes.get(c.key);
        if (o?.settled !== 'rejected' || o.error?.message !== 'Failed to fetch') return false;
        const failures = this.#failures.get(c.key) ?? [];
        const main = failures.filter((f) => !f.preflight);
        if (main.length === 0) return true;
        return main.some((f) => f.corsError !== undefined) && !this.#console.has(c.key);
      });
    for (let waited = 0; waited < 3000 && pending().length > 0; waited += 25) {
      await new Promise((r) => setTimeout(r, 25));
    }
    return cases.map((c) => {
      const result = {
        ...(outcomes.get(c.key) ?? { key: c.key, settled: 'timeout' as const }),
        failures: this.#failures.get(c.key) ?? [],
        console: this.#console.get(c.key) ?? [],
      };
      this.#failures.delete(c.key);
      this.#console.delete(c.key);
      return result;
    });
  }

  /** Closes the context. */
  async close(): Promise<void> {
    await this.#context.close();
  }
}

/** Launches headless Chromium (src/chromium's launch) with the suite's switches. */
export async function launchChromium(): Promise<Browser> {
  return launch({ feature: 'the differential Chromium suite', args: suiteArgs });
}
