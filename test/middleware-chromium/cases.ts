/**
 * The one table of cases every adapter runs: page origins (who asks) × requests (what they ask) × policies
 * (what the server allows).
 *
 * Page origins live on four loopback page servers: two HTTPS ports (`main`, `other`) serving any `*.test`
 * host, and two plain-HTTP ports (`local`, `local2`) for `localhost`, `127.0.0.1` and an `http:` look-alike.
 * The API is `https://api.example.test:<port>`, so `app.example.test` and the `*.tenants.example.test` pages are
 * same-site with it (schemefully: https only; their cookies are sent; Chromium blocks third-party cookies in Playwright's contexts, so
 * the cross-site pages send none, which changes nothing in CORS).
 *
 * `allowed` states the intent of each row under each policy; the suite checks that Chromium, the policy and
 * `simulateFetch` agree with each other AND with this intent, so a harness that made everything fail (or
 * succeed) could not pass.
 */
import { createPolicy, type Policy, type PolicyConfig } from '../../src/policy/index.js';
import type { PageFetchInit } from './browser.js';

/** The ports the page servers listen on. */
export interface PagePorts {
  main: number;
  other: number;
  local: number;
  local2: number;
}

/**
 * The policies under test. `credentialed` and `public` are static; `resolved` allows the same origins as
 * `credentialed` through an origin resolver; `selected` is a per-request selector choosing between the two
 * static ones by path (see {@link selectedPolicyName}).
 */
export type PolicyName = 'credentialed' | 'public' | 'resolved' | 'selected';

/** The static policies a `selected` run chooses between. */
export type StaticPolicyName = 'credentialed' | 'public';

/**
 * `credentialed`: an explicit allowlist with credentials (exact origin, a `*.` pattern, `http://localhost:*`).
 * `public`: every origin without credentials, every request header (`*`, which never covers Authorization).
 */
export function policyConfigs(ports: PagePorts): Record<StaticPolicyName, PolicyConfig> {
  return {
    credentialed: {
      origins: [
        `https://app.example.test:${ports.main}`,
        `https://*.tenants.example.test:${ports.main}`,
        'http://localhost:*',
      ],
      credentials: true,
      methods: ['PUT', 'DELETE'],
      requestHeaders: ['content-type', 'x-request-id', 'authorization'],
      exposeHeaders: ['x-request-id'],
      maxAge: 600,
    },
    public: {
      origins: ['*'],
      methods: ['PUT', 'DELETE'],
      requestHeaders: '*',
      exposeHeaders: ['x-request-id'],
    },
  };
}

/**
 * `resolved`: the exact origin listed, every other origin of `credentialed` (the `*.` pattern, `localhost:*`)
 * left to an async resolver that asks a database stand-in (the static `credentialed` policy itself), and
 * granted preflights answered 200 (`preflightStatus`) to show Chromium accepts them. `asked` records what the
 * resolver was asked about.
 */
export function resolvedConfig(ports: PagePorts, asked: string[]): PolicyConfig {
  const credentialed = policyConfigs(ports).credentialed;
  const database = createPolicy(credentialed);
  return {
    ...credentialed,
    origins: [
      `https://app.example.test:${ports.main}`,
      async (origin) => {
        asked.push(origin);
        await new Promise((resolve) => setTimeout(resolve, 2));
        return database.evaluate({ method: 'GET', headers: { origin } }).allowed;
      },
    ],
    preflightStatus: 200,
  };
}

/**
 * The policy a `selected` run picks for a request kind: an API whose cookie-carrying routes use the
 * credentialed allowlist and whose other routes are public. The kind is in the path, which is all the
 * selector reads.
 */
export function selectedPolicyName(kind: RequestKind): StaticPolicyName {
  return kind.credentialed ? 'credentialed' : 'public';
}

/**
 * The selector of a `selected` run: reads the path from whatever request object the adapter hands it (Node's
 * `req.url`, Koa's `ctx.url`, Hono's `c.req.url`, a Fetch `Request`'s absolute `url`) and picks by request kind.
 */
export function selectorFor(policies: Record<StaticPolicyName, Policy>): (request: unknown) => Policy {
  const byKind = new Map(requestKinds.map((k) => [k.id, policies[selectedPolicyName(k)]]));
  return (request) => {
    const r = request as { url?: unknown; req?: { url?: unknown } };
    const url = typeof r.url === 'string' ? r.url : typeof r.req?.url === 'string' ? r.req.url : '';
    const path = url.startsWith('/') ? url : new URL(url).pathname;
    const kind = path.split('/')[4] ?? '';
    return byKind.get(kind) ?? policies.credentialed;
  };
}

/** A page origin of the table. */
export interface PageOrigin {
  id: string;
  /** Why this origin is in the table. */
  why: string;
  /** The page to open. */
  pageUrl: string;
  /** `top`: the page itself; `sandboxed`: its sandboxed srcdoc iframe (`Origin: null`). */
  document: 'top' | 'sandboxed';
  /** The serialized origin the request carries. */
  origin: string;
  /** Whether the `credentialed` policy lists it (the `public` one allows every origin). */
  listed: boolean;
  /** Same site as `api.example.test` (so its cookies go along with credentialed requests). */
  sameSite: boolean;
}

export function pageOrigins(p: PagePorts): PageOrigin[] {
  const https = (host: string, port: number) => `https://${host}:${port}`;
  const o = (
    id: string,
    why: string,
    origin: string,
    listed: boolean,
    sameSite: boolean,
    document: 'top' | 'sandboxed' = 'top',
    pageUrl = origin + '/',
  ): PageOrigin => ({
    id,
    why,
    pageUrl,
    document,
    origin: document === 'sandboxed' ? 'null' : origin,
    listed,
    sameSite,
  });
  return [
    o('exact', 'the exact listed origin', https('app.example.test', p.main), true, true),
    o('depth-1', 'a subdomain at depth 1 of the *. pattern', https('acme.tenants.example.test', p.main), true, true),
    o('depth-2', 'a subdomain at depth 2 of the *. pattern', https('eu.acme.tenants.example.test', p.main), true, true),
    o('apex', 'the apex of the *. pattern (never matched)', https('tenants.example.test', p.main), false, true),
    o('other-port', 'the exact origin on another port', https('app.example.test', p.other), false, true),
    o(
      'pattern-other-port',
      'a subdomain of the pattern on another port',
      https('acme.tenants.example.test', p.other),
      false,
      true,
    ),
    o('localhost', 'http://localhost:* on one port', `http://localhost:${p.local}`, true, false),
    o('localhost-2', 'http://localhost:* on another port', `http://localhost:${p.local2}`, true, false),
    o('loopback-ip', '127.0.0.1 is not localhost', `http://127.0.0.1:${p.local}`, false, false),
    o(
      'http-scheme',
      'the listed host over http: (scheme and port differ)',
      `http://app.example.test:${p.local}`,
      false,
      false,
    ),
    o(
      'suffix-sharing',
      'shares the pattern suffix without a label boundary',
      https('xtenants.example.test', p.main),
      false,
      true,
    ),
    o(
      'exact-as-prefix',
      'the listed host as a prefix of an attacker host',
      https('app.example.test.evil.test', p.main),
      false,
      false,
    ),
    o(
      'pattern-as-prefix',
      'a pattern subdomain as a prefix of an attacker host',
      https('acme.tenants.example.test.evil.test', p.main),
      false,
      false,
    ),
    o(
      'null',
      'a sandboxed srcdoc iframe (opaque origin) inside the listed page',
      https('app.example.test', p.main),
      false,
      false,
      'sandboxed',
    ),
  ];
}

/** A request of the table. */
export interface RequestKind {
  id: string;
  why: string;
  method: string;
  init: PageFetchInit;
  /** Sent with `credentials: 'include'`. */
  credentialed: boolean;
  /** Policies that refuse it whatever the origin (method or header not allowed). */
  refusedBy: PolicyName[];
}

export const requestKinds: readonly RequestKind[] = [
  {
    id: 'simple-get',
    why: 'simple request, no credentials',
    method: 'GET',
    init: {},
    credentialed: false,
    refusedBy: [],
  },
  {
    id: 'simple-post',
    why: 'simple POST with a text body',
    method: 'POST',
    init: { method: 'POST', body: 'hello' },
    credentialed: false,
    refusedBy: [],
  },
  {
    id: 'credentialed-get',
    why: 'simple request with cookies',
    method: 'GET',
    init: { credentials: 'include' },
    credentialed: true,
    refusedBy: [],
  },
  {
    id: 'put-json',
    why: 'preflighted PUT with a JSON body and cookies',
    method: 'PUT',
    init: { method: 'PUT', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{"a":1}' },
    credentialed: true,
    refusedBy: [],
  },
  {
    id: 'delete',
    why: 'preflighted DELETE',
    method: 'DELETE',
    init: { method: 'DELETE' },
    credentialed: false,
    refusedBy: [],
  },
  {
    id: 'custom-header',
    why: 'preflighted by a listed custom header, with cookies',
    method: 'GET',
    init: { credentials: 'include', headers: { 'x-request-id': 'abc' } },
    credentialed: true,
    refusedBy: [],
  },
  {
    id: 'authorization',
    why: 'Authorization: listed by the credentialed policy, never covered by "*"',
    method: 'GET',
    init: { headers: { authorization: 'Bearer t0k3n' } },
    credentialed: false,
    refusedBy: ['public'],
  },
  {
    id: 'unlisted-method',
    why: 'PATCH is not allowed',
    method: 'PATCH',
    init: { method: 'PATCH' },
    credentialed: false,
    refusedBy: ['credentialed', 'public'],
  },
  {
    id: 'unlisted-header',
    why: 'a header the credentialed policy does not list',
    method: 'GET',
    init: { headers: { 'x-unlisted': '1' } },
    credentialed: false,
    refusedBy: ['credentialed'],
  },
];

/** The intended outcome: may script on `origin` read the response to `kind` under `policy`? */
export function intendedAllowed(policy: PolicyName, origin: PageOrigin, kind: RequestKind): boolean {
  // The resolver allows exactly what `credentialed` lists; the selector picks a static policy per kind.
  if (policy === 'resolved') return intendedAllowed('credentialed', origin, kind);
  if (policy === 'selected') return intendedAllowed(selectedPolicyName(kind), origin, kind);
  if (kind.refusedBy.includes(policy)) return false;
  // A "*" policy never grants credentialed access (https://fetch.spec.whatwg.org/#cors-protocol-and-credentials: "*"
  // does not work with credentials).
  if (policy === 'public') return !kind.credentialed;
  return origin.listed;
}
