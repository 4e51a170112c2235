/**
 * Local Network Access in the engine, case by case as observed in Chromium 156 (headless, with
 * `--ip-address-space-overrides` to make pages public or local); test/chromium/local-network-access.test.ts
 * checks the same table against the real browser.
 */
import { describe, expect, it } from 'vitest';
import { fakeServer } from './__fixtures__/server.js';
import { simulateFetch } from './simulate.js';
import type { SimulateOptions } from './options.js';
import type { AddressSpace, CorsRequest } from './types.js';

const PAGE = 'https://www.example.com';
const LOOPBACK = 'http://127.0.0.1:8080/data';
const LOCAL = 'https://192.168.1.10/data';
const PUBLIC = 'https://api.example.net/data';
const reflect = (req: { headers: [string, string][] }): [string, string][] => [
  ['Access-Control-Allow-Origin', req.headers.find(([n]) => n.toLowerCase() === 'origin')?.[1] ?? '*'],
  ['Access-Control-Allow-Methods', 'PUT'],
];
const routes = {
  [`* ${LOOPBACK}`]: { headers: reflect },
  [`* ${LOCAL}`]: { headers: reflect },
  [`* ${PUBLIC}`]: { headers: reflect },
  ['* https://api.example.net/to-loopback']: {
    status: 302,
    headers: [
      ['Location', LOOPBACK],
      ['Access-Control-Allow-Origin', '*'],
    ] as [string, string][],
  },
};

async function run(request: Partial<CorsRequest> & { url: string }, options: SimulateOptions = {}) {
  const { transport, log } = fakeServer(routes);
  const outcome = await simulateFetch({ origin: PAGE, ...request }, transport, options);
  return { outcome, sent: log.map((r) => `${r.method} ${r.url}`) };
}

describe('Local Network Access (Chromium)', () => {
  it.each<[string, Partial<CorsRequest> & { url: string }, string | null]>([
    [
      'public https page -> loopback, no permission',
      { addressSpace: 'public', url: LOOPBACK },
      'LocalNetworkAccessPermissionDenied',
    ],
    [
      'public https page -> local, no permission',
      { addressSpace: 'public', url: LOCAL },
      'LocalNetworkAccessPermissionDenied',
    ],
    [
      'public https page -> loopback, granted',
      { addressSpace: 'public', url: LOOPBACK, localNetworkAccess: 'granted' },
      null,
    ],
    [
      'public http page -> loopback, even granted',
      { origin: 'http://www.example.com', addressSpace: 'public', url: LOOPBACK, localNetworkAccess: 'granted' },
      'InsecureLocalNetwork',
    ],
    [
      'local http page -> loopback: Chromium checks only public pages',
      { origin: 'http://nas.lan', addressSpace: 'local', url: LOOPBACK },
      null,
    ],
    ['local https page -> local: same space, no check', { addressSpace: 'local', url: LOCAL }, null],
    [
      'loopback page -> public: less private, no check',
      { origin: 'http://localhost:3000', addressSpace: 'loopback', url: PUBLIC },
      null,
    ],
    [
      'public page -> localhost by name',
      { addressSpace: 'public', url: 'http://localhost:8080/data' },
      'LocalNetworkAccessPermissionDenied',
    ],
    ['no address space given: not checked', { url: LOOPBACK }, null],
  ])('%s', async (_label, request, code) => {
    const { outcome, sent } = await run(request);
    if (code === null) {
      expect(outcome.allowed).toBe(true);
    } else {
      expect(outcome.allowed).toBe(false);
      expect(outcome.error?.code).toBe(code);
      expect(outcome.error?.kind).toBe('cors');
      // CDP's failedParameter is empty; the console names the space.
      expect(outcome.error?.parameter).toBe('');
      expect(sent).toEqual([]);
    }
  });

  it('blocks before the preflight: nothing is sent for a PUT either', async () => {
    const { outcome, sent } = await run({ addressSpace: 'public', url: LOOPBACK, method: 'PUT' });
    expect(outcome.error?.code).toBe('LocalNetworkAccessPermissionDenied');
    expect(outcome.preflighted).toBe(false);
    expect(sent).toEqual([]);
  });

  it('checks no-cors requests too', async () => {
    const { outcome } = await run({ addressSpace: 'public', url: LOOPBACK, mode: 'no-cors' });
    expect(outcome.error?.code).toBe('LocalNetworkAccessPermissionDenied');
  });

  it('uses Chromium console text naming the more private space', async () => {
    const { outcome } = await run({ addressSpace: 'public', url: LOCAL });
    expect(outcome.error?.message).toBe(
      `Access to fetch at '${LOCAL}' from origin '${PAGE}' has been blocked by CORS policy: Permission was denied for this request to access the \`local\` address space.`,
    );
    const insecure = await run({ origin: 'http://www.example.com', addressSpace: 'public', url: LOOPBACK });
    expect(insecure.outcome.error?.message).toBe(
      `Access to fetch at '${LOOPBACK}' from origin 'http://www.example.com' has been blocked by CORS policy: The request client is not a secure context and the resource is in more-private address space \`loopback\`.`,
    );
  });

  it('checks every redirect hop: a public server redirecting to loopback', async () => {
    const { outcome, sent } = await run({ addressSpace: 'public', url: 'https://api.example.net/to-loopback' });
    expect(sent).toEqual(['GET https://api.example.net/to-loopback']);
    expect(outcome.error?.code).toBe('LocalNetworkAccessPermissionDenied');
    expect(outcome.error?.message).toContain(
      `Access to fetch at '${LOOPBACK}' (redirected from 'https://api.example.net/to-loopback')`,
    );
  });

  it('an opaque origin inherits its top-level page for the secure context', async () => {
    const secure = await run({ origin: 'null', topLevelOrigin: PAGE, addressSpace: 'public', url: LOOPBACK });
    expect(secure.outcome.error?.code).toBe('LocalNetworkAccessPermissionDenied');
    const insecure = await run({
      origin: 'null',
      topLevelOrigin: 'http://www.example.com',
      addressSpace: 'public',
      url: LOOPBACK,
    });
    expect(insecure.outcome.error?.code).toBe('InsecureLocalNetwork');
    const granted = await run({ origin: 'null', addressSpace: 'public', url: LOOPBACK, localNetworkAccess: 'granted' });
    expect(granted.outcome.allowed).toBe(true);
  });

  it('asks resolveAddressSpace for names, and mixed content still comes first', async () => {
    const internal = 'https://intranet.corp.example/data';
    const resolveAddressSpace = (url: URL): AddressSpace | undefined =>
      url.hostname === 'intranet.corp.example' ? 'local' : undefined;
    const blocked = await run({ addressSpace: 'public', url: internal }, { resolveAddressSpace });
    expect(blocked.outcome.error?.code).toBe('LocalNetworkAccessPermissionDenied');
    const mixed = await run(
      { addressSpace: 'public', url: 'http://intranet.corp.example/data' },
      { resolveAddressSpace },
    );
    expect(mixed.outcome.error).toMatchObject({ code: 'NetworkError', parameter: 'mixed-content' });
    // A plain-http private IP is not potentially trustworthy either: mixed content, not LNA.
    const plainLocal = await run({ addressSpace: 'public', url: 'http://192.168.1.10/data' });
    expect(plainLocal.outcome.error).toMatchObject({ code: 'NetworkError', parameter: 'mixed-content' });
  });

  it('is Chromium only: the other profiles do not model it', async () => {
    for (const profile of ['spec', 'firefox', 'safari'] as const) {
      const { outcome } = await run({ addressSpace: 'public', url: LOOPBACK }, { profile });
      expect(outcome.allowed).toBe(true);
    }
  });

  it('rejects bad inputs with a TypeError naming them', async () => {
    await expect(run({ addressSpace: 'intranet' as AddressSpace, url: LOOPBACK })).rejects.toThrow(
      /addressSpace must be one of public, local, loopback/,
    );
    await expect(
      run({ addressSpace: 'public', localNetworkAccess: 'prompt' as 'granted', url: LOOPBACK }),
    ).rejects.toThrow(/localNetworkAccess must be 'granted' or 'denied'/);
    await expect(
      run({ addressSpace: 'public', url: LOOPBACK }, { resolveAddressSpace: () => 'private' as AddressSpace }),
    ).rejects.toThrow(/resolveAddressSpace returned 'private'/);
  });

  describe('targetAddressSpace', () => {
    const NAMED = 'http://printer.lan/data';
    const lan = (url: URL): AddressSpace | undefined => (url.hostname === 'printer.lan' ? 'local' : undefined);
    const routesFor = { [`* ${NAMED}`]: { headers: reflect } };
    async function runNamed(request: Partial<CorsRequest>) {
      const { transport, log } = fakeServer(routesFor);
      const outcome = await simulateFetch({ origin: PAGE, url: NAMED, addressSpace: 'public', ...request }, transport, {
        resolveAddressSpace: lan,
      });
      return { outcome, sent: log.map((r) => r.method) };
    }

    it('exempts a plain-http private server from mixed content, then asks for the permission', async () => {
      expect((await runNamed({})).outcome.error).toMatchObject({ code: 'NetworkError', parameter: 'mixed-content' });
      expect((await runNamed({ targetAddressSpace: 'local' })).outcome.error?.code).toBe(
        'LocalNetworkAccessPermissionDenied',
      );
      expect((await runNamed({ targetAddressSpace: 'local', localNetworkAccess: 'granted' })).outcome.allowed).toBe(
        true,
      );
      // `public` is no exemption.
      expect((await runNamed({ targetAddressSpace: 'public' })).outcome.error).toMatchObject({
        code: 'NetworkError',
        parameter: 'mixed-content',
      });
    });

    it('fails a server in another space with InvalidLocalNetworkAccess, naming both spaces', async () => {
      const r = await runNamed({ targetAddressSpace: 'loopback', localNetworkAccess: 'granted' });
      expect(r.outcome.error?.code).toBe('InvalidLocalNetworkAccess');
      expect(r.outcome.error?.message).toContain(
        'Request had a target IP address space of `loopback` yet the resource is in address space `local`.',
      );
      expect(r.sent).toEqual([]);
    });

    it('checks the declared space on the actual request: a preflight goes out first when permitted', async () => {
      const granted = await runNamed({ targetAddressSpace: 'loopback', localNetworkAccess: 'granted', method: 'PUT' });
      expect(granted.outcome.error?.code).toBe('InvalidLocalNetworkAccess');
      expect(granted.sent).toEqual(['OPTIONS']);
      // Denied: the preflight itself meets the permission check.
      const denied = await runNamed({ targetAddressSpace: 'loopback', method: 'PUT' });
      expect(denied.outcome.error?.code).toBe('LocalNetworkAccessPermissionDenied');
      expect(denied.sent).toEqual([]);
    });

    it("is refused without the page's address space, and for an unknown value", async () => {
      await expect(run({ url: LOOPBACK, targetAddressSpace: 'loopback' })).rejects.toThrow(
        /targetAddressSpace needs addressSpace/,
      );
      await expect(
        run({ url: LOOPBACK, addressSpace: 'public', targetAddressSpace: 'private' as AddressSpace }),
      ).rejects.toThrow(/not a valid enum value of type IPAddressSpace/);
    });
  });
});
