import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Server } from 'node:http';
import { describeAdapter } from './__fixtures__/harness.js';
import { listen } from './__fixtures__/listen.js';
import { cors } from './hono.js';

describeAdapter('hono', async (policy) => {
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
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', autoCleanupIncoming: false }) as Server;
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
});
listen;
