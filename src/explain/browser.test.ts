/**
 * `--browser`: the explained request repeated in real headless Chromium (/usr/bin/chromium), from a
 * page standing in for the origin, compared with the chromium profile: verdict, CDP corsError,
 * failedParameter and the console line. Runs under CI=true always; elsewhere only without Chromium
 * is it skipped.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorsRequest } from '../browser/index.js';
import { startRoutes, type RouteServer } from './__fixtures__/servers.js';
import { compareInChromium, runInChromium } from './browser.js';
import { chromiumAvailable } from '../../test/support/chromium.js';
import { Writable } from 'node:stream';
import { explainCommand } from '../cli/commands/explain.js';
import { explainRequest } from './explain.js';
import { createLiveSender, type LiveSender } from './live.js';

const runBrowser = chromiumAvailable('the explain --browser tests');
const ACAO: [string, string] = ['Access-Control-Allow-Origin', '{origin}'];

describe.skipIf(!runBrowser)('explain --browser against real Chromium', () => {
  let server: RouteServer;
  let other: RouteServer;
  let live: LiveSender;
  beforeAll(async () => {
    other = await startRoutes({
      '/final': { actual: { headers: [['Access-Control-Allow-Origin', 'https://app.test']] } },
    });
    server = await startRoutes({
      '/missing': { actual: {} },
      '/ok': { actual: { headers: [ACAO, ['X-Total', '1'], ['Access-Control-Expose-Headers', 'x-total']] } },
      '/acam': {
        preflight: { status: 204, headers: [ACAO, ['Access-Control-Allow-Methods', 'GET']] },
        actual: { headers: [ACAO] },
      },
      '/r': { actual: { status: 302, headers: [ACAO, ['Location', `${other.url}/final`]] } },
      '/wildcard': { actual: { headers: [['Access-Control-Allow-Origin', '*']] } },
      '/multiple': { actual: { headers: [ACAO, ['Access-Control-Allow-Origin', 'https://b.test']] } },
      '/pf-status': {
        preflight: { status: 404, headers: [ACAO, ['Access-Control-Allow-Headers', 'x-a']] },
        actual: { headers: [ACAO] },
      },
      '/pf-redirect': {
        preflight: { status: 307, headers: [['Location', '/elsewhere']] },
        actual: { headers: [ACAO] },
      },
      '/acah': {
        preflight: { status: 204, headers: [ACAO, ['Access-Control-Allow-Headers', 'x-a']] },
        actual: { headers: [ACAO] },
      },
    });
    live = createLiveSender({ origin: 'https://app.test' });
  });
  afterAll(async () => {
    await live.close();
    await server.close();
    await other.close();
  });

  async function compare(request: CorsRequest, send = false) {
    const x = await explainRequest(request, { sender: live.send, send });
    const c = await compareInChromium(request, x, { send });
    return { x, c };
  }

  it('missing ACAO from an https: origin served by the stand-in: same error and console line', async () => {
    const { x, c } = await compare({ origin: 'https://app.test', url: `${server.url}/missing` });
    expect(x.allowed).toBe(false);
    expect(c).toMatchObject({
      allowed: false,
      corsError: 'MissingAllowOriginHeader',
      failedParameter: '',
      matches: true,
    });
    expect(c.consoleMessage).toBe(x.chromiumConsoleMessage);
  });

  it('Local Network Access: a public page reaching the loopback server, denied, granted, and not secure', async () => {
    const base = { origin: 'https://app.test', url: `${server.url}/ok`, addressSpace: 'public' as const };
    const denied = await compare(base);
    expect(denied.x.outcome.error?.code).toBe('LocalNetworkAccessPermissionDenied');
    expect(denied.c).toMatchObject({
      allowed: false,
      corsError: 'LocalNetworkAccessPermissionDenied',
      failedParameter: '',
      matches: true,
    });
    expect(denied.c.consoleMessage).toBe(denied.x.chromiumConsoleMessage);
    const granted = await compare({ ...base, localNetworkAccess: 'granted' });
    expect(granted.c).toMatchObject({ allowed: true, matches: true });
    const insecure = await compare({ ...base, origin: 'http://app.test' });
    expect(insecure.c).toMatchObject({ allowed: false, corsError: 'InsecureLocalNetwork', matches: true });
    const declared = await compare({ ...base, localNetworkAccess: 'granted', targetAddressSpace: 'local' });
    expect(declared.c).toMatchObject({ allowed: false, corsError: 'InvalidLocalNetworkAccess', matches: true });
    expect(declared.c.consoleMessage).toBe(declared.x.chromiumConsoleMessage);
  });

  it('an allowed request from an http: origin on another port-less host name', async () => {
    const request: CorsRequest = { origin: 'http://app.test', url: `${server.url}/ok` };
    const seen = await runInChromium(request);
    expect(seen.pageOrigin).toBe('http://app.test');
    expect(seen.allowed).toBe(true);
    expect(seen.exposedHeaders).toContain('x-total');
    const { c } = await compare(request);
    expect(c.matches).toBe(true);
  });

  it('a PUT refused by Access-Control-Allow-Methods (with --send)', async () => {
    const { c } = await compare({ origin: 'https://app.test', url: `${server.url}/acam`, method: 'PUT' }, true);
    expect(c).toMatchObject({
      corsError: 'MethodDisallowedByPreflightResponse',
      failedParameter: 'PUT',
      matches: true,
    });
  });

  it('refuses to let Chromium send a PUT without --send', async () => {
    await expect(
      runInChromium({ origin: 'https://app.test', url: `${server.url}/acam`, method: 'PUT' }),
    ).rejects.toThrow(/add --send/);
  });

  it('Origin: null from a sandboxed iframe', async () => {
    const { x, c } = await compare({ origin: 'null', url: `${server.url}/missing` });
    expect(x.exchanges[0]?.request.headers).toContainEqual(['Origin', 'null']);
    expect(c).toMatchObject({ corsError: 'MissingAllowOriginHeader', matches: true });
    expect(c.consoleMessage).toContain("from origin 'null' has been blocked");
  });

  it('a tainting cross-origin redirect: the (redirected from ...) console line matches', async () => {
    const { x, c } = await compare({ origin: 'https://app.test', url: `${server.url}/r` });
    expect(x.verdicts[0]).toMatchObject({ code: 'AllowOriginMismatch', parameter: 'https://app.test' });
    expect(c).toMatchObject({ corsError: 'AllowOriginMismatch', failedParameter: 'https://app.test', matches: true });
    expect(c.consoleMessage).toContain(`(redirected from '${server.url}/r')`);
  });

  it('through the command: --browser --format json carries the comparison, text says it matches', async () => {
    const chunks: string[] = [];
    const out = new Writable({
      write: (c, _e, cb) => {
        chunks.push(String(c));
        cb();
      },
    });
    const code = await explainCommand(
      `${server.url}/missing`,
      { origin: 'https://app.test', browser: true, format: 'json' },
      { stdout: out, stderr: out },
    );
    expect(code).toBe(1);
    const j = JSON.parse(chunks.join(''));
    expect(j.browser).toMatchObject({ allowed: false, corsError: 'MissingAllowOriginHeader', matches: true });
    chunks.length = 0;
    const code2 = await explainCommand(
      `${server.url}/ok`,
      { origin: 'http://app.test', browser: true, color: false },
      { stdout: out, stderr: out },
    );
    expect(code2).toBe(0);
    expect(chunks.join('')).toContain('Real Chromium (--browser)\n  allowed\n  matches the chromium profile');
  });

  it("origin and target on one host name, different ports: only the origin's host:port goes to the stand-in", async () => {
    const port = new URL(server.url).port;
    const request: CorsRequest = { origin: 'http://api.test', url: `http://api.test:${port}/missing` };
    const sender = createLiveSender({ origin: request.origin, resolve: ['api.test:127.0.0.1'] });
    try {
      const x = await explainRequest(request, { sender: sender.send });
      const c = await compareInChromium(request, x, { resolve: ['api.test:127.0.0.1'] });
      expect(c).toMatchObject({ corsError: 'MissingAllowOriginHeader', matches: true });
      expect(server.log.at(-1)?.headers.host).toBe(`api.test:${port}`);
    } finally {
      await sender.close();
    }
  });

  it.each([
    ['wildcard with credentials', { url: '/wildcard', credentials: 'include' }, 'WildcardOriginNotAllowed'],
    ['two Access-Control-Allow-Origin lines', { url: '/multiple' }, 'MultipleAllowOriginValues'],
    ['preflight 404', { url: '/pf-status', headers: { 'X-A': '1' } }, 'PreflightInvalidStatus'],
    ['preflight redirect', { url: '/pf-redirect', headers: { 'X-A': '1' } }, 'PreflightDisallowedRedirect'],
    [
      'several disallowed headers (Chromium names one by its header-map order)',
      { url: '/acah', headers: { 'X-A': '1', 'X-Zeta': '2', 'X-Beta': '3', 'X-Token': '4' } },
      'HeaderDisallowedByPreflightResponse',
    ],
  ] as const)('%s: the model and Chromium agree', async (_label, init, code) => {
    const { url, ...rest } = init as { url: string } & Partial<CorsRequest>;
    const { x, c } = await compare({ origin: 'https://app.test', url: `${server.url}${url}`, ...rest });
    expect(x.verdicts[0]?.code).toBe(code);
    expect(c).toMatchObject({ corsError: code, failedParameter: x.verdicts[0]?.parameter, matches: true });
  });

  it('an IP-literal loopback origin: the stand-in takes that very port', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const seen = await runInChromium({ origin: `http://127.0.0.1:${port}`, url: `${server.url}/missing` });
    expect(seen.pageOrigin).toBe(`http://127.0.0.1:${port}`);
    expect(seen.corsError).toBe('MissingAllowOriginHeader');
  });

  it('says why it cannot stand in: a busy port, a non-loopback IP', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      await expect(runInChromium({ origin: `http://127.0.0.1:${port}`, url: `${server.url}/missing` })).rejects.toThrow(
        `port ${port} on 127.0.0.1 is not free`,
      );
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
    await expect(runInChromium({ origin: 'http://192.0.2.1', url: `${server.url}/missing` })).rejects.toThrow(
      'its host is a non-loopback IP address',
    );
  });
});
