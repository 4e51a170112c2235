/**
 * Micro-benchmark of one layer (run in a child process per layer, so that one framework's objects do not make
 * another's code polymorphic): corsight and its peer invoked directly, on the same request objects, with
 * fresh response objects built the same way for both, every op.
 *
 * Layers:
 * - `core`:    corsight's `policy.evaluate` alone (no peer: the others have no framework-free core);
 * - `express`: `cors` vs `corsight/express`, `(req, res, next)` with a plain request and a ServerResponse stand-in;
 * - `fastify`: `@fastify/cors` vs `corsight/fastify`, the `onRequest` hook each registers, with Request/Reply
 *              stand-ins;
 * - `koa`:     `@koa/cors` vs `corsight/koa`, `(ctx, next)` with a real Koa context (`app.createContext`) per op;
 * - `koa-app`: the same two through Koa's whole request handling (`app.callback()`: compose, then Koa's
 *              `respond`), with no other middleware, so what a middleware hands on to the application (Koa's
 *              404) is counted too;
 * - `hono`:    hono's `cors` vs `corsight/hono`, `(c, next)` with a real Hono `Context` per op over one Fetch
 *              `Request` per row; `next` sets `c.res` to a new Response, as Hono does with a handler's result.
 *
 * Prints one JSON line per row on stdout.
 */
import fastifyCors from '@fastify/cors';
import koaCors from '@koa/cors';
import cors from 'cors';
import { Context } from 'hono';
import { cors as honoCors } from 'hono/cors';
import Koa from 'koa';
import { cors as corsightExpress } from '../src/adapters/express.js';
import corsightFastify from '../src/adapters/fastify.js';
import { cors as corsightHono } from '../src/adapters/hono.js';
import { cors as corsightKoa } from '../src/adapters/koa.js';
import { createPolicy } from '../src/policy/index.js';
import { captureOnRequest, FakeFastifyReply, FakeNodeResponse } from './fakes.js';
import { measureRow, type Candidate, type MeasureOptions } from './measure.js';
import { corsightConfig, corsOptions, honoOptions, koaOptions, rows, type Row } from './scenarios.js';

export type Layer = 'core' | 'express' | 'fastify' | 'koa' | 'koa-app' | 'hono';
export const LAYERS: readonly Layer[] = ['core', 'express', 'fastify', 'koa', 'koa-app', 'hono'];

/** The peer each layer is compared with. */
export const PEERS: Record<Layer, string | undefined> = {
  core: undefined,
  express: 'cors',
  fastify: '@fastify/cors',
  koa: '@koa/cors',
  'koa-app': '@koa/cors',
  hono: 'hono/cors',
};

const noop = (): void => {};
const asyncNoop = async (): Promise<void> => {};

/** A candidate plus a one-off run that returns the `Access-Control-Allow-Origin` it produced. */
type Probed = Candidate & { probe: () => Promise<unknown> };

/**
 * What each middleware must answer, checked before timing so that no row measures an error path: the allowed
 * origin gets ACAO, the refused one none; corsight refuses the adversarial preflight (its ACRH is longer than
 * any list a browser could send), the peers grant it without reading ACRH or by reflecting it.
 */
function expectedAcao(row: Row, name: string): string | undefined {
  if (!row.allowed) return undefined;
  if (name === 'corsight' && row.id.startsWith('adversarial')) return undefined;
  return row.requestHeaders.origin;
}

async function candidates(layer: Layer, row: Row): Promise<Probed[]> {
  const policy = createPolicy(corsightConfig(row));
  switch (layer) {
    case 'core': {
      const request = { method: row.method, headers: row.requestHeaders };
      return [
        {
          name: 'corsight',
          async: false,
          op: () => policy.evaluate(request),
          probe: async () => policy.evaluate(request).headers['access-control-allow-origin'],
        },
      ];
    }
    case 'express': {
      const req = { method: row.method, url: '/api', headers: row.requestHeaders };
      const ours = corsightExpress(policy) as unknown as (q: unknown, s: unknown, n: () => void) => void;
      const theirs = cors(corsOptions(row)) as unknown as (q: unknown, s: unknown, n: () => void) => void;
      const probe = (mw: typeof ours) => async () => {
        const res = new FakeNodeResponse();
        mw(req, res, noop);
        return res.getHeader('access-control-allow-origin');
      };
      return [
        { name: 'corsight', async: false, op: () => ours(req, new FakeNodeResponse(), noop), probe: probe(ours) },
        { name: 'peer', async: false, op: () => theirs(req, new FakeNodeResponse(), noop), probe: probe(theirs) },
      ];
    }
    case 'fastify': {
      const ours = await captureOnRequest(corsightFastify, { policy });
      const theirs = await captureOnRequest(fastifyCors, corsOptions(row));
      // What Fastify hands a hook: parsed headers, the raw request, the matched route's options.
      const request = () => ({
        method: row.method,
        url: '/api',
        headers: row.requestHeaders,
        raw: { method: row.method },
        routeOptions: { config: {} },
        corsPreflightEnabled: false,
      });
      const probe = (hook: typeof ours) => async () => {
        const reply = new FakeFastifyReply();
        hook(request(), reply, noop);
        return reply.getHeader('access-control-allow-origin');
      };
      return [
        { name: 'corsight', async: false, op: () => ours(request(), new FakeFastifyReply(), noop), probe: probe(ours) },
        { name: 'peer', async: false, op: () => theirs(request(), new FakeFastifyReply(), noop), probe: probe(theirs) },
      ];
    }
    case 'koa': {
      const app = new Koa();
      const req = { method: row.method, url: '/api', headers: row.requestHeaders, httpVersionMajor: 1, socket: {} };
      const ours = corsightKoa(policy) as unknown as (ctx: unknown, next: () => Promise<void>) => Promise<void>;
      const theirs = koaCors(koaOptions(row)) as unknown as (ctx: unknown, next: () => Promise<void>) => Promise<void>;
      const ctx = () => app.createContext(req as never, new FakeNodeResponse() as never);
      const probe = (mw: typeof ours) => async () => {
        const c = ctx() as unknown as { res: FakeNodeResponse };
        await mw(c, asyncNoop);
        return c.res.getHeader('access-control-allow-origin');
      };
      return [
        { name: 'corsight', async: true, op: () => ours(ctx(), asyncNoop), probe: probe(ours) },
        { name: 'peer', async: true, op: () => theirs(ctx(), asyncNoop), probe: probe(theirs) },
      ];
    }
    case 'koa-app': {
      const req = { method: row.method, url: '/api', headers: row.requestHeaders, httpVersionMajor: 1, socket: {} };
      const handler = (mw: unknown) => {
        const app = new Koa();
        app.use(mw as never);
        return app.callback() as unknown as (q: unknown, s: FakeNodeResponse) => Promise<void>;
      };
      const ours = handler(corsightKoa(policy));
      const theirs = handler(koaCors(koaOptions(row)));
      const probe = (h: typeof ours) => async () => {
        const res = new FakeNodeResponse();
        await h(req, res);
        return res.getHeader('access-control-allow-origin');
      };
      return [
        { name: 'corsight', async: true, op: () => ours(req, new FakeNodeResponse()), probe: probe(ours) },
        { name: 'peer', async: true, op: () => theirs(req, new FakeNodeResponse()), probe: probe(theirs) },
      ];
    }
    case 'hono': {
      const request = new Request('https://api.example.com/api', { method: row.method, headers: row.requestHeaders });
      const ours = corsightHono(policy) as unknown as (c: Context, next: () => Promise<void>) => Promise<unknown>;
      const theirs = honoCors(honoOptions(row)) as unknown as (
        c: Context,
        next: () => Promise<void>,
      ) => Promise<unknown>;
      // `next` is what Hono's compose does with a handler's result: it becomes `c.res` (so a middleware that
      // touched `c.res` before `next()` pays for Hono copying those headers onto the handler's response).
      const run = (mw: typeof ours) => {
        const c = new Context(request);
        return mw(c, async () => {
          c.res = new Response(null, { status: 200 });
        }).then((returned) => (returned instanceof Response ? returned : c.res));
      };
      const probe = (mw: typeof ours) => async () =>
        (await run(mw)).headers.get('access-control-allow-origin') ?? undefined;
      return [
        { name: 'corsight', async: true, op: () => run(ours), probe: probe(ours) },
        { name: 'peer', async: true, op: () => run(theirs), probe: probe(theirs) },
      ];
    }
  }
}

/** One measured row. */
export interface MicroResult {
  layer: Layer;
  row: string;
  label: string;
  corsight: number;
  peer?: number;
  spread: number[];
}

/** corsight with 1 and with 1,000 allowed origins, measured in alternation. */
export interface ScalingResult {
  layer: Layer;
  row: string;
  one: number;
  many: number;
  spread: number[];
}

async function main(): Promise<void> {
  const layer = process.argv[2] as Layer;
  if (!LAYERS.includes(layer)) throw new Error(`usage: micro.js <${LAYERS.join('|')}>`);
  const quick = process.env.BENCH_QUICK === '1';
  // Short batches and many runs: on a shared machine a batch preempted by another process is an outlier the
  // median ignores, whereas long batches would all be hit.
  const opts: MeasureOptions = quick ? { runMs: 5, runs: 5, warmupMs: 20 } : { runMs: 5, runs: 31, warmupMs: 200 };
  const only = process.env.BENCH_ROWS?.split(',');
  for (const row of rows()) {
    if (only && !only.includes(row.id)) continue;
    const list = await candidates(layer, row);
    for (const c of list) {
      const got = await c.probe();
      const want = expectedAcao(row, c.name);
      if (got !== want) {
        throw new Error(`${layer} ${c.name} ${row.id}: expected ACAO ${String(want)}, got ${String(got)}`);
      }
    }
    const { nsPerOp, spread } = await measureRow(list, opts);
    const result: MicroResult = { layer, row: row.id, label: row.label, corsight: nsPerOp[0]!, spread };
    if (nsPerOp[1] !== undefined) result.peer = nsPerOp[1];
    process.stdout.write(JSON.stringify(result) + '\n');
  }
  // Scaling: corsight with 1 and with 1,000 origins measured side by side (alternating runs), so that the
  // load on the machine affects both alike; the ratio is what the 1.2x target is judged on.
  for (const kind of ['actual', 'preflight'] as const) {
    for (const allowed of ['allowed', 'refused'] as const) {
      const id = `scaling-${kind}-${allowed}`;
      if (only && !only.includes(id)) continue;
      const one = rows().find((r) => r.id === `1-${kind}-${allowed}`)!;
      const many = rows().find((r) => r.id === `1000-${kind}-${allowed}`)!;
      const [a] = await candidates(layer, one);
      const [b] = await candidates(layer, many);
      const { nsPerOp, spread } = await measureRow([a!, b!], opts);
      const result: ScalingResult = { layer, row: id, one: nsPerOp[0]!, many: nsPerOp[1]!, spread };
      process.stdout.write(JSON.stringify(result) + '\n');
    }
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
