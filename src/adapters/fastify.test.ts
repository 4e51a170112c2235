import Fastify, { type FastifyRequest } from 'fastify';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '../policy/index.js';
import { ALLOWED, REFUSED, describeAdapter, describeDynamicPolicies } from './__fixtures__/harness.js';
import corsight from './fastify.js';
import type { PolicySource } from './select.js';

async function start(policy: PolicySource<FastifyRequest>) {
  let hits = 0;
  const app = Fastify();
  app.addHook('onRequest', (_req, reply, done) => {
    reply.header('vary', 'Accept-Encoding');
    done();
  });
  await app.register(corsight, { policy });
  app.addHook('preHandler', (_req, _reply, done) => {
    hits++;
    done();
  });
  app.setNotFoundHandler((_req, reply) => {
    hits++;
    void reply.code(404).send('not found');
  });
  app.get('/data', () => 'data');
  app.options('/opt', () => 'options-app');
  app.get('/boom', () => {
    throw new Error('boom');
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, hits: () => hits, close: () => app.close() };
}

describeAdapter('fastify', start);
describeDynamicPolicies<FastifyRequest>('fastify', (request) => request.headers.host, start);

describe('fastify per-route policies', () => {
  async function start() {
    const app = Fastify();
    await app.register(corsight, { policy: { origins: [ALLOWED] } });
    app.get('/default', () => 'default');
    app.put('/public/:id', { config: { cors: { origins: ['*'], methods: ['PUT'] } } }, () => 'public');
    app.get('/private', { config: { cors: false } }, () => 'private');
    // An OPTIONS route of the app's own on a path that also has a CORS route: no collision.
    app.options('/default', () => 'app-options');
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { app, url };
  }

  it('uses the route policy for actual requests and for the preflight announcing them', async () => {
    const { app, url } = await start();
    try {
      const pre = await request(`${url}/public/42`, {
        method: 'OPTIONS',
        headers: { origin: REFUSED, 'access-control-request-method': 'PUT' },
      });
      expect(pre.statusCode).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('*');
      expect(pre.headers['access-control-allow-methods']).toBe('PUT');
      const def = await request(`${url}/default`, {
        method: 'OPTIONS',
        headers: { origin: REFUSED, 'access-control-request-method': 'GET' },
      });
      expect(def.statusCode).toBe(403);
      const own = await request(`${url}/default`, { method: 'OPTIONS', headers: { origin: ALLOWED } });
      expect(await own.body.text()).toBe('app-options');
      const off = await request(`${url}/private`, { headers: { origin: ALLOWED } });
      expect(off.headers['access-control-allow-origin']).toBeUndefined();
      expect(off.headers.vary).toBeUndefined();
      const on = await request(`${url}/default`, { headers: { origin: ALLOWED } });
      expect(on.headers['access-control-allow-origin']).toBe(ALLOWED);
    } finally {
      await app.close();
    }
  });

  it('tells host-constrained routes apart for a preflight', async () => {
    const app = Fastify();
    await app.register(corsight, { policy: { origins: [ALLOWED] } });
    const a = 'https://a.example.com';
    const b = 'https://b.example.com';
    app.put(
      '/api',
      { constraints: { host: 'a.test' }, config: { cors: { origins: [a], methods: ['PUT'] } } },
      () => 'a',
    );
    app.put(
      '/api',
      { constraints: { host: 'b.test' }, config: { cors: { origins: [b], methods: ['PUT'] } } },
      () => 'b',
    );
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const preflight = (host: string, origin: string) =>
      request(`${url}/api`, { method: 'OPTIONS', headers: { host, origin, 'access-control-request-method': 'PUT' } });
    try {
      const forA = await preflight('a.test', a);
      expect(forA.statusCode).toBe(204);
      expect(forA.headers['access-control-allow-origin']).toBe(a);
      expect((await preflight('a.test', b)).statusCode).toBe(403);
      const forB = await preflight('b.test', b);
      expect(forB.statusCode).toBe(204);
      expect(forB.headers['access-control-allow-origin']).toBe(b);
      // Another host has no route of its own: the plugin's policy answers.
      expect((await preflight('c.test', a)).statusCode).toBe(403);
      expect((await preflight('c.test', ALLOWED)).statusCode).toBe(403);
      const def = await request(`${url}/api`, {
        method: 'OPTIONS',
        headers: { host: 'c.test', origin: ALLOWED, 'access-control-request-method': 'GET' },
      });
      expect(def.statusCode).toBe(204);
    } finally {
      await app.close();
    }
  });

  it('handles route policies declared before the plugin', async () => {
    const app = Fastify();
    app.get('/early', { config: { cors: { origins: ['*'] } } }, () => 'early');
    await app.register(corsight, { policy: { origins: [ALLOWED] } });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await request(`${url}/early`, { headers: { origin: REFUSED } });
      expect(await res.body.text()).toBe('early');
      expect(res.headers['access-control-allow-origin']).toBe('*');
    } finally {
      await app.close();
    }
  });

  it('fails at start-up on an invalid route policy', async () => {
    const app = Fastify();
    await app.register(corsight, { policy: { origins: [ALLOWED] } });
    expect(() => app.get('/bad', { config: { cors: { origins: ['null'] } } }, () => 'x')).toThrow(/origin-null/);
    await app.close();
  });

  it('requires a policy option', async () => {
    const app = Fastify();
    await expect(app.register(corsight, {} as never)).rejects.toThrow(/"policy" option is required/);
  });

  it('is not tied to a policy object', () => {
    expect(createPolicy({ origins: [ALLOWED] })).toBeDefined();
  });
});

describe('fastify inside encapsulated plugins (issue 13, bug 1)', () => {
  const APP = 'https://app.example.com';
  const preflight = (url: string, origin = APP) =>
    request(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT' } });

  it.each([
    ['with a prefix', '/api'],
    ['without a prefix', ''],
  ])('answers preflights to the plugin routes %s', async (_label, prefix) => {
    const app = Fastify();
    await app.register(
      async (api) => {
        await api.register(corsight, { policy: { origins: [APP], methods: ['PUT'] } });
        api.put('/items', () => 'put');
        api.options('/own', () => 'own-options');
      },
      prefix ? { prefix } : {},
    );
    app.get('/outside', () => 'outside');
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const granted = await preflight(`${url}${prefix}/items`);
      expect(await granted.body.text()).toBe('');
      expect(granted.statusCode).toBe(204);
      expect(granted.headers['access-control-allow-origin']).toBe(APP);
      expect(granted.headers['access-control-allow-methods']).toBe('PUT');
      const refused = await preflight(`${url}${prefix}/items`, 'https://evil.example.net');
      await refused.body.text();
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      // An OPTIONS request that is not a preflight still gets Fastify's 404, with the plugin's CORS headers.
      const plain = await request(`${url}${prefix}/items`, { method: 'OPTIONS', headers: { origin: APP } });
      await plain.body.text();
      expect(plain.statusCode).toBe(404);
      expect(plain.headers['access-control-allow-origin']).toBe(APP);
      // The app's own OPTIONS route is more specific than corsight's catch-all.
      const own = await request(`${url}${prefix}/own`, { method: 'OPTIONS' });
      expect(await own.body.text()).toBe('own-options');
      const actual = await request(`${url}${prefix}/items`, { method: 'PUT', headers: { origin: APP } });
      expect(await actual.body.text()).toBe('put');
      expect(actual.headers['access-control-allow-origin']).toBe(APP);
    } finally {
      await app.close();
    }
  });

  it('answers each sibling plugin with its own policy, and nested registrations with the innermost', async () => {
    const app = Fastify();
    const a = 'https://a.example.com';
    const b = 'https://b.example.com';
    await app.register(async (api) => {
      await api.register(corsight, { policy: { origins: [a], methods: ['PUT'] } });
      api.put('/a', () => 'a');
      await api.register(async (inner) => {
        await inner.register(corsight, { policy: { origins: [b], methods: ['PUT'] } });
        inner.put('/inner', () => 'inner');
      });
    });
    await app.register(async (api) => {
      await api.register(corsight, { policy: { origins: [b], methods: ['PUT'] } });
      api.put('/b', () => 'b');
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      for (const [path, allowed, refused] of [
        ['/a', a, b],
        ['/b', b, a],
        ['/inner', b, a],
      ] as const) {
        const ok = await preflight(`${url}${path}`, allowed);
        await ok.body.text();
        expect([path, ok.statusCode]).toEqual([path, 204]);
        const no = await preflight(`${url}${path}`, refused);
        await no.body.text();
        expect([path, no.statusCode]).toEqual([path, 403]);
      }
    } finally {
      await app.close();
    }
  });
});
