/**
 * corsight/testing against real handlers: Node (on an ephemeral loopback port), fetch (in process),
 * a URL, an http.Server; assertion failures are node:assert AssertionErrors carrying the explanation;
 * and the helpers used from node:test in a subprocess.
 */
import { AssertionError } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCors, fetchHandler, nodeHandler } from './index.js';

const APP = 'https://app.example';

/** A hand-written CORS server: grants APP for GET/PUT with credentials, exposes x-total. */
let hits: { method: string; url: string }[] = [];
function app(req: IncomingMessage, res: ServerResponse): void {
  hits.push({ method: req.method ?? '', url: req.url ?? '' });
  const origin = req.headers.origin;
  if (origin === APP) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
  if (req.method === 'OPTIONS') {
    if (origin === APP) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, PUT');
      res.setHeader('Access-Control-Allow-Headers', 'content-type');
    }
    res.statusCode = 204;
    res.end();
    return;
  }
  res.setHeader('X-Total', '3');
  res.setHeader('X-Secret', 's');
  if (origin === APP) res.setHeader('Access-Control-Expose-Headers', 'X-Total');
  res.end('[]');
}

const fetchApp = async (req: Request): Promise<Response> => {
  const origin = req.headers.get('origin');
  const headers = new Headers({ 'x-total': '3' });
  if (origin === APP) headers.set('access-control-allow-origin', origin);
  if (req.method === 'OPTIONS') {
    if (origin === APP) headers.set('access-control-allow-methods', 'PATCH');
    return new Response(null, { status: 204, headers });
  }
  return new Response('ok', { headers });
};

describe('expectCors with a Node handler', () => {
  beforeAll(() => {
    hits = [];
  });

  it('allows the app origin, preflights PUT, and sends the PUT as a browser does', async () => {
    const put = expectCors(app)
      .from(APP)
      .fetch('/items', { method: 'PUT', credentials: 'include', headers: { 'Content-Type': 'application/json' } });
    await put.toBeAllowed();
    await put.toBePreflighted();
    // One run for both assertions: one OPTIONS and one PUT reached the app.
    expect(hits.filter((h) => h.url === '/items').map((h) => h.method)).toEqual(['OPTIONS', 'PUT']);
  });

  it('exposes x-total but not x-secret', async () => {
    const get = expectCors(app).from(APP).fetch('/items');
    await get.toExpose('X-Total');
    await get.toBePreflighted(false);
    const err = await get.toExpose('x-total', 'x-secret').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssertionError);
    expect((err as Error).message).toContain('to expose x-secret, but script can only read');
    // The app under test is on loopback only because the test is: no Local Network Access hint.
    expect((err as Error).message).not.toContain('Local Network Access');
    expect((err as Error).message).toMatch(
      /fix: change `Access-Control-Expose-Headers: X-Total` to `Access-Control-Expose-Headers: X-Total, x-secret` on the GET response of http:\/\/127\.0\.0\.1:\d+\/items/,
    );
    const wild = nodeHandler((req, res) => {
      res.setHeader('Access-Control-Allow-Origin', String(req.headers.origin));
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Expose-Headers', '*');
      res.setHeader('X-Total', '1');
      res.end();
    });
    await expectCors(wild).from(APP).fetch('/w').toExpose('x-total');
    const withCredentials = await expectCors(wild)
      .from(APP)
      .fetch('/w', { credentials: 'include' })
      .toExpose('x-total', 'x-none')
      .catch((e: unknown) => e);
    expect((withCredentials as Error).message).toContain(
      '(`*` exposes nothing extra when credentials are included); the response does not send x-none at all',
    );
  });

  it('blocks another origin with the Chromium error name and parameter', async () => {
    await expectCors(app).from('https://evil.example').fetch('/items').toBeBlockedWith('MissingAllowOriginHeader', '');
    await expectCors(app)
      .from(APP)
      .fetch('/items', { method: 'DELETE' })
      .toBeBlockedWith('MethodDisallowedByPreflightResponse', 'DELETE');
    await expectCors(app)
      .from(APP)
      .fetch('/items', { headers: { 'X-Token': '1' } })
      .toBeBlockedWith('HeaderDisallowedByPreflightResponse');
  });

  it('a failed preflight means the app never sees the actual request, even while the fix is searched', async () => {
    hits = [];
    await expectCors(app).from(APP).fetch('/del', { method: 'DELETE' }).toBeBlocked();
    expect(hits.map((h) => h.method)).toEqual(['OPTIONS']);
    hits = [];
    const x = await expectCors(app)
      .from(APP)
      .fetch('/get', { headers: { 'X-Token': '1' } })
      .toBeBlocked();
    expect(hits.map((h) => h.method)).toEqual(['OPTIONS']);
    // The fix still covers the GET response, from an assumption it states.
    expect(x.assumptions.join(' ')).toContain('was not sent (a browser would not have sent it)');
  });

  it('failures are AssertionErrors that explain like corsight explain', async () => {
    const err = await expectCors(app)
      .from(APP)
      .fetch('/items', { method: 'DELETE' })
      .toBeAllowed()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AssertionError);
    const message = (err as AssertionError).message;
    expect(message).toMatch(
      /^expected DELETE http:\/\/127\.0\.0\.1:\d+\/items from https:\/\/app\.example \(chromium\) to be allowed, but it is blocked/,
    );
    expect(message).toContain(
      'has been blocked by CORS policy: Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response.',
    );
    expect(message).toContain(
      '1. add `DELETE` to `Access-Control-Allow-Methods` (send `Access-Control-Allow-Methods: GET, PUT, DELETE`) on the preflight (OPTIONS) response',
    );
    expect((err as AssertionError).actual).toBe('MethodDisallowedByPreflightResponse');

    const wrong = await expectCors(app)
      .from('https://evil.example')
      .fetch('/items')
      .toBeBlockedWith('AllowOriginMismatch')
      .catch((e: unknown) => e);
    expect((wrong as Error).message).toContain(
      'to be blocked with AllowOriginMismatch, but it is blocked with MissingAllowOriginHeader',
    );

    const allowed = await expectCors(app)
      .from(APP)
      .fetch('/items')
      .toBeBlocked()
      .catch((e: unknown) => e);
    expect((allowed as Error).message).toContain('to be blocked, but it is allowed');

    const preflight = await expectCors(app)
      .from(APP)
      .fetch('/items')
      .toBePreflighted()
      .catch((e: unknown) => e);
    expect((preflight as Error).message).toContain('to be preflighted, but no preflight was sent');
  });

  it('asserts in another profile', async () => {
    const star = nodeHandler((req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      if (req.method === 'OPTIONS') res.setHeader('Access-Control-Allow-Headers', '*');
      res.end();
    });
    await expectCors(star)
      .from(APP)
      .fetch('/x', { headers: { Authorization: 'Bearer t' } })
      .toBeAllowed();
    await expectCors(star, { profile: 'spec' })
      .from(APP)
      .fetch('/x', { headers: { Authorization: 'Bearer t' } })
      .toBeBlockedWith('HeaderDisallowedByPreflightResponse', 'authorization');
  });

  it('Origin: null', async () => {
    await expectCors(app).from('null').fetch('/items').toBeBlockedWith('MissingAllowOriginHeader');
  });
});

describe('expectCors with a fetch handler (no socket)', () => {
  it('runs in process against https://api.test', async () => {
    const x = await expectCors(fetchApp).from(APP).fetch('/a', { method: 'PATCH' }).toBeAllowed();
    expect(x.request.url).toBe('https://api.test/a');
    await expectCors({ fetch: fetchApp })
      .from(APP)
      .fetch('/a', { method: 'patch' })
      .toBeBlockedWith('MethodDisallowedByPreflightResponse', 'patch');
    await expectCors(fetchHandler(fetchApp), { fetchBase: 'https://other.test' }).from(APP).fetch('/b').toBeAllowed();
  });
});

describe('expectCors with a URL and an http.Server', () => {
  const server = createServer(app);
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reaches a listening server by URL and by object, leaving it open', async () => {
    await expectCors(url).from(APP).fetch('/items').toExpose('x-total');
    await expectCors(server).from(APP).fetch('/items').toBeAllowed();
    expect(server.listening).toBe(true);
  });
});

describe('expectCors with a Fastify instance', () => {
  it('listens on an ephemeral port per request batch and can do so again', async () => {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    app.get('/f', async (req, reply) =>
      reply.header('access-control-allow-origin', req.headers.origin ?? '').send('f'),
    );
    await expectCors(app).from(APP).fetch('/f').toBeAllowed();
    await expectCors(app).from(APP).fetch('/f', { method: 'PUT' }).toBeBlocked();
    await app.close();
  });
});

describe('bad input', () => {
  it('names the problem', () => {
    expect(() => expectCors(app).from('https://app.example/path')).toThrow(/not a serialized origin/);
    expect(() => expectCors(42 as never)).not.toThrow();
    expect(() => expectCors(app, { profile: 'edge' as never })).toThrow(/unknown profile 'edge'/);
  });

  it('rejects an unusable target or error name', async () => {
    await expect(
      expectCors(42 as never)
        .from(APP)
        .fetch('/')
        .toBeAllowed(),
    ).rejects.toThrow(/expected a URL, a Node/);
    await expect(expectCors('ftp://x.test').from(APP).fetch('/').toBeAllowed()).rejects.toThrow(/only http and https/);
    await expect(
      expectCors(app)
        .from(APP)
        .fetch('/')
        .toBeBlockedWith('NoSuchError' as never),
    ).rejects.toThrow(/not a CORS error name/);
  });
});

describe('from node:test', () => {
  it('runs the example with node --test against the built package', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    expect(existsSync(`${root}dist/testing/index.js`), 'dist/ is missing: run npm run build').toBe(true);
    const file = fileURLToPath(new URL('./__fixtures__/node-test.example.mjs', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--test', '--test-reporter=tap', file], {
      cwd: root,
    });
    expect(stdout).toMatch(/^# pass 2$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  });
});
