/**
 * `corsight scan --queue`: the coordinator. It registers the targets in Redis (deduplicated, in batches, so a
 * million-line list enqueues with flat memory, and at most `window` targets wait in the queue at once), and
 * reads the results back in the targets' order as workers write them, for the same reporters a local scan
 * feeds. Running it again with the same scan id resumes: targets already done are not enqueued again, and
 * their stored results are reported.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { resolveScanOptions, selectedChecks } from '../scanner/options.js';
import {
  checks as allChecks,
  type Check,
  type ScanOptions,
  type ScanTarget,
  type ScanTargetResult,
} from '../scanner/index.js';
import { parseQueueUrl } from './connection.js';
import { QueueUsageError } from './errors.js';
import { checkScanId, jobId, newScanId, queueName, queuePrefix, targetKey } from './keys.js';
import { hasSecrets, splitScanOptions } from './spec.js';
import { liveWorkers, Registration, ScanStore, type ScanState } from './store.js';
import type { TargetJob } from './worker.js';
import { connect } from './worker.js';

/** Seven days, `--keep`'s default. */
export const defaultKeepSeconds = 7 * 24 * 3600;

export interface QueueScanOptions {
  /** `redis://...` or `rediss://...`. */
  queue: string;
  /** Names the scan (resume); a fresh id is generated when absent. */
  scanId?: string;
  /** Report a finished scan's stored results; enqueue nothing. */
  resultsOnly?: boolean;
  /** Seconds the records are kept after the scan ends (default 7 days). */
  keep?: number;
  /** The scan's options, as the CLI parsed them (validated here as a local scan validates them). */
  scan: Partial<ScanOptions>;
  confirm?: boolean;
  /** `--show-secrets`: stored results keep the secret header values (redacted before storing otherwise). */
  showSecrets?: boolean;
  /** The check set (the built-in one unless tests replace it); `scan.select` narrows it. */
  checks?: readonly Check[];
  /** Stops reporting (the scan goes on in the workers, to resume later). */
  signal?: AbortSignal;
  /** A line on stderr: the scan id, progress, hints. */
  log?: (line: string) => void;
  /** Milliseconds between progress lines (0: none). */
  progressEvery?: number;
  /** Targets enqueued but not done at most (Redis memory stays flat); default 20,000. */
  window?: number;
}

/** A scan on the queue, as `runScan` drives a local run: its checks, and its results in input order. */
export interface QueueScan {
  readonly id: string;
  readonly checks: readonly Check[];
  scan(targets: Iterable<ScanTarget> | AsyncIterable<ScanTarget>): AsyncGenerator<ScanTargetResult, void, undefined>;
  close(): Promise<void>;
}

const batchSize = 500;
const readBatch = 256;

/** Opens a scan on the queue: validates the options, connects, and (for `resultsOnly`) checks the scan is done. */
export async function openQueueScan(options: QueueScanOptions): Promise<QueueScan> {
  const connection = parseQueueUrl(options.queue);
  const generated = options.scanId === undefined;
  const id = options.scanId === undefined ? newScanId() : checkScanId(options.scanId);
  if (options.resultsOnly === true && generated) {
    throw new QueueUsageError('--results-only needs the --scan-id of the scan to report');
  }
  const keep = options.keep ?? defaultKeepSeconds;
  const checks = options.checks ?? allChecks;
  // The same validation as a local scan (ScanOptionError names the bad option) before anything is stored.
  const resolved = resolveScanOptions({ ...options.scan, checks });
  const { spec, secrets } = splitScanOptions(options.scan, options.confirm === true, options.showSecrets === true);
  const log = options.log ?? (() => undefined);

  const redis = new Redis({ ...connection, lazyConnect: true });
  await connect(redis, options.queue);
  // From here on, connection trouble is one line when it starts and one when it ends (connect reports its own).
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) log(`lost Redis (${error.message}); waiting for it to come back`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) log('Redis is back');
    down = false;
  });
  const store = new ScanStore(redis, id);
  let selected = selectedChecks(resolved);

  if (options.resultsOnly === true) {
    const state = await store.state();
    if (state === undefined) {
      redis.disconnect();
      throw new QueueUsageError(`no scan '${id}' in Redis (never started, or its records expired after --keep)`);
    }
    if (!state.inputDone || state.done < state.registered) {
      redis.disconnect();
      throw new QueueUsageError(
        `scan '${id}' is not finished (${state.done} of ${state.inputDone ? state.registered : `${state.registered} or more`} targets done): run the same scan command with --scan-id ${id} to resume and report it`,
      );
    }
    selected = selectedChecks({ checks, select: state.spec.select });
  } else if (generated) {
    log(`scan id ${id} (run again with --scan-id ${id} to resume it, or --results-only to report it)`);
  }

  const close = async (queue?: Queue) => {
    await queue?.close();
    redis.disconnect();
  };
  if (options.resultsOnly === true) {
    return { id, checks: selected, scan: () => report(store, Promise.resolve(), options), close: () => close() };
  }
  let state: ScanState;
  try {
    state = await store.openForScan(spec, secrets, keep, hasSecrets(secrets));
  } catch (error) {
    await close();
    throw error;
  }
  const queue = new Queue<TargetJob>(queueName, { connection, prefix: queuePrefix });
  // Connection trouble is reported once by the store's connection (above); BullMQ's own copy is noise.
  queue.on('error', () => undefined);
  return {
    id,
    checks: selected,
    scan: (targets) => coordinate(store, state, queue, targets, keep, options, log, redis),
    close: () => close(queue),
  };
}

/** Enqueues the targets and reports their results; finishes the scan when the last result is in. */
async function* coordinate(
  store: ScanStore,
  state: ScanState,
  queue: Queue<TargetJob>,
  targets: Iterable<ScanTarget> | AsyncIterable<ScanTarget>,
  keep: number,
  options: QueueScanOptions,
  log: (line: string) => void,
  redis: Redis,
): AsyncGenerator<ScanTargetResult, void, undefined> {
  if (state.done > 0) log(`resuming scan ${store.id}: ${state.done} targets already done`);
  const stop = new AbortController();
  const enqueued = enqueue(store, queue, targets, keep, options.window ?? 20_000, stop.signal);
  // Reported by the reading loop when it needs it; never an unhandled rejection meanwhile.
  enqueued.catch(() => undefined);
  const progress = startProgress(store, redis, options, log);
  try {
    yield* report(store, enqueued, options);
    if (options.signal?.aborted !== true) await store.finish(keep);
  } finally {
    stop.abort();
    progress.stop();
    await enqueued.catch(() => undefined);
  }
  if (options.signal?.aborted === true) {
    log(
      `scan ${store.id} goes on in the workers: run the same command with --scan-id ${store.id} to resume, or --results-only when it is done`,
    );
  }
}

/** A target's job: its URL, and the application's request when it came from --har or --openapi. */
function jobData(scan: string, key: string, target: ScanTarget): TargetJob {
  return typeof target === 'string' ? { scan, key, url: target } : { scan, key, url: target.url, request: target };
}

/**
 * Registers the targets in batches and adds a job for each one without a result. Resolves with the number of
 * targets of the scan once the whole list is registered.
 */
async function enqueue(
  store: ScanStore,
  queue: Queue<TargetJob>,
  targets: Iterable<ScanTarget> | AsyncIterable<ScanTarget>,
  keep: number,
  window: number,
  signal: AbortSignal,
): Promise<number> {
  let batch = new Map<string, ScanTarget>();
  const flush = async () => {
    if (batch.size === 0) return;
    const keys = [...batch.keys()];
    const flags = await store.register(keys, keep);
    const jobs = keys
      .filter((_, i) => flags[i] !== Registration.Done)
      .map((key) => ({
        name: 'target',
        data: jobData(store.id, key, batch.get(key) ?? ''),
        opts: {
          jobId: jobId(store.id, key),
          removeOnComplete: true,
          removeOnFail: true,
          attempts: 3,
          backoff: { type: 'exponential', delay: 1_000 },
        },
      }));
    if (jobs.length > 0) await queue.addBulk(jobs);
    batch = new Map();
    // Keep Redis flat: no more than `window` targets wait in the queue (a job holds the URL and BullMQ's state).
    for (;;) {
      const { registered, done } = await store.counts();
      if (registered - done <= window || signal.aborted) break;
      await sleep(200);
    }
  };
  for await (const target of targets) {
    if (signal.aborted) break;
    batch.set(targetKey(target), target);
    if (batch.size >= batchSize) await flush();
  }
  await flush();
  return store.finishInput();
}

/**
 * Yields the results in the order the targets were first registered, as they are stored: a target not done
 * yet holds back the ones after it (they wait in Redis, not in memory). Ends when every registered target is
 * reported and the list is complete, or when the signal aborts.
 */
async function* report(
  store: ScanStore,
  enqueued: Promise<unknown>,
  options: QueueScanOptions,
): AsyncGenerator<ScanTargetResult, void, undefined> {
  const input: { done: boolean; failure?: Error } = { done: false };
  enqueued.then(
    () => (input.done = true),
    (error: unknown) => (input.failure = error instanceof Error ? error : new Error(String(error))),
  );
  const aborted = () => options.signal?.aborted === true;
  let cursor = 0;
  let lastDone = -1;
  for (;;) {
    if (aborted()) return;
    if (input.failure !== undefined) throw input.failure;
    const { registered, done } = await store.counts();
    // Read only when a result came in since the last look: a slow head target costs one small read a tick.
    if (cursor < registered && done !== lastDone) {
      lastDone = done;
      while (cursor < registered) {
        const keys = await store.orderRange(cursor, readBatch);
        const results = await store.results(keys);
        let emitted = 0;
        for (const result of results) {
          if (result === undefined) break;
          emitted++;
          cursor++;
          yield result;
          if (aborted()) return;
        }
        if (keys.length === 0 || emitted < keys.length) break;
      }
    }
    if (cursor >= registered && (input.done || (await isInputDone(store)))) {
      // The list is complete: done once the count read after that still has nothing left to report.
      if (cursor >= (await store.counts()).registered) return;
      continue;
    }
    await sleep(100);
  }
}

async function isInputDone(store: ScanStore): Promise<boolean> {
  return (await store.state())?.inputDone === true;
}

/** Prints `workers alive, done/total, targets/s` every `progressEvery` ms. */
function startProgress(
  store: ScanStore,
  redis: Redis,
  options: QueueScanOptions,
  log: (line: string) => void,
): { stop(): void } {
  const every = options.progressEvery ?? 0;
  if (every <= 0) return { stop: () => undefined };
  const started = performance.now();
  let first: number | undefined;
  let idle = 0;
  const timer = setInterval(() => {
    void (async () => {
      const [state, workers] = await Promise.all([store.state(), liveWorkers(redis)]);
      if (state === undefined) return;
      first ??= state.done;
      const seconds = (performance.now() - started) / 1000;
      const rate = (state.done - first) / Math.max(0.001, seconds);
      const total = state.inputDone ? String(state.registered) : `${state.registered}+`;
      log(
        `scan ${store.id}: ${workers} worker${workers === 1 ? '' : 's'} alive, ${state.done}/${total} targets done, ${rate.toFixed(1)} targets/s`,
      );
      idle = workers === 0 ? idle + 1 : 0;
      if (idle === 3) log(`no worker is alive: start one with corsight worker --queue <the same URL>`);
    })().catch(() => undefined);
  }, every);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
