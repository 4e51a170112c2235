/**
 * Distributed scanning benchmark: `npm run bench:distributed`.
 *
 * Scans N numbered copies of the lab's endpoints (default 10,000) over https with the full check set, once as a
 * local `corsight scan` and once per worker count (1, 2, 4 worker processes) as `corsight scan --queue` with
 * `corsight worker`s, all on this machine, against one lab process and one fresh redis-server. For each run it
 * prints targets/s, and from Redis's own counters (INFO stats and commandstats, reset before each run) the Redis
 * commands, the network bytes (in + out) and the memory per target: the numbers docs/distributed.md models a
 * million targets with. The targets spread over 64 host names of the lab (`h<n>.corsight-lab.test`), since one
 * worker at a time scans a host (`--per-host` holds across the cluster).
 *
 * Options: `--size N`, `--workers 1,2,4`, `--concurrency N` (per worker and for the local scan).
 * Build first (`npm run build`; the script does it); the CLI under test is ../dist/cli/main.js.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startLab } from '../dist/lab/index.js';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

interface LabInfo {
  httpsUrl: string;
  targets: string[];
}

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] !== undefined ? (process.argv[index + 1] ?? fallback) : fallback;
}

if (process.argv[2] === '--serve-lab') {
  const lab = await startLab();
  const size = Number(process.argv[3]);
  // 64 host names for one lab: a host is scanned by one worker at a time, so the workers need hosts to share.
  const targets = lab
    .targets(size)
    .map((url, i) => url.replace('://corsight-lab.test', `://h${i % 64}.corsight-lab.test`));
  process.send?.({ httpsUrl: lab.httpsUrl, targets } satisfies LabInfo);
  process.on('disconnect', () => void lab.close().then(() => process.exit(0)));
} else {
  await run();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

function cli(args: string[], stdio: 'ignore' | 'inherit' = 'ignore'): ChildProcess {
  return spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'ignore', stdio] });
}

function exit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function info(text: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(text);
  return match === null ? 0 : Number(match[1]);
}

async function run(): Promise<void> {
  const size = Number(flag('--size', '10000'));
  const workerCounts = flag('--workers', '1,2,4').split(',').map(Number);
  const concurrency = flag('--concurrency', '16');
  const dir = await mkdtemp(path.join(tmpdir(), 'corsight-bench-distributed-'));
  const port = await freePort();
  const redisServer = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: () => null });
  // Refused while redis-server starts: retried below.
  redis.on('error', () => undefined);
  for (let i = 0; ; i++) {
    try {
      await redis.connect();
      break;
    } catch {
      if (i > 50) throw new Error('redis-server did not start');
      redis.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const lab = fork(fileURLToPath(import.meta.url), ['--serve-lab', String(size)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const labInfo = await new Promise<LabInfo>((resolve) => lab.once('message', (m) => resolve(m as LabInfo)));
  const list = path.join(dir, 'targets.txt');
  await writeFile(list, `${labInfo.targets.join('\n')}\n`);
  const common = ['--insecure', '--resolve', '*.corsight-lab.test:127.0.0.1', '--input', list, '--format', 'jsonl'];

  console.log(
    `corsight bench:distributed — ${size} lab targets, concurrency ${concurrency} per process, ${availableParallelism()} CPUs`,
  );
  const rows: string[][] = [
    ['run', 'seconds', 'targets/s', 'Redis cmds/target', 'Redis bytes/target', 'Redis memory/target'],
  ];

  const started = performance.now();
  const local = cli(['scan', ...common, '--quiet', '--concurrency', concurrency, '--fail-on', 'none']);
  await exit(local);
  const localSeconds = (performance.now() - started) / 1000;
  rows.push(['local scan', localSeconds.toFixed(1), (size / localSeconds).toFixed(0), '-', '-', '-']);

  for (const count of workerCounts) {
    await redis.flushall();
    await redis.config('RESETSTAT');
    const memoryBefore = info(await redis.info('memory'), 'used_memory');
    const workers = Array.from({ length: count }, () => cli(['worker', '--queue', url, '--concurrency', concurrency]));
    // Let the workers connect before the clock starts (a cluster's workers are up before a scan).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const begin = performance.now();
    const coordinator = cli([
      'scan',
      ...common,
      '--queue',
      url,
      '--scan-id',
      `bench-${count}`,
      '--quiet',
      '--fail-on',
      'none',
    ]);
    await exit(coordinator);
    const seconds = (performance.now() - begin) / 1000;
    const stats = await redis.info('stats');
    const commands = info(stats, 'total_commands_processed');
    const bytes = info(stats, 'total_net_input_bytes') + info(stats, 'total_net_output_bytes');
    const memory = info(await redis.info('memory'), 'used_memory') - memoryBefore;
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(workers.map(exit));
    rows.push([
      `queue, ${count} worker${count === 1 ? '' : 's'}`,
      seconds.toFixed(1),
      (size / seconds).toFixed(0),
      (commands / size).toFixed(1),
      (bytes / size).toFixed(0),
      (memory / size).toFixed(0),
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
  console.log(
    'Redis cmds counts every command (a pipeline or script counts each one); bytes are network in + out at Redis;\nmemory is used_memory after the scan (results kept for --keep), per target.',
  );
  lab.disconnect();
  redis.disconnect();
  redisServer.kill('SIGTERM');
  await exit(redisServer);
  await rm(dir, { recursive: true, force: true });
}
