/**
 * The examples in examples/ are the ones docs/middleware.md shows, imported through the package's own
 * `exports` (so `corsight/express` & co. resolve exactly as for a user: run `npm run build` first; `npm test`
 * does). Each is served on 127.0.0.1 and asked for a granted preflight, a refused one and an actual request.
 */
import { serve } from '@hono/node-server';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { listen } from './__fixtures__/listen.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const load = (name: string) =>
  import(/* @vite-ignore */ `${root}examples/${name}.ts`) as Promise<Record<string, unknown>>;

async function serveFetch(fetch: (req: Request) => Response | Promise<Response>) {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const starters: Record<string, () => Promise<{ url: string; close: () => Promise<void> }>> = {
  node: async () => listen((await load('node')).server as Server),
  express: async () => listen(createServer((await load('express')).app as RequestListener)),
  fastify: async () => {
    const app = await (
      (
        await load('fastify')
      ).build as () => Promise<{ listen: (o: object) => Promise<string>; close: () => Promise<void> }>
    )();
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
  koa: async () => listen(createServer(((await load('koa')).app as { callback: () => RequestListener }).callback())),
  hono: async () => serveFetch(((await load('hono')).app as { fetch: (r: Request) => Response }).fetch),
  fetch: async () => serveFetch(((await load('fetch')).default as { fetch: (r: Request) => Promise<Response> }).fetch),
};

describe('examples', () => {
  it('need the built package (npm run build)', () => {
    expect(existsSync(`${root}dist/adapters/express.js`), 'dist/ is missing: run npm run build').toBe(true);
  });

  it.each(Object.keys(starters))('%s: the example runs and answers CORS correctly', async (name) => {
    const { url, close } = await starters[name]!();
    try {
      const granted = await request(`${url}/api/data`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://tenant.example.com',
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type',
        },
      });
      await granted.body.text();
      expect(granted.statusCode).toBe(204);
      expect(granted.headers['access-control-allow-origin']).toBe('https://tenant.example.com');
      expect(granted.headers['access-control-allow-credentials']).toBe('true');
      const refused = await request(`${url}/api/data`, {
        method: 'OPTIONS',
        headers: { origin: 'https://example.com.evil.net', 'access-control-request-method': 'PUT' },
      });
      await refused.body.text();
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      const actual = await request(`${url}/api/data`, { headers: { origin: 'https://app.example.com' } });
      const body = (await actual.body.json()) as { hello: string };
      expect(actual.statusCode).toBe(200);
      expect(body.hello).toBe(`from ${name}`);
      expect(actual.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(actual.headers.vary).toContain('Origin');
    } finally {
      await close();
    }
  });

  it.each(Object.keys(starters))('%s: docs/middleware.md shows the example verbatim', (name) => {
    const doc = readFileSync(`${root}docs/middleware.md`, 'utf8');
    const code = readFileSync(`${root}examples/${name}.ts`, 'utf8').trim();
    expect(doc).toContain(code);
  });
});
