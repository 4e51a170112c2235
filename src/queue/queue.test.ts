/**
 * The coordinator and workers on a real redis-server and the real lab: a distributed scan reports what a
 * local scan reports, each valid target once; resumes, --results-only, --keep and the secrets' lifetime;
 * politeness across workers (--per-host, --rate) measured at a real server.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../cli/exit-codes.js';
import { startLab, type Lab } from '../lab/index.js';
import { checks as allChecks, type Check } from '../scanner/index.js';
import { startRedis, type TestRedis } from './__fixtures__/redis-server.js';
import { captureScan, findingsOf, targetLines } from './__fixtures__/scan.js';
import { scanKeys, startQueueWorker, type QueueWorker } from './index.js';

let redis: TestRedis;
let lab: Lab;
let dir: string;
let client: Redis;
const workers: QueueWorker[] = [];

beforeAll(async () => {
  [redis, lab] = await Promise.all([startRedis(), startLab()]);
  dir = await mkdtemp(path.join(tmpdir(), 'corsight-queue-'));
  client = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
});
afterAll(async () => {
  client.disconnect();
  await Promise.all([redis.close(), lab.close()]);
});

async function startWorkers(count: number, checks?: readonly Check[]): Promise<QueueWorker[]> {
  const started = await Promise.all(
    Array.from({ length: count }, () =>
      startQueueWorker({ queue: redis.url, concurrency: 8, ...(checks === undefined ? {} : { checks }) }),
    ),
  );
  workers.push(...started);
  return started;
}

const labFlags = () => ({
  insecure: true,
  resolve: [...lab.resolve, '*.corsight-lab.test:127.0.0.1'],
  format: 'jsonl',
  quiet: true,
  timeout: '5000',
});

describe('corsight scan --queue', () => {
  it('reports what a local scan reports: every valid target once, duplicates and invalid lines skipped alike', async () => {
    // Several host names for one lab (--resolve *.corsight-lab.test), so several workers scan at once.
    const targets = lab
      .targets(36)
      .map((url, i) => url.replace('://corsight-lab.test', `://h${i % 6}.corsight-lab.test`));
    const list = [
      '# an estate',
      ...targets.slice(0, 20),
      'not a url at all',
      ...targets.slice(0, 10),
      'ftp://corsight-lab.test/file',
      ...targets.slice(20),
      targets[5] ?? '',
    ];
    const file = path.join(dir, 'targets.txt');
    await writeFile(file, `${list.join('\n')}\n`);
    const local = await captureScan([], { ...labFlags(), input: file });
    const [a, b] = await startWorkers(2);
    const queued = await captureScan([], { ...labFlags(), input: file, queue: redis.url, scanId: 'same-as-local' });
    expect(queued.code).toBe(local.code);
    // The local scan reports a repeated line again; the queue, once: compare with the first of each.
    const seen = new Set<string>();
    const localOnce = findingsOf(local.stdout).filter((t) => {
      const url = (t as { url: string }).url;
      return !seen.has(url) && seen.add(url);
    });
    expect(findingsOf(queued.stdout)).toEqual(localOnce);
    const urls = targetLines(queued.stdout).map((t) => t.url);
    expect(urls).toEqual(targets);
    // The same warnings for the same bad lines.
    expect(queued.stderr).toBe(local.stderr);
    // Both workers took part, and no target was scanned twice.
    expect((a?.stats.scanned ?? 0) + (b?.stats.scanned ?? 0)).toBe(targets.length);
    expect(a?.stats.scanned).toBeGreaterThan(0);
    expect(b?.stats.scanned).toBeGreaterThan(0);
  });

  it('resumes a finished scan without scanning again, and --results-only prints the same report', async () => {
    const [worker] = await startWorkers(1);
    const targets = lab.targets(12);
    const first = await captureScan(targets, { ...labFlags(), queue: redis.url, scanId: 'resume-me' });
    expect(worker?.stats.scanned).toBe(12);
    const again = await captureScan(targets, { ...labFlags(), queue: redis.url, scanId: 'resume-me' });
    expect(again.stderr).toContain('resuming scan resume-me: 12 targets already done');
    expect(worker?.stats.scanned).toBe(12);
    expect(findingsOf(again.stdout)).toEqual(findingsOf(first.stdout));
    const stored = await captureScan([], {
      format: 'jsonl',
      quiet: true,
      queue: redis.url,
      scanId: 'resume-me',
      resultsOnly: true,
    });
    expect(stored.code).toBe(first.code);
    expect(findingsOf(stored.stdout)).toEqual(findingsOf(first.stdout));
    // A text report from the same stored results, as a local scan prints it.
    const text = await captureScan([], {
      format: 'text',
      color: false,
      queue: redis.url,
      scanId: 'resume-me',
      resultsOnly: true,
    });
    expect(text.stdout).toContain('origin-reflected');
  });

  it('stores the secrets only while targets remain, redacts them from stored results, and expires all after --keep', async () => {
    await startWorkers(1);
    const targets = lab.targets(4);
    const result = await captureScan(targets, {
      ...labFlags(),
      queue: redis.url,
      scanId: 'secret-scan',
      cookie: 'session=hunter2',
      header: ['X-Api-Key: k3y'],
      keep: '1h',
    });
    expect(targetLines(result.stdout)).toHaveLength(4);
    const keys = scanKeys('secret-scan');
    expect(await client.exists(keys.secrets)).toBe(0);
    for (const key of [keys.meta, keys.order, keys.index, keys.results]) {
      const ttl = await client.ttl(key);
      expect(ttl).toBeGreaterThan(3500);
      expect(ttl).toBeLessThanOrEqual(3600);
    }
    // Nothing in Redis holds the secrets any more (results are stored deflated: read them back).
    const stored = await captureScan([], {
      format: 'json',
      queue: redis.url,
      scanId: 'secret-scan',
      resultsOnly: true,
      showSecrets: true,
    });
    expect(stored.stdout).toContain('[redacted]');
    expect(stored.stdout).not.toContain('hunter2');
    expect(stored.stdout).not.toContain('k3y');
    const dump = (await client.keys('corsight:*')).join('\n');
    expect(dump).not.toContain('hunter2');
  });

  it('scans the application requests of a HAR (method, credentials) as a local scan does, keeping no credential', async () => {
    await startWorkers(1);
    const [first, second] = lab.targets(2);
    const entry = (method: string, url: string) => ({
      request: { method, url, headers: [{ name: 'Authorization', value: 'Bearer har-s3cret' }] },
    });
    const file = path.join(dir, 'app.har');
    await writeFile(
      file,
      JSON.stringify({ log: { entries: [entry('GET', first ?? ''), entry('POST', second ?? '')] } }),
    );
    const flags = { ...labFlags(), har: file, scope: ['*.corsight-lab.test', 'corsight-lab.test'] };
    const local = await captureScan([], flags);
    const queued = await captureScan([], { ...flags, queue: redis.url, scanId: 'from-har' });
    expect(findingsOf(queued.stdout)).toEqual(findingsOf(local.stdout));
    expect(targetLines(queued.stdout)).toHaveLength(2);
    const stored = await captureScan([], {
      format: 'json',
      queue: redis.url,
      scanId: 'from-har',
      resultsOnly: true,
      showSecrets: true,
    });
    expect(stored.stdout).not.toContain('har-s3cret');
    expect((await client.keys('corsight:targets:from-har*')).length).toBe(0);
  });

  it('refuses, naming the problem: other options for a scan id, an unknown scan, a bad URL, flags without --queue', async () => {
    await startWorkers(1);
    const targets = lab.targets(2);
    await captureScan(targets, { ...labFlags(), queue: redis.url, scanId: 'fixed' });
    await expect(
      captureScan(targets, { ...labFlags(), queue: redis.url, scanId: 'fixed', origin: ['https://app.example'] }),
    ).rejects.toThrow(
      new UsageError(
        "scan 'fixed' was started with other options (origins, headers, cookie, checks...): resume it with the same command, or give a new --scan-id",
      ),
    );
    await expect(captureScan([], { queue: redis.url, scanId: 'never-was', resultsOnly: true })).rejects.toThrow(
      /no scan 'never-was' in Redis/,
    );
    await expect(captureScan(targets, { queue: 'http://127.0.0.1:1' })).rejects.toThrow(
      /bad --queue 'http:\/\/127.0.0.1:1': the scheme must be redis: or rediss:/,
    );
    await expect(captureScan(targets, { queue: redis.url, scanId: 'a b' })).rejects.toThrow(/bad --scan-id 'a b'/);
    await expect(captureScan(targets, { scanId: 'x' })).rejects.toThrow('--scan-id needs --queue');
    await expect(captureScan(targets, { queue: redis.url, policy: 'policy.yaml' })).rejects.toThrow(
      /--policy is not available with --queue yet/,
    );
    await expect(captureScan(targets, { queue: redis.url, keep: 'forever' })).rejects.toThrow(/bad --keep 'forever'/);
  });

  it('records a target whose check crashes as that check failing, alone', async () => {
    const crashing: Check = {
      ...(allChecks[0] as Check),
      async run(ctx) {
        if (ctx.url.pathname.includes('/t/3/')) throw new TypeError('poisoned');
        return (allChecks[0] as Check).run(ctx);
      },
    };
    const checks = [crashing, ...allChecks.slice(1)];
    await startWorkers(1, checks);
    const targets = lab.targets(6);
    const local = await captureScan(targets, labFlags(), checks);
    const queued = await captureScan(targets, { ...labFlags(), queue: redis.url, scanId: 'poison' }, checks);
    expect(findingsOf(queued.stdout)).toEqual(findingsOf(local.stdout));
    const lines = targetLines(queued.stdout);
    expect(lines.filter((t) => t.status !== 'ok').map((t) => t.url)).toEqual([targets[3]]);
  });
});

describe('politeness across workers', () => {
  /** A server that answers like a reflecting API after `delay` ms and records concurrency and start times. */
  async function countingServer(delay: number) {
    let inFlight = 0;
    let maxInFlight = 0;
    const starts: number[] = [];
    const server = http.createServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      starts.push(performance.now());
      setTimeout(() => {
        inFlight--;
        const origin = req.headers.origin;
        if (origin !== undefined) res.setHeader('Access-Control-Allow-Origin', origin);
        res.end('{}');
      }, delay);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      stats: () => ({ maxInFlight, starts }),
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it('holds --per-host across workers: one host never sees more requests in flight than --per-host', async () => {
    const server = await countingServer(20);
    try {
      await startWorkers(3);
      const targets = Array.from({ length: 24 }, (_, i) => `${server.url}/api/${i}`);
      const result = await captureScan(targets, { format: 'jsonl', quiet: true, queue: redis.url, perHost: '2' });
      expect(targetLines(result.stdout)).toHaveLength(24);
      expect(server.stats().maxInFlight).toBeLessThanOrEqual(2);
      expect(server.stats().maxInFlight).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('holds --rate across workers: the starts of all workers together keep to the rate', async () => {
    const a = await countingServer(0);
    const b = await countingServer(0);
    try {
      await startWorkers(3);
      // Two hosts, so two workers send at once: only the shared schedule keeps them to the rate together.
      const targets = Array.from({ length: 6 }, (_, i) => `${i % 2 === 0 ? a.url : b.url}/api/${i}`);
      const result = await captureScan(targets, { format: 'jsonl', quiet: true, queue: redis.url, rate: '40' });
      expect(targetLines(result.stdout)).toHaveLength(6);
      const starts = [...a.stats().starts, ...b.stats().starts].sort((x, y) => x - y);
      expect(starts.length).toBeGreaterThan(60);
      // Over any run of 40 consecutive starts, at least 0.8 s passes (a late start may bunch with the next; two workers each at the rate would take 0.5 s).
      for (let i = 40; i < starts.length; i++) {
        expect((starts[i] ?? 0) - (starts[i - 40] ?? 0)).toBeGreaterThan(800);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
