/**
 * End-to-end requests per second on loopback: Express and Fastify with no CORS middleware, with their usual
 * peer (`cors`, `@fastify/cors`) and with corsight. Each server runs in its own child process; the load comes
 * from autocannon in this process (10 connections, keep-alive).
 *
 * Method (see bench/NOTES.md for why):
 * - On Linux with two or more CPUs, the servers are pinned to CPU 0 and this process (the load generator) to
 *   CPU 1 with `taskset`, so the server is the bottleneck and the scheduler does not move the two around;
 *   without pinning, rounds of the same row differed by up to 40 % on the 2-vCPU machine.
 * - The three servers of a framework are started once and warmed up, then measured in short interleaved
 *   rounds (order rotated each round); only one is under load at a time.
 * - Each round pairs corsight with its peer measured moments apart; the reported ratios are the medians of
 *   those per-round ratios, which cancels the machine's slow drifts better than a ratio of medians.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { allowedOrigin } from './scenarios.js';

export type Framework = 'express' | 'fastify';
export type Variant = 'none' | 'peer' | 'corsight' | 'limit';
export type RequestKind = 'actual' | 'preflight';

/** One measured row: medians over the rounds. */
export interface E2EResult {
  framework: Framework;
  variant: Variant;
  request: RequestKind;
  /** Median requests per second. */
  rps: number;
  /** Median server CPU time (user + system) per request, µs. */
  cpuPerRequest: number;
  /** Responses that were not 2xx, and socket errors, over all rounds. */
  non2xx: number;
  errors: number;
}

/** corsight against its peer for one framework and request kind: medians of the per-round ratios. */
export interface E2EComparison {
  framework: Framework;
  request: RequestKind;
  /** corsight req/s / peer req/s (above 1: corsight serves more). */
  rpsRatio: number;
  /** corsight CPU per request / peer CPU per request (below 1: corsight costs less). */
  cpuRatio: number;
  /** Rounds in which corsight served more requests than its peer, of `rounds`. */
  wins: number;
  /** corsight req/s / the hand-written limit's req/s (1 is the ceiling; the target is at least 0.97). */
  corsightToLimit: number;
  /** The peer's req/s / the hand-written limit's req/s. */
  peerToLimit: number;
  rounds: number;
}

export interface E2EReport {
  results: E2EResult[];
  comparisons: E2EComparison[];
  /** How processes were placed: "server on CPU 0, load on CPU 1" or why they were not pinned. */
  placement: string;
}

const REQUESTS = {
  actual: { method: 'GET' as const, headers: { origin: allowedOrigin(10) } },
  preflight: {
    method: 'OPTIONS' as const,
    headers: {
      origin: allowedOrigin(10),
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'authorization,content-type',
    },
  },
};

const VARIANTS = ['none', 'peer', 'corsight', 'limit'] as const;

/** Pins this process to CPU 1 and returns the prefix that starts a server on CPU 0, or why it cannot. */
function placement(): { prefix: string[]; text: string; restore(): void } {
  const none = (why: string) => ({ prefix: [], text: `not pinned (${why})`, restore: () => {} });
  if (process.platform !== 'linux') return none('not Linux');
  const cpus = availableParallelism();
  if (cpus < 2) return none('one CPU');
  try {
    execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return none('taskset unavailable');
  }
  return {
    prefix: ['taskset', '-c', '0'],
    text: 'servers pinned to CPU 0, load generator to CPU 1 (taskset)',
    restore: () => execFileSync('taskset', ['-p', '-c', `0-${cpus - 1}`, String(process.pid)], { stdio: 'ignore' }),
  };
}

interface Server {
  port: number;
  /** The server's CPU time so far, µs. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(prefix: string[], framework: Framework, variant: Variant): Promise<Server> {
  const argv = [...prefix, process.execPath, new URL('./e2e-server.js', import.meta.url).pathname, framework, variant];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return {
    port,
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

function load(port: number, kind: RequestKind, seconds: number): Promise<autocannon.Result> {
  const request = REQUESTS[kind];
  return autocannon({
    url: `http://127.0.0.1:${port}/api`,
    connections: 10,
    pipelining: 1,
    duration: seconds,
    method: request.method,
    headers: request.headers,
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Sample {
  rps: number;
  cpuPerRequest: number;
  non2xx: number;
  errors: number;
}

/**
 * Measures every framework x request kind x variant: `rounds` interleaved rounds of `durationSeconds` each,
 * after a warm-up of every server.
 */
export async function runE2E(durationSeconds: number, rounds: number, log: (line: string) => void): Promise<E2EReport> {
  const place = placement();
  const samples = new Map<string, Sample[]>();
  const key = (f: Framework, v: Variant, k: RequestKind) => `${f}/${v}/${k}`;
  try {
    for (const framework of ['express', 'fastify'] as const) {
      const servers = new Map<Variant, Server>();
      try {
        for (const variant of VARIANTS) servers.set(variant, await startServer(place.prefix, framework, variant));
        // Warm-up: JIT, connection pools and the kernel's socket buffers, for every server and request kind.
        for (const variant of VARIANTS) {
          for (const kind of ['actual', 'preflight'] as const) await load(servers.get(variant)!.port, kind, 1);
        }
        for (let round = 0; round < rounds; round++) {
          for (const kind of ['actual', 'preflight'] as const) {
            for (let v = 0; v < VARIANTS.length; v++) {
              const variant = VARIANTS[(v + round) % VARIANTS.length]!;
              const server = servers.get(variant)!;
              const cpu0 = await server.cpu();
              const r = await load(server.port, kind, durationSeconds);
              const cpu1 = await server.cpu();
              const sample: Sample = {
                rps: r.requests.average,
                cpuPerRequest: (cpu1 - cpu0) / Math.max(1, r.requests.total),
                non2xx: r.non2xx,
                errors: r.errors,
              };
              log(JSON.stringify({ round, framework, variant, request: kind, ...sample }));
              const list = samples.get(key(framework, variant, kind)) ?? [];
              list.push(sample);
              samples.set(key(framework, variant, kind), list);
            }
          }
        }
      } finally {
        for (const server of servers.values()) await server.stop();
      }
    }
  } finally {
    place.restore();
  }

  const results: E2EResult[] = [];
  const comparisons: E2EComparison[] = [];
  for (const framework of ['express', 'fastify'] as const) {
    for (const request of ['actual', 'preflight'] as const) {
      for (const variant of VARIANTS) {
        const list = samples.get(key(framework, variant, request)) ?? [];
        results.push({
          framework,
          variant,
          request,
          rps: median(list.map((s) => s.rps)),
          cpuPerRequest: median(list.map((s) => s.cpuPerRequest)),
          non2xx: list.reduce((n, s) => n + s.non2xx, 0),
          errors: list.reduce((n, s) => n + s.errors, 0),
        });
      }
      const ours = samples.get(key(framework, 'corsight', request)) ?? [];
      const peer = samples.get(key(framework, 'peer', request)) ?? [];
      const ceiling = samples.get(key(framework, 'limit', request)) ?? [];
      const n = Math.min(ours.length, peer.length, ceiling.length);
      const pairs = Array.from({ length: n }, (_, i) => ({ ours: ours[i]!, peer: peer[i]!, limit: ceiling[i]! }));
      comparisons.push({
        framework,
        request,
        rpsRatio: median(pairs.map((p) => p.ours.rps / p.peer.rps)),
        cpuRatio: median(pairs.map((p) => p.ours.cpuPerRequest / p.peer.cpuPerRequest)),
        wins: pairs.filter((p) => p.ours.rps > p.peer.rps).length,
        corsightToLimit: median(pairs.map((p) => p.ours.rps / p.limit.rps)),
        peerToLimit: median(pairs.map((p) => p.peer.rps / p.limit.rps)),
        rounds: n,
      });
    }
  }
  return { results, comparisons, placement: place.text };
}
