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
