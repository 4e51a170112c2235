/**
 * Every adapter through `corsight/testing`: the same browser-level expectations (what a page on each
 * origin can do) asserted with `expectCors`, which runs the browser model on the adapter's real
 * answers. Node, Express, Koa and Fastify are served on an ephemeral loopback port per request;
 * Hono and the fetch adapter are called in process.
 */
import { Hono } from 'hono';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createPolicy, type Policy } from '../policy/index.js';
import { expectCors, type CorsTarget } from '../testing/index.js';
import { cors as expressCors } from './express.js';
import corsightFastify from './fastify.js';
import { withCors as withFetchCors } from './fetch.js';
import { cors as honoCors } from './hono.js';
import { cors as koaCors } from './koa.js';
import { withCors as withNodeCors } from './node.js';

const ALLOWED = 'https://app.example.com';
const SUBDOMAIN = 'https://deep.tenant.example.org';
const REFUSED = 'https://evil.example.net';

function policy(): Policy {
  return createPolicy({
    origins: [ALLOWED, 'https://*.example.org'],
    credentials: true,
    methods: ['PUT', 'DELETE'],
    requestHeaders: ['content-type', 'x-token'],
    exposeHeaders: ['x-request-id'],
    maxAge: 600,
  });
}

/** Each adapter's app: GET and PUT /data answer 200 with X-Request-Id. */
const apps: Record<string, () => Promise<CorsTarget> | CorsTarget> = {
  node: () =>
    withNodeCors(policy(), (_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('X-Request-Id', '42');
      res.end('data');
    }),
  express: () => {
    const app = express();
    app.use(expressCors(policy()));
    app.get('/data', (_req, res) => void res.set('X-Request-Id', '42').send('data'));
    app.put('/data', (_req, res) => void res.set('X-Request-Id', '42').send('data'));
    return app;
  },
  fastify: async () => {
    const app = Fastify();
    await app.register(corsightFastify, { policy: policy() });
    app.get('/data', async (_req, reply) => reply.header('X-Request-Id', '42').send('data'));
    app.put('/data', async (_req, reply) => reply.header('X-Request-Id', '42').send('data'));
    return app;
  },
  koa: () => {
    const app = new Koa();
    app.use(koaCors(policy()));
    app.use((ctx) => {
      if (ctx.path === '/data') {
        ctx.set('X-Request-Id', '42');
        ctx.body = 'data';
      }
    });
    return app;
  },
  hono: () => {
    const app = new Hono();
    app.use('*', honoCors(policy()));
    app.get('/data', (c) => c.text('data', 200, { 'X-Request-Id': '42' }));
    app.put('/data', (c) => c.text('data', 200, { 'X-Request-Id': '42' }));
    return app;
  },
  fetch: () => withFetchCors(policy(), (_req: Request) => new Response('data', { headers: { 'X-Request-Id': '42' } })),
};

describe.each(Object.keys(apps))('%s adapter through corsight/testing', (name) => {
  const target = async () => apps[name]!();

  it('a simple credentialed GET from the allowed origin is readable, X-Request-Id included', async () => {
    const get = expectCors(await target())
      .from(ALLOWED)
      .fetch('/data', { credentials: 'include' });
    await get.toBeAllowed();
    await get.toBePreflighted(false);
    await get.toExpose('x-request-id');
  });

  // No body is sent (corsight/testing sends none), so no JSON Content-Type: Fastify answers 400 to an
  // empty JSON body (still readable cross-origin, but without X-Request-Id).
  it('a credentialed PUT with X-Token passes its preflight and is sent', async () => {
    const put = expectCors(await target())
      .from(ALLOWED)
      .fetch('/data', { method: 'PUT', credentials: 'include', headers: { 'X-Token': 't' } });
    await put.toBePreflighted();
    await put.toBeAllowed();
    await put.toExpose('x-request-id');
  });

  it('an origin matched by https://*.example.org is allowed', async () => {
    await expectCors(await target())
      .from(SUBDOMAIN)
      .fetch('/data')
      .toBeAllowed();
  });

  it('another origin cannot read the response', async () => {
    await expectCors(await target())
      .from(REFUSED)
      .fetch('/data', { credentials: 'include' })
      .toBeBlockedWith('MissingAllowOriginHeader');
  });

  it('Origin: null (a sandboxed page) is not trusted', async () => {
    await expectCors(await target())
      .from('null')
      .fetch('/data')
      .toBeBlockedWith('MissingAllowOriginHeader');
  });

  it('an unlisted method or header is refused at the preflight (403 without CORS headers)', async () => {
    await expectCors(await target())
      .from(ALLOWED)
      .fetch('/data', { method: 'PATCH' })
      .toBeBlockedWith('PreflightMissingAllowOriginHeader');
    await expectCors(await target())
      .from(ALLOWED)
      .fetch('/data', { headers: { 'X-Other': '1' } })
      .toBeBlockedWith('PreflightMissingAllowOriginHeader');
  });
});

describe("a refused preflight explains itself with the policy's own debug reason", () => {
  const debugPolicy = () => {
    const p = policy();
    p.debug = true;
    return p;
  };
  it.each([
    ['node', () => withNodeCors(debugPolicy(), (_req: IncomingMessage, res: ServerResponse) => void res.end('data'))],
    ['fetch', () => withFetchCors(debugPolicy(), (_req: Request) => new Response('data'))],
  ] as const)('%s adapter', async (_name, make) => {
    const x = await expectCors(make()).from(ALLOWED).fetch('/data', { method: 'PATCH' }).toBeBlocked();
    const notes = x.fix?.notes.join(' ') ?? '';
    // The policy's own reason, from its corsight-debug header, replaces the generic "a bare 403" note (issue 13,
    // item 12), and the fix is the configuration change rather than headers to add.
    expect(notes).toContain("from the server's corsight-debug header");
    expect(notes).toContain('method "PATCH" is not allowed');
    expect(notes).not.toContain('refused with 403 and no CORS headers');
    expect(x.fix?.steps.map((step) => step.text)).toEqual(['in the corsight policy, add `PATCH` to `methods`']);
  });
});
