/**
 * A server for the end-to-end benchmark, run as a child process so the load generator (autocannon, in the
 * parent) does not share its event loop: `node e2e-server.js <express|fastify> <none|peer|corsight>`.
 * Plain HTTP on 127.0.0.1, one route `GET /api` answering a small JSON body; CORS configured as in the 10-origin
 * rows of the micro-benchmark. Prints `{"port":N}` once listening; answers the IPC message `cpu` with
 * `process.cpuUsage()`.
 */
import { createServer, type Server } from 'node:http';
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

async function main(): Promise<void> {
  let server: Server;
  if (framework === 'express') {
    const app = express();
    app.disable('x-powered-by');
    app.disable('etag');
    if (variant === 'peer') app.use(cors(corsOptions(row)));
    if (variant === 'corsight') app.use(corsightExpress(createPolicy(corsightConfig(row))));
    app.get('/api', (_req, res) => {
      res.json({ ok: true });
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  } else if (framework === 'fastify') {
    const app = Fastify({ logger: false });
    if (variant === 'peer') await app.register(fastifyCors, corsOptions(row));
    if (variant === 'corsight') await app.register(corsightFastify, { policy: createPolicy(corsightConfig(row)) });
    app.get('/api', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    server = app.server;
  } else {
    throw new Error('usage: e2e-server.js <express|fastify> <none|peer|corsight>');
  }
  if (!['none', 'peer', 'corsight'].includes(variant ?? '')) throw new Error(`unknown variant ${variant}`);
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
