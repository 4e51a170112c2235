import Fastify from 'fastify';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '../policy/index.js';
import { ALLOWED, REFUSED, describeAdapter } from './__fixtures__/harness.js';
import corsight from './fastify.js';

describeAdapter('fastify', async (policy) => {
  let hits = 0;
  const app = Fastify();
  app.addHook('onRequest', async (_req, reply) => {
    reply.header('vary', 'Accept-Encoding');
  });
  await app.register(corsight, { policy });
  app.addHook('preHandler', async () => {
    hits++;
  });
  app.setNotFoundHandler((_req, reply) => {
    hits++;
    void reply.code(404).send('not found');
  });
  app.get('/data', async () => 'data');
  app.options('/opt', async () => 'options-app');
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, hits: () => hits, close: () => app.close() };
});

describe('fastify per-route policies', () => {
  async function start() {
    const app = Fastify();
    await app.register(corsight, { policy: { origins: [ALLOWED] } });
    app.get('/default', async () => 'default');
    app.put('/public/:id', { config: { cors: { origins: ['*'], methods: ['PUT'] } } }, async () => 'public');
    app.get('/private', { config: { cors: false } }, async () => 'private');
    // An OPTIONS route of the app's own on a path that also has a CORS route: no collision.
    app.options('/default', async () => 'app-options');
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
      async () => 'a',
    );
    app.put(
      '/api',
      { constraints: { host: 'b.test' }, config: { cors: { origins: [b], methods: ['PUT'] } } },
      async () => 'b',
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
    app.get('/early', { config: { cors: { origins: ['*'] } } }, async () => 'early');
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
    expect(() => app.get('/bad', { config: { cors: { origins: ['null'] } } }, async () => 'x')).toThrow(/origin-null/);
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
