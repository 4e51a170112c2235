import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createPolicy } from '../policy/index.js';
import { describeAdapter, describeDynamicPolicies } from './__fixtures__/harness.js';
import { withCors } from './fetch.js';
import type { PolicySource } from './select.js';

async function start(policy: PolicySource<Request>) {
  let hits = 0;
  const handler = withCors(policy, (req: Request) => {
    hits++;
    const path = new URL(req.url).pathname;
    const vary = { vary: 'Accept-Encoding' };
    if (path === '/data' && req.method === 'GET') return new Response('data', { headers: vary });
    if (path === '/opt' && req.method === 'OPTIONS') return new Response('options-app', { headers: vary });
    if (path === '/boom') return new Response('boom', { status: 500, headers: vary });
    return new Response('not found', { status: 404, headers: vary });
  });
  const server = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }) as Server;
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
}

describeAdapter('fetch', start, 'responds');
describeDynamicPolicies<Request>('fetch', (request) => request.headers.get('host') ?? undefined, start);

describe('fetch adapter details', () => {
  const policy = createPolicy({ origins: ['https://app.example.com'] });

  it('copies a response whose headers are immutable (Response.redirect) instead of throwing', async () => {
    const handler = withCors(policy, () => Response.redirect('https://app.example.com/next', 302));
    const res = await handler(new Request('http://api.test/x', { headers: { origin: 'https://app.example.com' } }));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://app.example.com/next');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('rethrows a handler error (the runtime owns that error path)', async () => {
    const handler = withCors(policy, () => {
      throw new Error('boom');
    });
    await expect(handler(new Request('http://api.test/x'))).rejects.toThrow('boom');
  });

  it('passes extra handler arguments (env, ctx in workers) through', async () => {
    const handler = withCors(policy, (_req: Request, env: { name: string }) => new Response(env.name));
    const res = await handler(new Request('http://api.test/x'), { name: 'env' });
    expect(await res.text()).toBe('env');
  });
});
