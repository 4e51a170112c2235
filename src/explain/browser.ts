/**
 * `--browser`: repeat the explained request in real headless Chromium (`/usr/bin/chromium` through
 * playwright-core) and compare its verdict with the chromium profile's.
 *
 * Topology (fetch-cors.md "Topology"): the stand-in of src/chromium serves the page origin from loopback. Chromium's
 * `--host-resolver-rules` maps the origin's `host:port` (only that pair) to the stand-in, so the
 * page really has the origin ORIGIN while the target keeps its real address (or the address a
 * `--resolve` rule gives it, mapped the same way). An `https:` origin is served with a certificate
 * made for this run, which Chromium is told to accept by its public-key hash only
 * (`--ignore-certificate-errors-spki-list`), so the target's certificate is still checked. Origin
 * `null` is a sandboxed `srcdoc` iframe in a loopback page. The verdict is read from CDP
 * `Network.loadingFailed.corsErrorStatus` and the console, never from request interception
 * (which changes preflight and redirect behaviour).
 *
 * Limits (also in docs/explain.md): the page's address space is loopback, so Local Network Access
 * checks a public page would face are not reproduced; the browser holds no cookies for the target;
 * an origin whose host is an IP literal (or localhost) must have its port free on this machine.
 */
import type { Browser, CDPSession } from 'playwright-core';
import type { CorsRequest } from '../browser/index.js';
import {
  hostResolverRulesSwitch,
  launchChromium,
  openOpaqueFrame,
  resolveMappings,
  spkiPinSwitch,
  startStandIn,
} from '../chromium/index.js';
import { toHeaderList } from '../fetch/headers.js';
import { parseResolveRules } from '../net/index.js';
import type { BrowserComparison } from './render.js';
import type { Explanation } from './types.js';

/** Options of {@link runInChromium}. */
export interface BrowserRunOptions {
  /** curl-style `--resolve` rules, applied to Chromium too. */
  resolve?: readonly string[];
  /** The request's method is not GET/HEAD: Chromium would send it for real; the caller must allow it. */
  send?: boolean;
  /** Default `$CORSIGHT_CHROMIUM`, else `/usr/bin/chromium`. */
  executablePath?: string;
  /** Milliseconds the fetch may take in the page; default 20000. */
  timeoutMs?: number;
  /** Accept any certificate from the target too, as `--insecure` does for corsight's own requests. */
  insecure?: boolean;
}

/** What real Chromium did. */
export interface BrowserObservation {
  allowed: boolean;
  status: number | null;
  type: string | null;
  exposedHeaders: string[];
  corsError: string | null;
  failedParameter: string | null;
  errorText: string | null;
  consoleMessage: string | null;
  /** The page's `self.origin` (proves the stand-in worked). */
  pageOrigin: string;
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>corsight explain</title><body></body>';

/** Run the request in headless Chromium from a page whose origin is `request.origin`. */
export async function runInChromium(
  request: CorsRequest,
  options: BrowserRunOptions = {},
): Promise<BrowserObservation> {
  const method = (request.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && options.send !== true) {
    throw new Error(
      `Chromium would send the ${request.method} request itself once the preflight passes; add --send to allow that`,
    );
  }
  // Parsed before anything starts, so a bad rule is reported as such.
  const resolveRules = resolveMappings(parseResolveRules(options.resolve ?? []));
  const standIn = await startStandIn();
  try {
    const served = await standIn.standFor(request.origin);
    const pageUrl = `${served.origin}/`;
    standIn.serve(pageUrl, PAGE);
    const args = [spkiPinSwitch([standIn.certificate.spki])];
    const rules = hostResolverRulesSwitch([...served.rules, ...resolveRules]);
    if (rules !== undefined) args.push(rules);
    // Local Network Access: the stand-in is on loopback; Chromium is told to put it in the page's address space
    // instead (an override by IP endpoint; fetch-cors.md, "Private Network Access → Local Network Access"), so a
    // public page meets the same checks as the model.
    if (request.addressSpace !== undefined && request.addressSpace !== 'loopback') {
      const { address, port, family } = served.endpoint;
      args.push(
        `--ip-address-space-overrides=${family === 6 ? `[${address}]` : address}:${port}=${request.addressSpace}`,
      );
    }
    const launch: Parameters<typeof launchChromium>[0] = { feature: '--browser', args };
    if (options.executablePath !== undefined) launch.executablePath = options.executablePath;
    const browser = await launchChromium(launch);
    try {
      return await observe(browser, request, pageUrl, options);
    } finally {
      await browser.close();
    }
  } finally {
    await standIn.close();
  }
}

/** Loads the page, runs the fetch in it (or in its opaque frame) and reads what Chromium reported. */
async function observe(
  browser: Browser,
  request: CorsRequest,
  pageUrl: string,
  options: BrowserRunOptions,
): Promise<BrowserObservation> {
  const context = await browser.newContext({ ignoreHTTPSErrors: options.insecure === true });
  if (request.localNetworkAccess === 'granted') await context.grantPermissions(['local-network-access']);
  const page = await context.newPage();
  const consoleLines: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleLines.push(m.text());
  });
  await page.goto(pageUrl);
  const frame = request.origin === 'null' ? await openOpaqueFrame(page) : page.mainFrame();
  const failures: {
    url: string;
    preflight: boolean;
    errorText: string;
    corsError?: string;
    failedParameter?: string;
  }[] = [];
  const listenCdp = async (cdp: CDPSession) => {
    const requests = new Map<string, { url: string; preflight: boolean }>();
    cdp.on('Network.requestWillBeSent', (e) => {
      requests.set(e.requestId, {
        url: e.request.url,
        preflight: e.type === 'Preflight' || e.initiator.type === 'preflight',
      });
    });
    cdp.on('Network.loadingFailed', (e) => {
      const r = requests.get(e.requestId);
      if (r === undefined) return;
      const f: (typeof failures)[number] = { url: r.url, preflight: r.preflight, errorText: e.errorText };
      if (e.corsErrorStatus) {
        f.corsError = e.corsErrorStatus.corsError;
        f.failedParameter = e.corsErrorStatus.failedParameter;
      }
      failures.push(f);
    });
    await cdp.send('Network.enable');
  };
  await listenCdp(await context.newCDPSession(page));
  if (frame !== page.mainFrame()) {
    try {
      await listenCdp(await context.newCDPSession(frame));
    } catch {
      // An in-process frame shares the page's session.
    }
  }
  const pageOrigin = await frame.evaluate(() => self.origin);
  const init: Record<string, unknown> = {
    method: request.method ?? 'GET',
    headers: toHeaderList(request.headers),
    credentials: request.credentials ?? 'same-origin',
    mode: 'cors',
  };
  if (request.targetAddressSpace !== undefined) init.targetAddressSpace = request.targetAddressSpace;
  const result = await frame.evaluate(
    async ({ url, init, timeoutMs }) => {
      const timeout = new Promise<{ settled: string }>((resolve) =>
        setTimeout(() => resolve({ settled: 'timeout' }), timeoutMs),
      );
      const attempt = (async () => {
        try {
          const r = await fetch(url, init);
          const names = [...(r.headers as unknown as { keys(): Iterable<string> }).keys()];
          try {
            await r.arrayBuffer();
          } catch {
            // only frees the connection
          }
          return { settled: 'resolved', status: r.status, type: r.type, names };
        } catch (e) {
          // Whatever was thrown (a TypeError, in practice), its message or its text.
          return { settled: 'rejected', message: e instanceof Error ? e.message : String(e) };
        }
      })();
      return Promise.race([attempt, timeout]);
    },
    { url: request.url, init, timeoutMs: options.timeoutMs ?? 20_000 },
  );
  if (result.settled === 'timeout') throw new Error('fetch() did not settle in Chromium in time');
  const allowed = result.settled === 'resolved';
  if (!allowed) {
    // CDP events and the console line travel apart from the promise: wait for them (at most 3 s).
    for (let waited = 0; waited < 3000; waited += 25) {
      const main = failures.filter((f) => !f.preflight);
      if (main.length > 0 && (main.every((f) => f.corsError === undefined) || consoleLines.length > 0)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const main = failures.filter((f) => !f.preflight);
  const withCors = main.find((f) => f.corsError !== undefined) ?? failures.find((f) => f.corsError !== undefined);
  const r = result as { status?: number; type?: string; names?: string[] };
  await context.close();
  return {
    allowed,
    status: allowed ? (r.status ?? null) : null,
    type: allowed ? (r.type ?? null) : null,
    exposedHeaders: allowed ? [...(r.names ?? [])].sort() : [],
    corsError: withCors?.corsError ?? null,
    failedParameter: withCors?.failedParameter ?? null,
    errorText: allowed ? null : (main[0]?.errorText ?? failures[0]?.errorText ?? null),
    consoleMessage: consoleLines.find((l) => l.includes('has been blocked by CORS policy')) ?? null,
    pageOrigin,
  };
}

/** The limits every comparison carries. */
export const BROWSER_LIMITS = [
  'the page was served from loopback standing in for the origin: Local Network Access checks a public page would face are not reproduced',
  'the browser had no cookies for the target; a server that answers differently to a logged-in user may behave differently',
];

/** Run the request in Chromium and compare with the explanation's chromium verdict. */
export async function compareInChromium(
  request: CorsRequest,
  explanation: Explanation,
  options: BrowserRunOptions = {},
): Promise<BrowserComparison> {
  const seen = await runInChromium(request, options);
  const model = explanation.verdicts.find((v) => v.profile === 'chromium');
  if (model === undefined) throw new Error('the explanation has no chromium verdict to compare with');
  const notes = [...BROWSER_LIMITS];
  let matches = seen.allowed === model.allowed;
  if (matches && !seen.allowed) {
    if (model.code === 'NetworkError') matches = seen.corsError === null;
    else matches = seen.corsError === model.code && (seen.failedParameter ?? '') === (model.parameter ?? '');
  }
  // When both allow it, script must be able to read the same header names.
  if (matches && seen.allowed) {
    const modelNames =
      explanation.verdicts[0]?.profile === 'chromium' ? (explanation.outcome.response?.exposedHeaders ?? []) : null;
    if (modelNames !== null && modelNames.join(',') !== seen.exposedHeaders.join(',')) {
      matches = false;
      notes.push(
        `readable headers differ: model [${modelNames.join(', ')}], Chromium [${seen.exposedHeaders.join(', ')}]`,
      );
    }
  }
  // The console line must match too, character for character (Blink's cors_error_string.cc).
  if (matches && seen.consoleMessage !== null && explanation.chromiumConsoleMessage !== null) {
    matches = seen.consoleMessage === explanation.chromiumConsoleMessage;
    if (!matches) notes.push(`Chromium printed: ${seen.consoleMessage}`);
  }
  if (seen.pageOrigin !== request.origin) {
    notes.unshift(`the page's origin was ${seen.pageOrigin}, not ${request.origin}`);
  }
  if (explanation.assumptions.length > 0) {
    notes.push(
      'the model assumed a response that Chromium fetched for real; a difference may come from that assumption',
    );
  }
  return {
    allowed: seen.allowed,
    corsError: seen.corsError,
    failedParameter: seen.failedParameter,
    errorText: seen.errorText,
    consoleMessage: seen.consoleMessage,
    matches: matches && seen.pageOrigin === request.origin,
    notes,
  };
}
