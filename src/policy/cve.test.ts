/**
 * One regression test per CORS-middleware vulnerability of research/middleware.md ("Known security bugs / CVEs in CORS
 * middleware") that applies to a policy like ours; the CVE or advisory is named in each title. Not applicable, hence
 * absent: flask-cors CVE-2024-6839/-6844/-6866 (path-rule matching: corsight policies are attached per route, not by
 * URL regex).
 */
import express from 'express';
import { createServer } from 'node:http';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { cors as expressCors } from '../adapters/express.js';
import { cors as koaCors } from '../adapters/koa.js';
import { listen } from '../adapters/__fixtures__/listen.js';
import { CorsConfigError, DEBUG_HEADER, createPolicy, validatePolicy, type PolicyConfig } from './index.js';

const A = 'https://app.example.com';
const MIB = 1 << 20;
const get = (config: PolicyConfig, origin: string) =>
  createPolicy(config).evaluate({ method: 'GET', headers: { origin } });
const preflight = (config: PolicyConfig, headers: Record<string, string>) =>
  createPolicy(config).evaluate({
    method: 'OPTIONS',
    headers: { origin: A, 'access-control-request-method': 'GET', ...headers },
  });
const codes = (config: unknown) => validatePolicy(config).map((p) => p.code);

describe('middleware CVE regressions', () => {
  it('CVE-2026-54290 (hono): "*" with credentials is refused at construction, never turned into reflection', () => {
    expect(() => createPolicy({ origins: ['*'], credentials: true })).toThrow(CorsConfigError);
    expect(codes({ origins: ['*'], credentials: true })).toEqual(['origin-wildcard-with-credentials']);
    const d = get({ origins: [A], credentials: true }, 'https://attacker.example');
    expect(d.headers['access-control-allow-origin']).toBeUndefined();
    expect(d.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it.each([
    ['commas', ','.repeat(MIB)],
    ['comma-space runs (the /\\s*,\\s*/ split)', ' , '.repeat(MIB / 3)],
    ['spaces', ' '.repeat(MIB)],
    ['tabs then a comma', '\t'.repeat(MIB) + ','],
    ['one huge name', 'a'.repeat(MIB)],
  ])(
    'CVE-2026-69207 / GHSA-8j4g-w8fx-2239 (hono ReDoS), GHSA-mh55-gqvf-xfwm (rs/cors), go-chi/cors#36: 1 MiB ACRH of %s is refused by the length cap',
    (_label, acrh) => {
      for (const requestHeaders of [['x-a', 'x-b'], '*'] as const) {
        const d = preflight(
          { origins: [A], requestHeaders: requestHeaders as string[] | '*' },
          { 'access-control-request-headers': acrh },
        );
        expect(d).toMatchObject({ kind: 'preflight', allowed: false, status: 403 });
      }
    },
  );

  it('GHSA-q7jf-gf43-6x6p (hono Vary injection): a request Vary header is never copied into the response', async () => {
    const app = express();
    app.use(expressCors({ origins: [A] }));
    app.get('/', (_req, res) => {
      res.send('ok');
    });
    const { url, close } = await listen(createServer(app));
    try {
      const res = await request(url, { headers: { origin: A, vary: 'Cookie, *' } });
      await res.body.text();
      expect(res.headers.vary).toBe('Origin');
    } finally {
      await close();
    }
  });

  it('CVE-2023-49803 (@koa/cors reflects every origin by default): there is no default policy', () => {
    expect(codes({})).toEqual(['origins-missing']);
    expect(() => koaCors({} as PolicyConfig)).toThrow(/origins is required/);
  });

  it('GHSA-8gfh-8qhq-hv6f (expressjs/cors origin: true reflects any origin): no reflect-all option exists', () => {
    expect(codes({ origins: true })).toEqual(['invalid-type']);
    expect(codes({ origins: [true] })).toEqual(['invalid-type']);
  });

  it('GHSA-8gfh-8qhq-hv6f: an origin resolver that says yes to everything still never reflects null, a malformed or (with credentials) an insecure origin', async () => {
    const asked: string[] = [];
    const policy = createPolicy({
      origins: [
        (origin) => {
          asked.push(origin);
          return true;
        },
      ],
      credentials: true,
    });
    for (const origin of ['null', 'http://evil.example', 'https://EVIL.example', 'https://evil.example/', 'file://']) {
      const d = await policy.decide({ method: 'GET', headers: { origin } });
      expect([origin, d.allowed, d.headers['access-control-allow-origin']]).toEqual([origin, false, undefined]);
    }
    expect(asked).toEqual([]);
  });

  it('GHSA-8gfh-8qhq-hv6f: a resolver returning a header value (the callback shape of other libraries) is refused', async () => {
    const errors: Error[] = [];
    const policy = createPolicy({
      origins: [(() => 'https://evil.example') as unknown as () => boolean],
      onError: (e) => errors.push(e),
    });
    const d = await policy.decide({ method: 'GET', headers: { origin: 'https://a.example' } });
    expect(d.allowed).toBe(false);
    expect(d.headers['access-control-allow-origin']).toBeUndefined();
    expect(errors[0]?.message).toMatch(/must return true or false/);
  });

  it('rs/cors#198 (shared mutable header slices): decisions are frozen and cannot leak into the next request', () => {
    const policy = createPolicy({ origins: [A] });
    const first = policy.evaluate({ method: 'GET', headers: { origin: A } });
    expect(() => {
      (first.headers as Record<string, string>)['access-control-allow-origin'] = '*';
    }).toThrow(TypeError);
    expect(policy.evaluate({ method: 'GET', headers: { origin: A } }).headers['access-control-allow-origin']).toBe(A);
  });

  it('GHSA-vhxv-fg4m-p2w8 / GHSA-v84h-653v-4pq9 (jub0bs radix tree): foo.com and bar.com do not allow barfoo.com', () => {
    expect(get({ origins: ['https://foo.com', 'https://bar.com'] }, 'https://barfoo.com').allowed).toBe(false);
    expect(get({ origins: ['https://*.foo.com', 'https://*.bar.com'] }, 'https://x.barfoo.com').allowed).toBe(false);
    expect(get({ origins: ['https://*.foo.com', 'https://bar.com'] }, 'https://barfoo.com').allowed).toBe(false);
  });

  it('expressjs/cors#408 and cyu/rack-cors#86 (unanchored regex examples): no regexes; patterns match whole labels only', () => {
    expect(codes({ origins: [/example\.com$/] })).toEqual(['invalid-type']);
    for (const origin of [
      'https://evil-example.com',
      'https://example.com.randomdomainname.co.uk',
      'https://evilexample.com',
    ]) {
      expect(get({ origins: ['https://*.example.com', 'https://example.com'] }, origin).allowed).toBe(false);
    }
  });

  it('CVE-2026-37737 (sanic-cors prefix matching): https://trusted.com.attacker.io is not https://trusted.com', () => {
    expect(get({ origins: ['https://trusted.com'] }, 'https://trusted.com.attacker.io').allowed).toBe(false);
    expect(get({ origins: ['https://*.trusted.com'] }, 'https://a.trusted.com.attacker.io').allowed).toBe(false);
  });

  it('CVE-2024-6221 (flask-cors PNA allowed by default): private network access is off unless enabled', () => {
    expect(preflight({ origins: [A] }, { 'access-control-request-private-network': 'true' })).toMatchObject({
      allowed: false,
      status: 403,
    });
    const on = preflight({ origins: [A], privateNetwork: true }, { 'access-control-request-private-network': 'true' });
    expect(on.headers['access-control-allow-private-network']).toBe('true');
    expect(codes({ origins: ['*'], privateNetwork: true })).toEqual(['private-network-with-wildcard-origin']);
  });

  it('CVE-2024-1681 (flask-cors log injection): debug reasons escape CR, LF and other control characters', () => {
    const policy = createPolicy({ origins: [A], debug: true });
    const d = policy.evaluate({
      method: 'OPTIONS',
      headers: { origin: 'https://x\r\nSet-Cookie: a=b', 'access-control-request-method': 'GET' },
    });
    expect(d.reason).toContain('https://x\\x0d\\x0aSet-Cookie: a=b');
    expect(d.reason).not.toMatch(/[\r\n]/);
    expect(d.headers[DEBUG_HEADER]).not.toMatch(/[\r\n]/);
  });

  it('CVE-2018-8014 (Tomcat CorsFilter insecure defaults): credentials are off unless asked for', () => {
    const d = get({ origins: [A] }, A);
    expect(d.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it("kwhitley/itty-router#204 (origin kept in shared state): interleaved requests never see each other's origin", () => {
    const policy = createPolicy({ origins: ['https://*.example.com'] });
    const a = policy.evaluate({ method: 'GET', headers: { origin: 'https://a.example.com' } });
    const evil = policy.evaluate({ method: 'GET', headers: { origin: 'https://evil.example.net' } });
    const b = policy.evaluate({ method: 'GET', headers: { origin: 'https://b.example.com' } });
    expect(a.headers['access-control-allow-origin']).toBe('https://a.example.com');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect(b.headers['access-control-allow-origin']).toBe('https://b.example.com');
  });
});
