/**
 * A server for the end-to-end benchmark, run as a child process so the load generator (autocannon, in the
 * parent) does not share its event loop: `node e2e-server.js <express|fastify> <none|peer|corsight|limit>`.
 * `limit` is the hand-written ceiling: the same route writing the very same CORS header bytes as corsight by
 * hand (a `Set` lookup and `setHeader` calls, no middleware library), in the framework's own hook shape.
 * Plain HTTP on 127.0.0.1, one route `GET /api` answering a small JSON body; CORS configured as in the 10-origin
 * rows of the micro-benchmark. Prints `{"port":N}` once listening; answers the IPC message `cpu` with
 * `process.cpuUsage()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyCors from '@fastify/cors';
import cors from 'cors';
import express from 'express';
import Fastify from 'fastify';
import { cors as corsightExpress } from '../src/adapters/express.js';
import corsightFastify from '../src/adapters/fastify.js';
import { createPolicy } from '../src/policy/index.js';
import { corsightConfig, corsOptions, rows } from './scenarios.js';

const [framework, variant] = process.argv.slice(2);
const row = rows().find((r) => r.id === '10-actual-allowed')!;

/**
 * The limit's header values, taken from corsight's own decisions for the first allowed origin (so the bytes are
 * identical), minus `Access-Control-Allow-Origin`, which is the request's origin.
 */
function handWritten(): { origins: Set<string>; actual: [string, string][]; preflight: [string, string][] } {
  const config = corsightConfig(row);
  const policy = createPolicy(config);
  const origins = new Set(config.origins.filter((o): o is string => typeof o === 'string'));
  const origin = [...origins][0]!;
  const rest = (h: Readonly<Record<string, string>>) =>
    Object.entries(h).filter(([k]) => k !== 'access-control-allow-origin');
  const actual = policy.evaluate({ method: 'GET', headers: { origin } });
  const preflight = policy.evaluate({
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'authorization,content-type',
    },
  });
  return { origins, actual: rest(actual.headers), preflight: rest(preflight.headers) };
}

/** The hand-written limit: true when it answered a preflight itself. */
function limit(
  h: ReturnType<typeof handWritten>,
  req: IncomingMessage,
  res: Pick<ServerResponse, 'setHeader'>,
): 'preflight' | 'actual' {
  const origin = req.headers.origin;
  const allowed = origin !== undefined && h.origins.has(origin);
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (allowed) res.setHeader('access-control-allow-origin', origin);
  for (const [k, v] of preflight ? h.preflight : h.actual) {
    if (allowed || k === 'vary') res.setHeader(k, v);
  }
  return preflight ? 'preflight' : 'actual';
}

async function main(): Promise<void> {
  let server: Server;
  if (framework === 'express') {
    const app = express();
    app.disable('x-powered-by');
    app.disable('etag');
    if (variant === 'peer') app.use(cors(corsOptions(row)));
    if (variant === 'corsight') app.use(corsightExpress(createPolicy(corsightConfig(row))));
    if (variant === 'limit') {
      const h = handWritten();
      app.use((req, res, next) => {
        if (limit(h, req, res) === 'preflight') {
          res.statusCode = 204;
          res.setHeader('content-length', '0');
          res.end();
          return;
        }
        next();
      });
    }
    app.get('/api', (_req, res) => {
      res.json({ ok: true });
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  } else if (framework === 'fastify') {
    const app = Fastify({ logger: false });
    if (variant === 'peer') await app.register(fastifyCors, corsOptions(row));
    if (variant === 'corsight') await app.register(corsightFastify, { policy: createPolicy(corsightConfig(row)) });
    if (variant === 'limit') {
      const h = handWritten();
      app.addHook('onRequest', (request, reply, done) => {
        if (limit(h, request.raw, reply.raw) === 'preflight') {
          void reply.code(204).header('content-length', '0').send();
          return;
        }
        done();
      });
    }
    app.get('/api', () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    server = app.server;
  } else {
    throw new Error('usage: e2e-server.js <express|fastify> <none|peer|corsight|limit>');
  }
  if (!['none', 'peer', 'corsight', 'limit'].includes(variant ?? '')) throw new Error(`unknown variant ${variant}`);
  // The parent asks for this process's CPU time around each measured run (server CPU per request is far less
  // sensitive to other load on the machine than requests per second).
  process.on('message', (m) => {
    if (m === 'cpu') process.send?.(process.cpuUsage());
  });
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
