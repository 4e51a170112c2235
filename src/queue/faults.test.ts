/**
 * The faults a distributed scan must survive, with real processes (the built CLI), a real redis-server and a
 * real HTTP server: a worker killed with SIGKILL mid-run, the coordinator killed and started again, Redis
 * stopped and restarted, a target that kills every worker that scans it. Each time: every target exactly
 * once in the report, with the findings a local scan of the same targets makes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from './__fixtures__/redis-server.js';
import { captureScan, findingsOf, targetLines } from './__fixtures__/scan.js';
import { scanKeys } from './keys.js';

const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

let redis: TestRedis;
let client: Redis;
let server: http.Server;
let base: string;
/** Requests seen per path, and a hook called on each. */
let onRequest: (path: string) => void = () => undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  // An API that reflects any Origin with credentials, after 5 ms; /poison never answers.
  server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    onRequest(path);
    if (path.startsWith('/poison')) return;
    setTimeout(() => {
      const origin = req.headers.origin;
      if (origin !== undefined) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Credentials', 'true');
      }
      res.end('{"ok":true}');
    }, 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  onRequest = () => undefined;
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  client.disconnect();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await redis.close();
});

/** `count` targets over 8 host names (`*.localhost` is loopback), so workers scan in parallel. */
function targets(count: number, prefix = 'api'): string[] {
  const port = new URL(base).port;
  return Array.from({ length: count }, (_, i) => `http://h${i % 8}.localhost:${port}/${prefix}/${i}`);
}

function worker(extra: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [main, 'worker', '--queue', redis.url, '--stalled-interval', '300', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  return child;
}

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function coordinator(urls: string[], scanId: string): Run {
  const child = spawn(
    process.execPath,
    [main, 'scan', ...urls, '--queue', redis.url, '--scan-id', scanId, '--format', 'jsonl', '--quiet'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const doneCount = async (scanId: string) => Number((await client.hget(scanKeys(scanId).meta, 'done')) ?? 0);

/** Asserts the report has every target exactly once, with the findings a local scan makes. */
async function expectSameAsLocal(report: string, urls: string[]): Promise<void> {
  const lines = targetLines(report);
  expect(lines.map((t) => t.url)).toEqual(urls);
  const local = findingsOf((await captureScan(urls, { format: 'jsonl', quiet: true })).stdout);
  const queued = findingsOf(report);
  // Only the targets that differ, so a failure names them.
  expect(queued.filter((t, i) => JSON.stringify(t) !== JSON.stringify(local[i]))).toEqual(
    local.filter((t, i) => JSON.stringify(t) !== JSON.stringify(queued[i])),
  );
}

describe('faults a distributed scan survives', () => {
  it('is tested on the built CLI (npm test builds first)', () => {
    expect(existsSync(main)).toBe(true);
  });

  it('a worker killed with SIGKILL mid-run: its targets go to another worker', async () => {
    const victim = worker();
    worker();
    const urls = targets(64);
    const run = coordinator(urls, 'sigkill-worker');
    await until(async () => (await doneCount('sigkill-worker')) >= 20, '20 results');
    victim.kill('SIGKILL');
    const result = await run.done;
    expect(result.code).toBe(1);
    await expectSameAsLocal(result.stdout, urls);
  });

  it('a worker sent SIGTERM finishes the targets in flight and exits 0; the others finish the scan', async () => {
    const stopping = worker(['--stalled-interval', '30000']);
    let log = '';
    stopping.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const urls = targets(64, 'sigterm');
    const run = coordinator(urls, 'sigterm-worker');
    await until(async () => (await doneCount('sigterm-worker')) >= 10, '10 results');
    // A second worker with a long stalled interval too: nothing may wait on a lost lock.
    worker(['--stalled-interval', '30000']);
    stopping.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => stopping.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(log).toMatch(/stopping: finishing the targets in flight\n.*stopped \(\d+ targets scanned\)/s);
    const result = await run.done;
    expect(result.code).toBe(1);
    await expectSameAsLocal(result.stdout, urls);
  });

  it('the coordinator killed mid-run and started again: the second run reports everything once', async () => {
    worker();
    worker();
    const urls = targets(64, 'coordinator');
    const first = coordinator(urls, 'sigkill-coordinator');
    await until(async () => (await doneCount('sigkill-coordinator')) >= 20, '20 results');
    first.child.kill('SIGKILL');
    await first.done;
    const second = await coordinator(urls, 'sigkill-coordinator').done;
    expect(second.stderr).toMatch(/resuming scan sigkill-coordinator: \d+ targets already done/);
    expect(second.code).toBe(1);
    await expectSameAsLocal(second.stdout, urls);
  });

  it('Redis stopped for a few seconds and restarted: workers and coordinator reconnect and finish', async () => {
    worker(['--stalled-interval', '1000']);
    worker(['--stalled-interval', '1000']);
    const urls = targets(64, 'redis');
    const run = coordinator(urls, 'redis-restart');
    await until(async () => (await doneCount('redis-restart')) >= 20, '20 results');
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await redis.start();
    const result = await run.done;
    expect(result.code).toBe(1);
    await expectSameAsLocal(result.stdout, urls);
  });

  it('a poisoned target that kills every worker scanning it is recorded as an error after two, alone', async () => {
    const urls = [
      ...targets(6, 'before'),
      `${base.replace('127.0.0.1', 'h0.localhost')}/poison`,
      ...targets(6, 'after'),
    ];
    // One target at a time, so the kill hits the poisoned target alone; each worker is killed when it asks for it.
    let current = worker(['--concurrency', '1']);
    let kills = 0;
    onRequest = (path) => {
      if (!path.startsWith('/poison') || kills >= 2) return;
      kills++;
      const dying = current;
      dying.kill('SIGKILL');
      current = worker(['--concurrency', '1']);
    };
    const running = coordinator(urls, 'poisoned');
    const result = await running.done;
    expect(kills).toBe(2);
    const lines = targetLines(result.stdout);
    expect(lines.map((t) => t.url)).toEqual(urls);
    const poisoned = lines[6];
    expect(poisoned).toMatchObject({
      status: 'error',
      error: 'the worker scanning this target stopped (killed or hung) 2 times; not retried',
    });
    const others = [...lines.slice(0, 6), ...lines.slice(7)];
    expect(others.every((t) => t.status === 'ok')).toBe(true);
  });
});
