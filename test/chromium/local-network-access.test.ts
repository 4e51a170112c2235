/**
 * Local Network Access: the engine against real headless Chromium, case by case.
 *
 * Everything runs on 127.0.0.1; `--ip-address-space-overrides` makes some of its ports `public` or `local`
 * (fetch-cors.md, "Private Network Access → Local Network Access"), the others stay `loopback`. Pages are loaded from
 * those ports, targets are `http://127.0.0.1:<port>` URLs (potentially trustworthy, so never mixed content), and the
 * engine is told the same thing: the page's `addressSpace`, and a `resolveAddressSpace` that maps each port like the
 * override does. The permission is granted per browser context (`grantPermissions(['local-network-access'])`).
 *
 * Compared per case: resolved or rejected, the CORS error code (CDP `corsErrorStatus`), Chromium's console
 * line, and the requests the servers received.
 */
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateFetch, type AddressSpace, type CorsRequest, type Transport } from '../../src/browser/index.js';
import { chromiumPath, chromiumSwitches, openOpaqueFrame } from '../../src/chromium/index.js';
import { chromiumAvailable } from '../support/chromium.js';
import { testCertificate } from './cert.js';

type PageKind = 'https-public' | 'http-public' | 'http-local' | 'http-loopback';
type Target = 'loopback' | 'local' | 'public' | 'public-redirecting-to-loopback' | 'loopback-by-name';

interface LnaCase {
  page: PageKind;
  frame: 'page' | 'null';
  target: Target;
  method: 'GET' | 'PUT';
  mode: 'cors' | 'no-cors';
  /** Makes the case's URLs its own, so no case is served from another's preflight-cache entry. */
  id?: number;
  granted: boolean;
  /** fetch()'s targetAddressSpace option. */
  tas?: AddressSpace;
}

const pageSpace: Record<PageKind, AddressSpace> = {
  'https-public': 'public',
  'http-public': 'public',
  'http-local': 'local',
  'http-loopback': 'loopback',
};

const seen: string[] = [];
const api: RequestListener = (req, res) => {
  seen.push(`${req.method} ${req.url}`);
  if (req.url?.startsWith('/redirect')) {
    res
      .writeHead(302, {
        location: `http://127.0.0.1:${ports.loopback}/data${req.url.slice('/redirect'.length)}`,
        'access-control-allow-origin': '*',
      })
      .end();
    return;
  }
  res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
  res.setHeader('access-control-allow-methods', 'PUT');
  res.setHeader('content-type', 'text/html');
  res.end(req.url === '/' ? '<!doctype html><title>page</title>' : 'data');
};

const ports = { httpsPublic: 0, httpPublic: 0, local: 0, loopback: 0, public: 0 };
const servers: Server[] = [];
const available = chromiumAvailable('the Local Network Access suite');
let browser: Browser;
const contexts = new Map<
  boolean,
  { context: BrowserContext; pages: Map<PageKind, { page: Page; frame: Frame; console: string[] }> }
>();

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** The address space Chromium gives a port on 127.0.0.1 (the overrides below; loopback otherwise). */
function spaceOfPort(port: number): AddressSpace {
  if (port === ports.httpsPublic || port === ports.httpPublic || port === ports.public) return 'public';
  if (port === ports.local) return 'local';
  return 'loopback';
}

function pageUrl(kind: PageKind): string {
  switch (kind) {
    case 'https-public':
      return `https://public.test:${ports.httpsPublic}`;
    case 'http-public':
      return `http://public.test:${ports.httpPublic}`;
    case 'http-local':
      return `http://nas.test:${ports.local}`;
    case 'http-loopback':
      return `http://dev.test:${ports.loopback}`;
  }
}

function targetUrl(target: Target, id = 0): string {
  return `${targetBase(target)}?case=${id}`;
}

function targetBase(target: Target): string {
  switch (target) {
    case 'loopback':
      return `http://127.0.0.1:${ports.loopback}/data`;
    case 'local':
      return `http://127.0.0.1:${ports.local}/data`;
    case 'public':
      return `http://127.0.0.1:${ports.public}/data`;
    case 'public-redirecting-to-loopback':
      return `http://127.0.0.1:${ports.public}/redirect`;
    case 'loopback-by-name':
      // A host name, so not potentially trustworthy: from an https page, mixed content unless targetAddressSpace.
      return `http://api.test:${ports.loopback}/data`;
  }
}

beforeAll(async () => {
  if (!available) return;
  const cert = testCertificate();
  ports.httpsPublic = await listen(createHttpsServer({ key: cert.key, cert: cert.cert }, api));
  ports.httpPublic = await listen(createHttpServer(api));
  ports.local = await listen(createHttpServer(api));
  ports.loopback = await listen(createHttpServer(api));
  ports.public = await listen(createHttpServer(api));
  const overrides = [
    `127.0.0.1:${ports.httpsPublic}=public`,
    `127.0.0.1:${ports.httpPublic}=public`,
    `127.0.0.1:${ports.public}=public`,
    `127.0.0.1:${ports.local}=local`,
  ].join(',');
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      ...chromiumSwitches,
      '--host-resolver-rules=MAP *.test 127.0.0.1',
      `--ip-address-space-overrides=${overrides}`,
    ],
  });
  for (const granted of [false, true]) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    if (granted) await context.grantPermissions(['local-network-access']);
    const pages = new Map<PageKind, { page: Page; frame: Frame; console: string[] }>();
    for (const kind of Object.keys(pageSpace) as PageKind[]) {
      const page = await context.newPage();
      const console: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) console.push(m.text());
      });
      await page.goto(`${pageUrl(kind)}/`);
      pages.set(kind, { page, frame: await openOpaqueFrame(page), console });
    }
    contexts.set(granted, { context, pages });
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** Sends a wire request to the loopback server its URL names, as the browser's network stack would. */
const transport: Transport = async (wire) => {
  // Every name is on 127.0.0.1 (Chromium maps *.test there); the Host header keeps the name.
  const url = new URL(wire.url);
  const host = url.host;
  url.hostname = '127.0.0.1';
  const res = await undiciRequest(url, {
    method: wire.method as 'GET',
    headers: { ...Object.fromEntries(wire.headers), host },
  });
  await res.body.dump();
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) headers.push([name, v]);
  }
  return { status: res.statusCode, headers };
};

async function inChromium(c: LnaCase): Promise<{ resolved: boolean; console: string[]; requests: string[] }> {
  const where = contexts.get(c.granted)!.pages.get(c.page)!;
  where.console.length = 0;
  seen.length = 0;
  const runner = c.frame === 'null' ? where.frame : where.page;
  const resolved = await runner.evaluate(
    async ([url, init]) => {
      try {
        await (await fetch(url, init)).arrayBuffer();
        return true;
      } catch {
        return false;
      }
    },
    [
      targetUrl(c.target, c.id),
      { method: c.method, mode: c.mode, ...(c.tas ? { targetAddressSpace: c.tas } : {}) },
    ] as [string, RequestInit],
  );
  // The console line travels on another channel than the promise.
  for (let waited = 0; !resolved && where.console.length === 0 && waited < 2000; waited += 25) {
    await new Promise((r) => setTimeout(r, 25));
  }
  return { resolved, console: [...where.console], requests: seen.filter((r) => !r.startsWith('GET /favicon')) };
}

async function inEngine(
  c: LnaCase,
): Promise<{ resolved: boolean; console: string[]; requests: string[]; code: string | undefined }> {
  const page = pageUrl(c.page);
  const request: CorsRequest = {
    origin: c.frame === 'null' ? 'null' : page,
    url: targetUrl(c.target, c.id),
    method: c.method,
    mode: c.mode,
    addressSpace: pageSpace[c.page],
    localNetworkAccess: c.granted ? 'granted' : 'denied',
  };
  if (c.tas !== undefined) request.targetAddressSpace = c.tas;
  if (c.frame === 'null') request.topLevelOrigin = page;
  seen.length = 0;
  const outcome = await simulateFetch(request, transport, {
    resolveAddressSpace: (url) => spaceOfPort(Number(url.port)),
  });
  return {
    resolved: outcome.allowed,
    console: outcome.error === undefined ? [] : [outcome.error.message],
    requests: outcome.requests.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`),
    code: outcome.error?.code,
  };
}

const cases: LnaCase[] = [];
for (const granted of [false, true]) {
  for (const page of Object.keys(pageSpace) as PageKind[]) {
    for (const target of ['loopback', 'local', 'public'] as const) {
      cases.push({ page, frame: 'page', target, method: 'GET', mode: 'cors', granted });
    }
    cases.push({ page, frame: 'null', target: 'loopback', method: 'GET', mode: 'cors', granted });
  }
  cases.push({ page: 'https-public', frame: 'page', target: 'loopback', method: 'PUT', mode: 'cors', granted });
  cases.push({ page: 'https-public', frame: 'page', target: 'loopback', method: 'GET', mode: 'no-cors', granted });
  cases.push({
    page: 'https-public',
    frame: 'page',
    target: 'public-redirecting-to-loopback',
    method: 'GET',
    mode: 'cors',
    granted,
  });
  // targetAddressSpace: exempts a plain-http name from mixed content, and must match the server's space.
  cases.push({ page: 'https-public', frame: 'page', target: 'loopback-by-name', method: 'GET', mode: 'cors', granted });
  for (const tas of ['loopback', 'local', 'public'] as const) {
    cases.push({
      page: 'https-public',
      frame: 'page',
      target: 'loopback-by-name',
      method: 'GET',
      mode: 'cors',
      granted,
      tas,
    });
    cases.push({ page: 'https-public', frame: 'page', target: 'loopback', method: 'PUT', mode: 'cors', granted, tas });
  }
  cases.push({
    page: 'https-public',
    frame: 'page',
    target: 'public',
    method: 'GET',
    mode: 'cors',
    granted,
    tas: 'public',
  });
  cases.push({
    page: 'https-public',
    frame: 'page',
    target: 'local',
    method: 'GET',
    mode: 'cors',
    granted,
    tas: 'local',
  });
}

cases.forEach((c, i) => (c.id = i));

describe.runIf(available)('Local Network Access: corsight/browser against Chromium', () => {
  it.each(
    cases.map(
      (c) =>
        [
          `${c.granted ? 'granted' : 'denied'}: ${c.frame === 'null' ? 'null frame in ' : ''}${c.page} page -> ${c.target} ${c.method} ${c.mode}${c.tas ? ` targetAddressSpace ${c.tas}` : ''}`,
          c,
        ] as const,
    ),
  )('%s', async (_label, c) => {
    const browserSide = await inChromium(c);
    const engineSide = await inEngine(c);
    expect({ resolved: engineSide.resolved, console: engineSide.console, requests: engineSide.requests }).toEqual(
      browserSide,
    );
  });

  it('exercises both LNA errors and the permission (the table is not trivially all-allowed)', async () => {
    const codes = new Set<string | undefined>();
    for (const c of cases) codes.add((await inEngine(c)).code);
    expect(codes).toEqual(
      new Set([
        undefined,
        'LocalNetworkAccessPermissionDenied',
        'InsecureLocalNetwork',
        'InvalidLocalNetworkAccess',
        'NetworkError',
      ]),
    );
  });
});
