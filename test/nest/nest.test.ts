/**
 * The NestJS examples (examples/nest/express.ts, examples/nest/fastify.ts), served on 127.0.0.1 through the
 * package's own exports (run `npm run build` first; `npm test` does): a granted preflight, a refused one, an
 * actual request, and a Nest error response that keeps its CORS headers.
 */
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface NestApp {
  listen(port: number, host: string): Promise<unknown>;
  getUrl(): Promise<string>;
  close(): Promise<void>;
}

const load = async (name: string) =>
  ((await import(/* @vite-ignore */ `${root}examples/nest/${name}.ts`)) as { build: () => Promise<NestApp> }).build();

describe.each(['express', 'fastify'])('%s', (name) => {
  it('answers CORS in place of app.enableCors()', async () => {
    const app = await load(name);
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
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
      expect(granted.headers['access-control-allow-methods']).toBe('PUT, DELETE');
      expect(granted.headers['access-control-max-age']).toBe('600');

      const refused = await request(`${url}/api/data`, {
        method: 'OPTIONS',
        headers: { origin: 'https://example.com.evil.net', 'access-control-request-method': 'PUT' },
      });
      await refused.body.text();
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();

      const actual = await request(`${url}/api/data`, { headers: { origin: 'https://app.example.com' } });
      expect(await actual.body.json()).toEqual({ hello: `from nest-${name}` });
      expect(actual.statusCode).toBe(200);
      expect(actual.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(actual.headers['access-control-expose-headers']).toBe('x-request-id');
      expect(String(actual.headers.vary)).toContain('Origin');

      // Nest's own 404 for an unknown route still carries the CORS headers, so the browser shows the 404.
      const missing = await request(`${url}/api/nope`, { headers: { origin: 'https://app.example.com' } });
      await missing.body.text();
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['access-control-allow-origin']).toBe('https://app.example.com');
    } finally {
      await app.close();
    }
  });
});
