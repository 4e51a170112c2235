/**
 * Proof in a real browser (issue 4, point 7): for every adapter, pages on allowed and refused origins make
 * simple, credentialed and preflighted requests in headless Chromium, and each outcome must match both the
 * policy's decision and `corsight/browser`'s prediction (see ./verdicts.ts for what is compared, ./cases.ts for
 * the table). One browser serves all six adapters; each adapter serves each policy from its own HTTPS server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateFetch, type CorsOutcome } from '../../src/browser/index.js';
import { createPolicy, type Policy } from '../../src/policy/index.js';
import {
  chromiumAvailable,
  corsFailure,
  launchBrowser,
  openPage,
  runFetches,
  type BrowserHarness,
  type Requester,
} from './browser.js';
import {
  intendedAllowed,
  pageOrigins,
  policyConfigs,
  requestKinds,
  resolvedConfig,
  selectedPolicyName,
  selectorFor,
  type PageOrigin,
  type PagePorts,
  type PolicyName,
  type RequestKind,
  type StaticPolicyName,
} from './cases.js';
import { startPageServers } from './pages.js';
import { adapters, type AdapterServer } from './servers.js';
import { dispatcher, realTransport } from './transport.js';
import { disagreements, policyVerdict, type BrowserVerdict } from './verdicts.js';

const POLICIES: readonly PolicyName[] = ['credentialed', 'public', 'resolved', 'selected'];
/** Origin ids for test names (they do not depend on the ports). */
const ORIGIN_IDS = pageOrigins({ main: 1, other: 2, local: 3, local2: 4 }).map((o) => o.id);

const available = chromiumAvailable();

interface World {
  ports: PagePorts;
  origins: PageOrigin[];
  browser: BrowserHarness;
  requesters: Map<string, Requester>;
  closePages(): Promise<void>;
}

let world: World | undefined;

/** Runs every request kind from every origin against one server; returns the disagreements per origin. */
async function runPolicy(
  w: World,
  server: AdapterServer,
  policyName: PolicyName,
  policyOf: (kind: RequestKind) => Policy,
  adapter: string,
): Promise<Map<string, string[]>> {
  const base = `https://api.example.test:${server.port}`;
  const url = (o: PageOrigin, k: RequestKind) => `${base}/api/${policyName}/${o.id}/${k.id}`;
  const results = new Map<string, string[]>();
  await Promise.all(
    w.origins.map(async (origin) => {
      const requester = w.requesters.get(origin.id)!;
      const calls = requestKinds.map((k) => ({ url: url(origin, k), init: k.init }));
      const pageResults = await runFetches(requester, calls);
      const problems: string[] = [];
      await Promise.all(
        requestKinds.map(async (kind, i) => {
          const caseUrl = calls[i]!.url;
          const path = new URL(caseUrl).pathname;
          const page = pageResults[i]!;
          const failure = page.settled === 'rejected' ? await corsFailure(requester, caseUrl) : undefined;
          // What Chromium sent (Sec-Fetch-Mode marks it; the simulation's undici requests carry none).
          const wire = server.log.filter((r) => r.url === path && r.headers['sec-fetch-mode'] !== undefined);
          const browser: BrowserVerdict = { page, failure, wire };
          const verdict = await policyVerdict(policyOf(kind), wire, kind.credentialed);
          let simulated: CorsOutcome;
          try {
            simulated = await simulateFetch(
              {
                origin: origin.origin,
                url: caseUrl,
                method: kind.method,
                headers: kind.init.headers ?? {},
                credentials: kind.init.credentials ?? 'same-origin',
                body: kind.init.body === undefined ? 'none' : 'text',
              },
              realTransport(kind.init.body),
            );
          } catch (e) {
            problems.push(`${kind.id}: simulateFetch threw ${String(e)}`);
            return;
          }
          const intended = intendedAllowed(policyName, origin, kind);
          const cookies = { expected: kind.credentialed && origin.sameSite };
          for (const d of disagreements(browser, verdict, simulated, intended, cookies)) {
            problems.push(`${adapter} ${policyName} ${origin.id} (${origin.origin}) ${kind.id} [${kind.why}]: ${d}`);
          }
        }),
      );
      results.set(origin.id, problems);
    }),
  );
  return results;
}

describe.skipIf(!available)('corsight middleware in Chromium', () => {
  let closePageServers: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const pages = await startPageServers();
    closePageServers = () => pages.close();
    const origins = pageOrigins(pages.ports);
    const browser = await launchBrowser();
    // The API's session cookie: SameSite=None; Secure, so only Chromium's third-party-cookie rules limit it.
    await browser.context.addCookies([
      {
        name: 'sid',
        value: 's3ss10n',
        domain: 'api.example.test',
        path: '/',
        secure: true,
        httpOnly: true,
        sameSite: 'None',
      },
    ]);
    const requesters = new Map<string, Requester>();
    const opened = new Map<string, Awaited<ReturnType<typeof openPage>>>();
    for (const o of origins) {
      let page = opened.get(o.pageUrl);
      if (!page) {
        page = await openPage(browser.context, o.pageUrl);
        opened.set(o.pageUrl, page);
      }
      requesters.set(o.id, o.document === 'sandboxed' ? page.sandboxed : page.top);
    }
    world = {
      ports: pages.ports,
      origins,
      browser,
      requesters,
      closePages: async () => {
        for (const p of opened.values()) await p.page.close().catch(() => {});
      },
    };
  });

  afterAll(async () => {
    await world?.closePages();
    await world?.browser.close();
    await closePageServers?.();
    await dispatcher.close();
  });

  it('the table covers every adapter, four policies, 14 origins and 9 request kinds', () => {
    expect(adapters.map((a) => a.name)).toEqual(['node', 'express', 'fastify', 'koa', 'hono', 'fetch']);
    expect(POLICIES).toHaveLength(4);
    // The selector really selects: both static policies answer some kinds.
    expect(new Set(requestKinds.map(selectedPolicyName))).toEqual(new Set(['credentialed', 'public']));
    expect(ORIGIN_IDS).toHaveLength(14);
    expect(requestKinds).toHaveLength(9);
  });

  for (const adapter of adapters) {
    describe(`${adapter.name} adapter`, () => {
      const results = new Map<string, string[]>();

      beforeAll(async () => {
        const w = world!;
        const configs = policyConfigs(w.ports);
        const statics: Record<StaticPolicyName, Policy> = {
          credentialed: createPolicy(configs.credentialed),
          public: createPolicy(configs.public),
        };
        for (const name of POLICIES) {
          const asked: string[] = [];
          let policyOf: (kind: RequestKind) => Policy;
          let server: AdapterServer;
          if (name === 'selected') {
            policyOf = (kind) => statics[selectedPolicyName(kind)];
            // servers.ts types start() for a policy; every adapter also takes a selector (req) => policy.
            server = await adapter.start(selectorFor(statics) as unknown as Policy);
          } else {
            const policy = name === 'resolved' ? createPolicy(resolvedConfig(w.ports, asked)) : statics[name];
            policyOf = () => policy;
            server = await adapter.start(policy);
          }
          try {
            const perOrigin = await runPolicy(w, server, name, policyOf, adapter.name);
            for (const [origin, problems] of perOrigin) results.set(`${name}/${origin}`, problems);
            if (name === 'resolved') {
              // The resolver decided the unlisted origins, and was never asked about null or the listed one.
              const extra = [];
              if (!asked.some((o) => o.includes('tenants.example.test'))) extra.push('the resolver was never asked');
              if (asked.includes('null')) extra.push('the resolver was asked about null');
              if (asked.some((o) => o.startsWith('https://app.example.test:' + String(w.ports.main)))) {
                extra.push('the resolver was asked about a listed origin');
              }
              results.set('resolved/resolver', extra);
            }
          } finally {
            await server.close();
          }
        }
      });

      it('resolved policy: the resolver decided the unlisted origins and was never asked about null or a listed one', () => {
        expect(results.get('resolved/resolver')).toEqual([]);
      });

      for (const name of POLICIES) {
        for (const originId of ORIGIN_IDS) {
          it(`${name} policy, ${originId}: Chromium, the policy and simulateFetch agree on all ${requestKinds.length} requests`, () => {
            const problems = results.get(`${name}/${originId}`);
            expect(problems, 'the case did not run').toBeDefined();
            expect(problems).toEqual([]);
          });
        }
      }
    });
  }
});
