/**
 * The six adapters under test, each serving the same tiny API over HTTPS on 127.0.0.1 (ephemeral port),
 * reached by the browser as `https://api.example.test:<port>` through `--host-resolver-rules`.
 *
 * The application behind CORS is the same everywhere: any method on any path answers 200 with a JSON body and
 * three headers, `content-type` (CORS-safelisted, always readable), `x-request-id` (readable only because the
 * policy exposes it) and `x-secret` (never readable). Every request the server receives is logged before the
 * framework sees it (a `request` listener prepended to the Node server), so the suite knows exactly what
 * Chromium put on the wire, preflights included.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { cors as expressCors } from '../../src/adapters/express.js';
import corsightFastify from '../../src/adapters/fastify.js';
import { withCors as withFetchCors } from '../../src/adapters/fetch.js';
import { cors as honoCors } from '../../src/adapters/hono.js';
import { cors as koaCors } from '../../src/adapters/koa.js';
import { withCors as withNodeCors } from '../../src/adapters/node.js';
import { createSelfSignedCertificate } from '../../src/chromium/index.js';
import type { Policy } from '../../src/policy/index.js';

/**
 * Test-only certificate and key, made for this run by src/chromium. It protects nothing: Chromium runs with
 * `--ignore-certificate-errors` and the undici transport with `rejectUnauthorized: false`, and all traffic stays
 * on 127.0.0.1.
 */
export const tls = (() => {
  const { key, cert } = createSelfSignedCertificate({
    commonName: 'corsight middleware-chromium test',
    altNames: ['*.test', '*.example.test', 'localhost', '127.0.0.1'],
  });
  return { key, cert };
})();

/** The application's answer to every request that gets past CORS. */
export const APP_BODY = '{"ok":true}';
export const APP_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  'x-request-id': 'r-1',
  'x-secret': 'hidden',
};

/** One request as the server received it. */
export interface LoggedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingMessage['headers'];
}

/** A running adapter server. */
export interface AdapterServer {
  port: number;
  /** Every request received, in arrival order. */
  log: LoggedRequest[];
  close(): Promise<void>;
}

/** How to start one adapter with a given policy. */
export interface AdapterUnderTest {
  name: 'node' | 'express' | 'fastify' | 'koa' | 'hono' | 'fetch';
  start(policy: Policy): Promise<AdapterServer>;
}

function answerNode(res: ServerResponse): void {
  for (const [k, v] of Object.entries(APP_HEADERS)) res.setHeader(k, v);
  res.statusCode = 200;
  res.end(APP_BODY);
}

async function listening(server: Server): Promise<AdapterServer> {
  const log: LoggedRequest[] = [];
  server.prependListener('request', (req: IncomingMessage) => {
    log.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
  });
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A minimal Node-to-Fetch bridge for the fetch adapter (`(Request) => Response`), written here rather than
 * borrowed from a framework so the fetch adapter is tested on its own.
 */
function fetchListener(handler: (request: Request) => Promise<Response>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(`https://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
      method,
      headers,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
    });
    handler(request).then(
      async (response) => {
        res.statusCode = response.status;
        response.headers.forEach((value, name) => res.setHeader(name, value));
        res.end(Buffer.from(await response.arrayBuffer()));
      },
      () => {
        res.statusCode = 500;
        res.end();
      },
    );
  };
}

/** Every adapter, in a fixed order. */
export const adapters: readonly AdapterUnderTest[] = [
  {
    name: 'node',
    start: (policy) => {
      const handler = withNodeCors(policy, (_req, res) => answerNode(res));
      // node:http ignores a listener's promise; the adapter settles it itself.
      return listening(createServer(tls, (req, res) => void handler(req, res)));
    },
  },
  {
    name: 'express',
    start: (policy) => {
      const app = express();
      app.disable('x-powered-by');
      app.use(expressCors(policy));
      app.all('/{*path}', (_req, res) => {
        res.set(APP_HEADERS).status(200).send(APP_BODY);
      });
      return listening(createServer(tls, app));
    },
  },
  {
    name: 'fastify',
    start: async (policy) => {
      const app = Fastify({ https: tls, forceCloseConnections: true });
      await app.register(corsightFastify, { policy });
      app.route({
        method: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'],
        url: '/*',
        handler: async (_req, reply) => reply.headers(APP_HEADERS).code(200).send(APP_BODY),
      });
      // Listening through Fastify, so that close() honours forceCloseConnections (Chromium keeps connections alive).
      await app.listen({ port: 0, host: '127.0.0.1' });
      const server = await listening(app.server);
      return { ...server, close: () => app.close() };
    },
  },
  {
    name: 'koa',
    start: (policy) => {
      const app = new Koa();
      app.use(koaCors(policy));
      app.use((ctx) => {
        ctx.set(APP_HEADERS);
        ctx.status = 200;
        ctx.body = APP_BODY;
        ctx.type = 'application/json';
      });
      const callback = app.callback();
      // node:http ignores a listener's promise; Koa handles its own errors.
      return listening(createServer(tls, (req, res) => void callback(req, res)));
    },
  },
  {
    name: 'hono',
    start: async (policy) => {
      const app = new Hono();
      app.use('*', honoCors(policy));
      app.all('*', (c) => c.body(APP_BODY, 200, { ...APP_HEADERS }));
      const server = serve({
        fetch: app.fetch,
        port: 0,
        hostname: '127.0.0.1',
        createServer,
        serverOptions: tls,
      }) as unknown as Server;
      if (!server.listening) await new Promise<void>((resolve) => server.once('listening', resolve));
      return listening(server);
    },
  },
  {
    name: 'fetch',
    start: (policy) =>
      listening(
        createServer(
          tls,
          fetchListener(
            withFetchCors(policy, () => new Response(APP_BODY, { status: 200, headers: { ...APP_HEADERS } })),
          ),
        ),
      ),
  },
];
