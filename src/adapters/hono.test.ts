import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ALLOWED, describeAdapter, describeDynamicPolicies } from './__fixtures__/harness.js';
import { cors } from './hono.js';
import type { PolicySource } from './select.js';

/** Serves a Hono app on 127.0.0.1 through @hono/node-server, as in production. */
async function serveApp(app: Hono) {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', autoCleanupIncoming: false }) as Server;
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One request to a served app, as a Fetch Response (undici's fetch, loopback only). */
async function send(app: Hono, path: string, init: RequestInit) {
  const { url, close } = await serveApp(app);
  try {
    const res = await fetch(url + path, init);
    const body = await res.text();
    return { status: res.status, headers: res.headers, text: () => body };
  } finally {
    await close();
  }
}

async function start(policy: PolicySource<Context>) {
  let hits = 0;
  const app = new Hono();
  app.use('*', async (c, next) => {
    c.header('Vary', 'Accept-Encoding');
    await next();
  });
  app.use('*', cors(policy));
  app.use('*', async (_c, next) => {
    hits++;
    await next();
  });
  app.get('/data', (c) => c.text('data'));
  app.options('/opt', (c) => c.text('options-app'));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.onError((_err, c) => c.text('error', 500));
  return { ...(await serveApp(app)), hits: () => hits };
}

describeAdapter('hono', start);
describeDynamicPolicies<Context>('hono', (c) => c.req.header('host'), start);

describe('hono adapter details', () => {
  const policy = { origins: [ALLOWED], methods: ['PUT'] };

  it('keeps headers earlier middleware set with c.header() on preflight answers, appending to Vary (bug 2)', async () => {
    const app = new Hono();
    app.use('*', async (c, next) => {
      c.header('Vary', 'Accept-Encoding', { append: true });
      c.header('X-Request-Id', 'req-1');
      await next();
    });
    app.use('*', cors(policy));
    app.put('/items', (c) => c.text('put'));
    for (const origin of [ALLOWED, 'https://evil.example.net']) {
      const res = await send(app, '/items', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'PUT' },
      });
      expect(res.status).toBe(origin === ALLOWED ? 204 : 403);
      expect(res.text()).toBe('');
      expect(res.headers.get('x-request-id')).toBe('req-1');
      expect(res.headers.get('vary')).toBe(
        'Accept-Encoding, Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      );
      expect(res.headers.get('access-control-allow-origin')).toBe(origin === ALLOWED ? ALLOWED : null);
    }
  });

  it.each([
    ['a string', 'x'],
    ['a plain object', { status: 418 }],
    ['undefined', undefined],
  ])('keeps CORS headers when a handler throws %s (bug 3)', async (_label, thrown) => {
    const app = new Hono();
    app.use('*', cors(policy));
    app.get('/boom', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the bug is about exactly this
      throw thrown;
    });
    const seen: unknown[] = [];
    app.onError((err, c) => {
      seen.push(err.cause);
      return c.text('error', 500);
    });
    const res = await send(app, '/boom', { headers: { origin: ALLOWED } });
    expect(res.status).toBe(500);
    expect(res.text()).toBe('error');
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('vary')).toBe('Origin');
    expect(seen).toEqual([thrown]);
  });

  it('keeps CORS headers when an onError handler answers with a new Response after a non-Error', async () => {
    const app = new Hono();
    app.use('*', cors(policy));
    app.get('/boom', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the bug is about exactly this
      throw 'x';
    });
    app.onError((err) => new Response(err.message, { status: 500 }));
    const res = await send(app, '/boom', { headers: { origin: ALLOWED } });
    expect(res.text()).toBe('non-error thrown: "x"');
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });
});
