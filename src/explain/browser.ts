/**
 * `--browser`: repeat the explained request in real headless Chromium (`/usr/bin/chromium` through
 * playwright-core) and compare its verdict with the chromium profile's.
 *
 * Topology (fetch-cors.md §4): a loopback server stands in for the page origin. Chromium's
 * `--host-resolver-rules` maps the origin's `host:port` (only that pair) to the stand-in, so the
 * page really has the origin ORIGIN while the target keeps its real address (or the address a
 * `--resolve` rule gives it, mapped the same way). An `https:` origin is served with corsight's
 * lab-only certificate, which Chromium is told to accept by its public-key hash only
 * (`--ignore-certificate-errors-spki-list`), so the target's certificate is still checked. Origin
 * `null` is a sandboxed `srcdoc` iframe in a loopback page. The verdict is read from CDP
 * `Network.loadingFailed.corsErrorStatus` and the console, never from request interception
 * (which changes preflight and redirect behaviour).
 *
 * Limits (also in docs/explain.md): the page's address space is loopback, so Local Network Access
 * checks a public page would face are not reproduced; the browser holds no cookies for the target;
 * an origin whose host is an IP literal (or localhost) must have its port free on this machine.
 */
import { createHash, X509Certificate } from 'node:crypto';

import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import type { CorsRequest } from '../browser/index.js';
import { chromiumPath, chromiumSwitches, openOpaqueFrame, requireChromium } from '../chromium/index.js';
import { toHeaderList } from '../fetch/headers.js';
import { effectivePort } from '../fetch/origin.js';
import { labCertificate, labPrivateKey } from '../lab/certs/index.js';
import { parseResolveRules, toHostResolverRules } from '../net/index.js';
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

function spkiHash(pem: string): string {
  const key = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(key).digest('base64');
}

function hostPattern(host: string, port?: number): string {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>corsight explain</title><body></body>';

/** Starts the stand-in page server; returns its address and the rules Chromium needs to reach it as `origin`. */
async function standIn(origin: string): Promise<{ server: Server; pageUrl: string; rules: string[] }> {
  const handler = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(PAGE);
  };
  if (origin === 'null') {
    const server = createHttpServer(handler);
    await listen(server, 0, '127.0.0.1');
    const { port } = server.address() as AddressInfo;
    return { server, pageUrl: `http://127.0.0.1:${port}/`, rules: [] };
  }
  const url = new URL(origin);
  const secure = url.protocol === 'https:';
  const server = secure
    ? createHttpsServer({ cert: labCertificate, key: labPrivateKey }, handler)
    : createHttpServer(handler);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = effectivePort(url);
  if (isIP(host) !== 0 || host === 'localhost') {
    // Chromium never asks the resolver about an IP literal (nor, reliably, about localhost): the
    // stand-in must own that very address and port.
    const address = host === 'localhost' ? '127.0.0.1' : host;
    if (!(address.startsWith('127.') || address === '::1')) {
      throw new Error(`cannot stand in for origin ${origin}: its host is a non-loopback IP address`);
    }
    try {
      await listen(server, port, address);
    } catch (e) {
      throw new Error(
        `cannot stand in for origin ${origin}: port ${port} on ${address} is not free (${(e as Error).message})`,
      );
    }
    return { server, pageUrl: `${url.origin}/`, rules: [] };
  }
  await listen(server, 0, '127.0.0.1');
  const { port: local } = server.address() as AddressInfo;
  return { server, pageUrl: `${url.origin}/`, rules: [`MAP ${hostPattern(host, port)} 127.0.0.1:${local}`] };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

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
  const executablePath = requireChromium('--browser', options.executablePath ?? chromiumPath());
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new Error('--browser needs the playwright-core package (npm install playwright-core)');
  }
  const { server, pageUrl, rules } = await standIn(request.origin);
  const resolveRules = toHostResolverRules(parseResolveRules(options.resolve ?? []));
  const args = [...chromiumSwitches, `--ignore-certificate-errors-spki-list=${spkiHash(labCertificate)}`];
  const allRules = resolveRules === '' ? rules : [...rules, resolveRules];
  if (allRules.length > 0) args.push(`--host-resolver-rules=${allRules.join(', ')}`);
  // Local Network Access: the stand-in is on loopback; Chromium is told to put it in the page's address space
  // instead (an override by IP endpoint, fetch-cors.md §2.4), so a public page meets the same checks as the model.
  if (request.addressSpace !== undefined && request.addressSpace !== 'loopback') {
    const { address, port, family } = server.address() as AddressInfo;
    args.push(
      `--ip-address-space-overrides=${family === 'IPv6' ? `[${address}]` : address}:${port}=${request.addressSpace}`,
    );
  }
  const browser = await playwright.chromium.launch({ executablePath, headless: true, args });
  try {
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
    const listenCdp = async (cdp: import('playwright-core').CDPSession) => {
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
            return { settled: 'rejected', message: String((e as Error)?.message) };
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
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
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
  const model = explanation.verdicts.find((v) => v.profile === 'chromium')!;
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
