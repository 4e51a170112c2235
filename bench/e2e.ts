/**
 * End-to-end requests per second on loopback: Express and Fastify with no CORS middleware, with their usual
 * peer (`cors`, `@fastify/cors`) and with corsight, each server in its own child process, load from autocannon
 * in this process (10 connections, keep-alive), one warm-up second then a bounded measured run per row,
 * repeated over several rounds.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { allowedOrigin } from './scenarios.js';

export type Framework = 'express' | 'fastify';
export type Variant = 'none' | 'peer' | 'corsight';

/** One measured row. */
export interface E2EResult {
  framework: Framework;
  variant: Variant;
  request: 'actual' | 'preflight';
  /** Mean requests per second. */
  rps: number;
  /** Server CPU time (user + system) per request, µs. */
  cpuPerRequest: number;
  /** Median latency, ms. */
  p50: number;
  /** Status of the responses (the first seen), and how many were not 2xx. */
  non2xx: number;
  errors: number;
}

const REQUESTS = {
  actual: { method: 'GET' as const, headers: { origin: allowedOrigin(10) } },
  preflight: {
    method: 'OPTIONS' as const,
    headers: { origin: allowedOrigin(10), 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,content-type' },
  },
};

async function startServer(framework: Framework, variant: Variant): Promise<{ port: number; cpu(): Promise<number>; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [new URL('./e2e-server.js', import.meta.url).pathname, framework, variant], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return {
    port,
    /** The server's CPU time so far, µs. */
    cpu: async () => {
      child.send('cpu');
      const [usage] = (await once(child, 'message')) as [{ user: number; system: number }];
      return usage.user + usage.system;
    },
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

function run(url: string, request: (typeof REQUESTS)['actual'] | (typeof REQUESTS)['preflight'], duration: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: 10, pipelining: 1, duration, method: request.method, headers: request.headers });
}

/**
 * Measures every framework x variant x request, `rounds` times with the variants' order rotated each round
 * (so slow phases of a shared machine do not always hit the same variant); reports the median round.
 */
export async function runE2E(durationSeconds: number, rounds: number, log: (line: string) => void): Promise<E2EResult[]> {
  const samples = new Map<string, E2EResult[]>();
  const variants = ['none', 'peer', 'corsight'] as const;
  for (let round = 0; round < rounds; round++) {
    for (const framework of ['express', 'fastify'] as const) {
      for (let v = 0; v < variants.length; v++) {
        const variant = variants[(v + round) % variants.length]!;
        const server = await startServer(framework, variant);
        try {
          for (const kind of ['actual', 'preflight'] as const) {
            const url = `http://127.0.0.1:${server.port}/api`;
            await run(url, REQUESTS[kind], 1);
            const cpu0 = await server.cpu();
            const r = await run(url, REQUESTS[kind], durationSeconds);
            const cpu1 = await server.cpu();
            const result: E2EResult = {
              framework,
              variant,
              request: kind,
              rps: r.requests.average,
              cpuPerRequest: (cpu1 - cpu0) / Math.max(1, r.requests.total),
              p50: r.latency.p50,
              non2xx: r.non2xx,
              errors: r.errors,
            };
            log(JSON.stringify({ round, ...result }));
            const key = `${framework}/${variant}/${kind}`;
            samples.set(key, [...(samples.get(key) ?? []), result]);
          }
        } finally {
          await server.stop();
        }
      }
    }
  }
  // Per row: the median requests/s and, separately, the median server CPU per request of the rounds.
  return [...samples.values()].map((list) => {
    const byRps = [...list].sort((a, b) => a.rps - b.rps)[list.length >> 1]!;
    const cpu = [...list].map((r) => r.cpuPerRequest).sort((a, b) => a - b)[list.length >> 1]!;
    return { ...byRps, cpuPerRequest: cpu };
  });
}
