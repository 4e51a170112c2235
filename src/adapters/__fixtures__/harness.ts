/**
 * One table of HTTP cases run against every adapter on a real server on 127.0.0.1 (client: undici).
 *
 * Each adapter's app has the same shape: an outer step that sets `Vary: Accept-Encoding` before CORS runs (to
 * prove Vary is appended, never overwritten), `GET /data` -> 200 "data", `GET /boom` -> the framework's error
 * path (a thrown error), `OPTIONS /opt` -> the app's own OPTIONS handler (200 "options-app"), and anything else
 * -> the framework's 404. `hits` counts requests that reached the app's handlers or its 404.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicy, type Policy } from '../../policy/index.js';
import type { PolicySelector } from '../select.js';

export interface Started {
  url: string;
  hits: () => number;
  close: () => Promise<void>;
}

export const ALLOWED = 'https://app.example.com';
export const SUBDOMAIN = 'https://deep.tenant.example.org';
export const REFUSED = 'https://evil.example.net';

/** The policy every adapter is tested with. */
export function harnessPolicy(): Policy {
  return createPolicy({
    origins: [ALLOWED, 'https://*.example.org'],
    credentials: true,
    methods: ['PUT', 'DELETE'],
    requestHeaders: ['content-type', 'x-token'],
    exposeHeaders: ['x-request-id'],
    maxAge: 600,
  });
}

async function send(base: string, method: string, path: string, headers: Record<string, string> = {}) {
  const res = await request(base + path, { method: method as 'GET', headers });
  const body = await res.body.text();
  const h = res.headers;
  const one = (name: string) => {
    const v = h[name];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  return { status: res.statusCode, body, header: one };
}

const varyNames = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/**
 * Runs the shared cases. `errorPath` says how `/boom` fails: `'throws'` (the framework's error handler
 * answers 500) or `'responds'` (the handler itself returns a 500 response: the fetch adapter rethrows errors).
 */
export function describeAdapter(
  name: string,
  start: (policy: Policy) => Promise<Started>,
  errorPath: 'throws' | 'responds' = 'throws',
): void {
  describe(`${name} adapter on a real server`, () => {
    const policy = harnessPolicy();
    let server: Started;
    beforeAll(async () => {
      server = await start(policy);
    });
    afterAll(async () => {
      await server.close();
    });

    it('grants an allowed origin on an actual request and keeps the outer Vary', async () => {
      const before = server.hits();
      const r = await send(server.url, 'GET', '/data', { origin: ALLOWED });
      expect(r.status).toBe(200);
      expect(r.body).toBe('data');
      expect(server.hits()).toBe(before + 1);
      expect(r.header('access-control-allow-origin')).toBe(ALLOWED);
      expect(r.header('access-control-allow-credentials')).toBe('true');
      expect(r.header('access-control-expose-headers')).toBe('x-request-id');
      expect(varyNames(r.header('vary'))).toEqual(expect.arrayContaining(['accept-encoding', 'origin']));
    });

    it('grants a subdomain matched by https://*.example.org', async () => {
      const r = await send(server.url, 'GET', '/data', { origin: SUBDOMAIN });
      expect(r.header('access-control-allow-origin')).toBe(SUBDOMAIN);
    });

    it('lets a refused origin reach the app but sends no ACAO/ACAC, with Vary: Origin', async () => {
      const before = server.hits();
      const r = await send(server.url, 'GET', '/data', { origin: REFUSED });
      expect(r.status).toBe(200);
      expect(server.hits()).toBe(before + 1);
      expect(r.header('access-control-allow-origin')).toBeUndefined();
      expect(r.header('access-control-allow-credentials')).toBeUndefined();
      expect(varyNames(r.header('vary'))).toEqual(expect.arrayContaining(['accept-encoding', 'origin']));
    });

    it('adds Vary: Origin to a request without Origin', async () => {
      const r = await send(server.url, 'GET', '/data');
      expect(r.status).toBe(200);
      expect(r.header('access-control-allow-origin')).toBeUndefined();
      expect(varyNames(r.header('vary'))).toContain('origin');
    });

    it('answers a granted preflight with 204 without calling the app', async () => {
      const before = server.hits();
      const r = await send(server.url, 'OPTIONS', '/data', {
        origin: ALLOWED,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-token',
      });
      expect(r.status).toBe(204);
      expect(server.hits()).toBe(before);
      expect(r.body).toBe('');
      expect(r.header('access-control-allow-origin')).toBe(ALLOWED);
      expect(r.header('access-control-allow-credentials')).toBe('true');
      expect(r.header('access-control-allow-methods')).toBe('PUT, DELETE');
      expect(r.header('access-control-allow-headers')).toBe('content-type, x-token');
      expect(r.header('access-control-max-age')).toBe('600');
      expect(varyNames(r.header('vary'))).toEqual(
        expect.arrayContaining(['origin', 'access-control-request-method', 'access-control-request-headers']),
      );
    });

    it('answers a granted preflight to a path the app does not route (no 404, no OPTIONS route needed)', async () => {
      const r = await send(server.url, 'OPTIONS', '/nowhere', {
        origin: ALLOWED,
        'access-control-request-method': 'DELETE',
      });
      expect(r.status).toBe(204);
      expect(r.header('access-control-allow-origin')).toBe(ALLOWED);
    });

    it.each([
      ['an unlisted origin', { origin: REFUSED, 'access-control-request-method': 'PUT' }],
      ['an unlisted method', { origin: ALLOWED, 'access-control-request-method': 'PATCH' }],
      [
        'an unlisted header',
        { origin: ALLOWED, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-other' },
      ],
    ])('refuses a preflight with %s: 403, no ACAO/ACAC, app not called', async (_label, headers) => {
      const before = server.hits();
      const r = await send(server.url, 'OPTIONS', '/data', headers);
      expect(r.status).toBe(403);
      expect(server.hits()).toBe(before);
      expect(r.header('access-control-allow-origin')).toBeUndefined();
      expect(r.header('access-control-allow-credentials')).toBeUndefined();
      expect(varyNames(r.header('vary'))).toContain('origin');
    });

    it('lets an OPTIONS request that is not a preflight reach the app', async () => {
      const before = server.hits();
      const r = await send(server.url, 'OPTIONS', '/opt', { origin: ALLOWED });
      expect(r.status).toBe(200);
      expect(r.body).toBe('options-app');
      expect(server.hits()).toBe(before + 1);
      expect(r.header('access-control-allow-origin')).toBe(ALLOWED);
      const noOrigin = await send(server.url, 'OPTIONS', '/opt', { 'access-control-request-method': 'PUT' });
      expect(noOrigin.body).toBe('options-app');
    });

    it(`keeps CORS headers on the error path (${errorPath === 'throws' ? 'thrown error' : '500 response'})`, async () => {
      const r = await send(server.url, 'GET', '/boom', { origin: ALLOWED });
      expect(r.status).toBe(500);
      expect(r.header('access-control-allow-origin')).toBe(ALLOWED);
      expect(r.header('access-control-allow-credentials')).toBe('true');
      expect(varyNames(r.header('vary'))).toContain('origin');
    });

    it('keeps CORS headers on 404', async () => {
      const r = await send(server.url, 'GET', '/missing', { origin: ALLOWED });
      expect(r.status).toBe(404);
      expect(r.header('access-control-allow-origin')).toBe(ALLOWED);
      expect(varyNames(r.header('vary'))).toContain('origin');
    });

    it('explains a refused preflight in debug mode, switched at run time, with the value escaped', async () => {
      policy.debug = true;
      try {
        const r = await send(server.url, 'OPTIONS', '/data', {
          origin: ALLOWED,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'x-token,x-"evil"',
        });
        expect(r.status).toBe(403);
        expect(r.header('corsight-debug')).toBe(
          'preflight refused at step "headers": request header "x-\\x22evil\\x22" is not allowed (or listed twice, or not a valid name)',
        );
      } finally {
        policy.debug = false;
      }
      const quiet = await send(server.url, 'OPTIONS', '/data', {
        origin: ALLOWED,
        'access-control-request-method': 'PATCH',
      });
      expect(quiet.header('corsight-debug')).toBeUndefined();
    });

    it('follows policy.reconfigure at run time', async () => {
      const config = policy.config;
      policy.reconfigure({ origins: [REFUSED] });
      try {
        const r = await send(server.url, 'GET', '/data', { origin: REFUSED });
        expect(r.header('access-control-allow-origin')).toBe(REFUSED);
        expect(r.header('access-control-allow-credentials')).toBeUndefined();
      } finally {
        policy.reconfigure(config);
      }
      const r = await send(server.url, 'GET', '/data', { origin: REFUSED });
      expect(r.header('access-control-allow-origin')).toBeUndefined();
    });
  });
}

/** An origin only the resolver knows, one it refuses, and one whose lookup fails. */
export const TENANT = 'https://tenant-7.example.net';
export const UNKNOWN = 'https://unknown.example.net';
export const FAILING = 'https://failing.example.net';
/** The origin the per-request selector's second policy allows. */
export const V2_ORIGIN = 'https://v2.example.net';

/**
 * Dynamic origins and per-request policies through the adapter, on the same app shape as `describeAdapter`.
 * `hostOf` reads the Host header from the adapter's own request object (what a selector receives);
 * `start` serves the app with the given policy, configuration or selector.
 */
export function describeDynamicPolicies<Req>(
  name: string,
  hostOf: (request: Req) => string | undefined,
  start: (source: Policy | PolicySelector<Req>) => Promise<Started>,
): void {
  describe(`${name} adapter: origin resolver and per-request policies`, () => {
    const asked: string[] = [];
    const errors: string[] = [];
    const resolverPolicy = createPolicy({
      origins: [
        ALLOWED,
        async (origin: string) => {
          asked.push(origin);
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (origin === FAILING) throw new Error('tenant database unavailable');
          return origin === TENANT;
        },
      ],
      credentials: true,
      methods: ['PUT'],
      onError: (error, { origin }) => errors.push(`${origin}: ${error.message}`),
    });
    const v1 = createPolicy({ origins: [ALLOWED], methods: ['PUT'] });
    const v2 = createPolicy({ origins: [V2_ORIGIN], methods: ['PUT'], preflightStatus: 200 });
    const selector: PolicySelector<Req> = (request) => {
      const host = hostOf(request) ?? '';
      if (host.startsWith('v2.')) return v2;
      if (host.startsWith('off.')) return false;
      return v1;
    };
    let resolving: Started;
    let selecting: Started;
    beforeAll(async () => {
      resolving = await start(resolverPolicy);
      selecting = await start(selector);
    });
    afterAll(async () => {
      await resolving.close();
      await selecting.close();
    });

    it('lets the resolver grant an unlisted origin: actual request and preflight, with credentials and Vary', async () => {
      const before = resolving.hits();
      const r = await send(resolving.url, 'GET', '/data', { origin: TENANT });
      expect(r.body).toBe('data');
      expect(resolving.hits()).toBe(before + 1);
      expect(r.header('access-control-allow-origin')).toBe(TENANT);
      expect(r.header('access-control-allow-credentials')).toBe('true');
      expect(varyNames(r.header('vary'))).toContain('origin');
      const p = await send(resolving.url, 'OPTIONS', '/data', {
        origin: TENANT,
        'access-control-request-method': 'PUT',
      });
      expect(p.status).toBe(204);
      expect(p.header('access-control-allow-origin')).toBe(TENANT);
      expect(p.header('access-control-allow-methods')).toBe('PUT');
      expect(resolving.hits()).toBe(before + 1);
    });

    it('refuses what the resolver refuses or fails on (reported through onError), and never asks about null', async () => {
      const refused = await send(resolving.url, 'OPTIONS', '/data', {
        origin: UNKNOWN,
        'access-control-request-method': 'PUT',
      });
      expect(refused.status).toBe(403);
      expect(refused.header('access-control-allow-origin')).toBeUndefined();
      const failed = await send(resolving.url, 'GET', '/data', { origin: FAILING });
      expect(failed.status).toBe(200);
      expect(failed.header('access-control-allow-origin')).toBeUndefined();
      expect(varyNames(failed.header('vary'))).toContain('origin');
      expect(errors).toContain(
        `${FAILING}: corsight: the origin resolver failed for "${FAILING}"; the origin is refused`,
      );
      const nul = await send(resolving.url, 'GET', '/data', { origin: 'null' });
      expect(nul.header('access-control-allow-origin')).toBeUndefined();
      expect(asked).not.toContain('null');
      const listed = await send(resolving.url, 'GET', '/data', { origin: ALLOWED });
      expect(listed.header('access-control-allow-origin')).toBe(ALLOWED);
      expect(asked).not.toContain(ALLOWED);
    });

    it('asks the resolver once per origin (cached), also across concurrent requests', async () => {
      const origin = 'https://concurrent.example.net';
      await Promise.all([1, 2, 3].map(() => send(resolving.url, 'GET', '/data', { origin })));
      await send(resolving.url, 'GET', '/data', { origin });
      expect(asked.filter((o) => o === origin)).toHaveLength(1);
    });

    it('picks the policy per request: the Host selects v1, v2 (preflightStatus 200) or no CORS', async () => {
      const pre = (host: string, origin: string) =>
        send(selecting.url, 'OPTIONS', '/data', { host, origin, 'access-control-request-method': 'PUT' });
      expect((await pre('v1.test', ALLOWED)).status).toBe(204);
      expect((await pre('v1.test', V2_ORIGIN)).status).toBe(403);
      const v2granted = await pre('v2.test', V2_ORIGIN);
      expect(v2granted.status).toBe(200);
      expect(v2granted.body).toBe('');
      expect(v2granted.header('access-control-allow-origin')).toBe(V2_ORIGIN);
      expect((await pre('v2.test', ALLOWED)).status).toBe(403);
      const actual = await send(selecting.url, 'GET', '/data', { host: 'v2.test', origin: V2_ORIGIN });
      expect(actual.body).toBe('data');
      expect(actual.header('access-control-allow-origin')).toBe(V2_ORIGIN);
      // No CORS for this host: no headers, and an OPTIONS request reaches the application.
      const off = await send(selecting.url, 'GET', '/data', { host: 'off.test', origin: ALLOWED });
      expect(off.body).toBe('data');
      expect(off.header('access-control-allow-origin')).toBeUndefined();
      const offPreflight = await send(selecting.url, 'OPTIONS', '/opt', {
        host: 'off.test',
        origin: ALLOWED,
        'access-control-request-method': 'PUT',
      });
      expect(offPreflight.body).toBe('options-app');
    });
  });
}
