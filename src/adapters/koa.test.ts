import Koa from 'koa';
import { createServer } from 'node:http';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { ALLOWED, describeAdapter, describeDynamicPolicies } from './__fixtures__/harness.js';
import { listen } from './__fixtures__/listen.js';
import { cors } from './koa.js';
import type { PolicySource } from './select.js';

/** A Node server for a Koa app (Koa's callback returns a promise Node does not wait for). */
function serverFor(app: Koa) {
  const handle = app.callback();
  return createServer((req, res) => void handle(req, res));
}

async function start(policy: PolicySource<Koa.Context>) {
  let hits = 0;
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx, next) => {
    ctx.set('Vary', 'Accept-Encoding');
    await next();
  });
  app.use(cors(policy));
  app.use((ctx) => {
    hits++;
    if (ctx.path === '/data' && ctx.method === 'GET') ctx.body = 'data';
    else if (ctx.path === '/opt' && ctx.method === 'OPTIONS') ctx.body = 'options-app';
    else if (ctx.path === '/boom') throw new Error('boom');
    // otherwise Koa answers 404
  });
  const { url, close } = await listen(serverFor(app));
  return { url, close, hits: () => hits };
}

describeAdapter('koa', start);
describeDynamicPolicies<Koa.Context>('koa', (ctx) => ctx.req.headers.host, start);

describe('koa adapter details', () => {
  it.each([
    ['a string', 'x'],
    ['a plain object', { status: 418 }],
    ['null', null],
  ])('keeps CORS headers when a handler throws %s (bug 3)', async (_label, thrown) => {
    const app = new Koa();
    app.silent = true;
    app.use(cors({ origins: [ALLOWED] }));
    app.use(() => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the bug is about exactly this
      throw thrown;
    });
    const { url, close } = await listen(serverFor(app));
    try {
      const res = await request(`${url}/boom`, { headers: { origin: ALLOWED } });
      await res.body.text();
      expect(res.statusCode).toBe(500);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(res.headers.vary).toBe('Origin');
    } finally {
      await close();
    }
  });
});
