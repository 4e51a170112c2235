import Koa from 'koa';
import { createServer } from 'node:http';
import { describeAdapter } from './__fixtures__/harness.js';
import { listen } from './__fixtures__/listen.js';
import { cors } from './koa.js';

describeAdapter('koa', async (policy) => {
  let hits = 0;
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx, next) => {
    ctx.set('Vary', 'Accept-Encoding');
    await next();
  });
  app.use(cors(policy));
  app.use(async (ctx) => {
    hits++;
    if (ctx.path === '/data' && ctx.method === 'GET') ctx.body = 'data';
    else if (ctx.path === '/opt' && ctx.method === 'OPTIONS') ctx.body = 'options-app';
    else if (ctx.path === '/boom') throw new Error('boom');
    // otherwise Koa answers 404
  });
  const { url, close } = await listen(createServer(app.callback()));
  return { url, close, hits: () => hits };
});
