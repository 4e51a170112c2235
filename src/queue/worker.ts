/**
 * `corsight worker`: a long-running process that takes targets from the BullMQ queue and scans them with the
 * scanner and the options their coordinator stored (`spec.ts`). One worker serves any number of scans.
 *
 * Exactly one result per target: a result is written with HSETNX keyed by scan id + target key (`store.ts`),
 * so a target scanned twice (its worker died after writing, the job ran again) keeps its first result. A
 * target whose worker died or hung while scanning it is handed to another by BullMQ's stalled-job check; one
 * that stalled its worker `maxCrashes` times is recorded as an error instead of killing a third.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DelayedError, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import {
  createScanRun,
  type Check,
  type ScanRun,
  type ScanTarget,
  type ScanTargetResult,
  type TargetRequest,
} from '../scanner/index.js';
import { parseQueueUrl, redactQueueUrl } from './connection.js';
import { QueueUsageError } from './errors.js';
import { queueName, queuePrefix, workersKey } from './keys.js';
import { ClusterRate, HostLeases, hostOf } from './politeness.js';
import { defaultRedactedHeaders, redactExchange } from '../scanner/report/index.js';
import { scanOptionsOf, secretHeaderNames } from './spec.js';
import { ScanStore } from './store.js';

/** A job: one target of one scan. */
export interface TargetJob {
  scan: string;
  key: string;
  url: string;
  /**
   * The application's own request to the URL (from --har or --openapi): method, headers, preflight. Its headers
   * may carry credentials; the job, and so they, leave Redis when the target is done.
   */
  request?: TargetRequest;
}

export interface QueueWorkerOptions {
  /** `redis://[user:pass@]host:port[/db]` or `rediss://...`. */
  queue: string;
  /** Targets scanned at once (default 16). */
  concurrency?: number;
  /**
   * How often, in ms, this worker looks for targets a dead worker held (default 30 s); a job's lock lasts twice
   * that, so a killed worker's targets are scanned again within two to three intervals.
   */
  stalledInterval?: number;
  /** Replaces the built-in check set (tests); `--checks` still selects among them. */
  checks?: readonly Check[];
  /** One line of log on stderr (connection trouble, shutdown). */
  log?: (line: string) => void;
}

export interface QueueWorker {
  readonly id: string;
  /** Targets this worker scanned and recorded. */
  readonly stats: { scanned: number; duplicates: number; deferred: number };
  /** Stops taking targets, finishes those in flight, and disconnects. */
  close(): Promise<void>;
}

/** A target that stalled this many workers is recorded as an error, not handed to another. */
export const maxCrashes = 2;

/** A scan as one worker holds it: its scanner, its records, its share of the cluster's budgets. */
interface ScanContext {
  store: ScanStore;
  /** Request headers whose values are redacted before a result is stored (empty with --show-secrets). */
  redact: ReadonlySet<string>;
  run: ScanRun;
  leases: HostLeases;
  rate: ClusterRate | undefined;
  lastUsed: number;
  active: number;
}

/** The result with the secret request headers of its evidence replaced by `[redacted]`, as reports print them. */
function withoutSecrets(result: ScanTargetResult, redact: ReadonlySet<string>): ScanTargetResult {
  if (redact.size === 0) return result;
  return {
    ...result,
    findings: result.findings.map((finding) => ({ ...finding, evidence: redactExchange(finding.evidence, redact) })),
  };
}

function errorResult(url: string, error: string): ScanTargetResult {
  return {
    url,
    status: 'error',
    error,
    findings: [],
    checks: [],
    probes: { sent: 0, answered: 0, failed: 0, rateLimited: 0, retried: 0 },
    requests: 0,
  };
}

/** Starts a worker; it runs until `close()`. Rejects when Redis cannot be reached within a few seconds. */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const connection: RedisOptions = parseQueueUrl(options.queue);
  const log = options.log ?? (() => undefined);
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const concurrency = options.concurrency ?? 16;
  const stalledInterval = options.stalledInterval ?? 30_000;
  const redis = new Redis({ ...connection, lazyConnect: true });
  await connect(redis, options.queue);
  // From here on, connection trouble is one line when it starts and one when it ends (connect reports its own).
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) log(`lost Redis at ${redactQueueUrl(options.queue)} (${error.message}); reconnecting`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) log('Redis is back');
    down = false;
  });

  const stats = { scanned: 0, duplicates: 0, deferred: 0 };
  const contexts = new Map<string, Promise<ScanContext | undefined>>();

  async function openContext(scanId: string): Promise<ScanContext | undefined> {
    const store = new ScanStore(redis, scanId);
    const state = await store.state();
    if (state === undefined) return undefined;
    const secrets = state.needsSecrets ? await store.secrets() : undefined;
    if (state.needsSecrets && secrets === undefined) return undefined;
    const scanOptions = scanOptionsOf(state.spec, secrets);
    const rate =
      state.spec.rate !== undefined && state.spec.rate > 0
        ? new ClusterRate(redis, store.keys.rate, state.spec.rate)
        : undefined;
    const run = await createScanRun({
      ...scanOptions,
      // The scan's --rate is the cluster's (ClusterRate), not each worker's.
      rate: 0,
      ...(rate === undefined ? {} : { requestGate: (signal?: AbortSignal) => rate.take(signal) }),
      ...(options.checks === undefined ? {} : { checks: options.checks }),
      ...(state.spec.confirm ? { confirm: true } : {}),
      concurrency,
      order: 'completion',
    });
    const redact = new Set(
      state.spec.showSecrets === true
        ? []
        : secrets === undefined
          ? defaultRedactedHeaders
          : secretHeaderNames(secrets),
    );
    // A killed worker's hosts are free again within two stalled intervals (at most 10 s).
    const leaseMs = Math.min(10_000, Math.max(1_000, stalledInterval * 2));
    return { store, redact, run, leases: new HostLeases(redis, id, leaseMs), rate, lastUsed: Date.now(), active: 0 };
  }

  function contextOf(scanId: string): Promise<ScanContext | undefined> {
    let context = contexts.get(scanId);
    if (context === undefined) {
      context = openContext(scanId);
      contexts.set(scanId, context);
      // A scan that could not be opened (gone, or Redis away) is looked up again by its next target.
      context.then(
        (c) => c === undefined && contexts.delete(scanId),
        () => contexts.delete(scanId),
      );
    }
    return context;
  }

  async function scanOne(run: ScanRun, target: ScanTarget, url: string): Promise<ScanTargetResult> {
    try {
      for await (const result of run.scan([target])) return result;
      return errorResult(url, 'the scanner returned no result');
    } catch (error) {
      // The scanner never rejects for a target's behaviour; this is a crash, and it fails this target alone.
      return errorResult(
        url,
        `the scan of this target crashed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  async function processTarget(job: Job<TargetJob>, token?: string): Promise<string> {
    const { scan, key, url, request } = job.data;
    const context = await contextOf(scan);
    // The scan expired or was deleted (or finished and dropped its secrets): nothing to write to.
    if (context === undefined) return 'no-scan';
    context.lastUsed = Date.now();
    if (await context.store.hasResult(key)) {
      stats.duplicates++;
      return 'duplicate';
    }
    if (job.stalledCounter >= maxCrashes) {
      await context.store.record(
        key,
        errorResult(
          url,
          `the worker scanning this target stopped (killed or hung) ${job.stalledCounter} times; not retried`,
        ),
      );
      return 'poisoned';
    }
    const lease = `${context.store.keys.hostLease}${hostOf(url)}`;
    const wait = await context.leases.acquire(lease);
    if (wait > 0) {
      // Another worker is sending to this host: try again once its lease may have ended.
      stats.deferred++;
      await job.moveToDelayed(Date.now() + Math.min(wait, 250) + Math.floor(Math.random() * 50), token);
      throw new DelayedError();
    }
    context.active++;
    try {
      // The request's own headers (credentials from a HAR) are redacted like --header values.
      const redact =
        request?.headers === undefined || context.redact.size === 0
          ? context.redact
          : new Set([...context.redact, ...request.headers.map(([name]) => name.toLowerCase())]);
      const result = withoutSecrets(await scanOne(context.run, request ?? url, url), redact);
      const written = await context.store.record(key, result);
      if (written === 'written') stats.scanned++;
      else stats.duplicates++;
      return written;
    } finally {
      context.active--;
      context.lastUsed = Date.now();
      await context.leases.release(lease);
    }
  }

  const worker = new Worker<TargetJob, string>(queueName, processTarget, {
    connection,
    prefix: queuePrefix,
    concurrency,
    stalledInterval,
    lockDuration: stalledInterval * 2,
    // BullMQ fails a job that stalled more often than this; ours records it as an error first (maxCrashes).
    maxStalledCount: maxCrashes + 1,
    autorun: false,
  });
  worker.on('error', (error) => {
    if (!down) log(`queue error: ${error.message}`);
  });
  worker.on('failed', (job, error) => {
    // A job fails only when its result could not be written (Redis trouble past the retries): record an error
    // when Redis allows, so the coordinator is never left waiting for it.
    if (job === undefined) return;
    const { scan, key, url } = job.data;
    log(`${url} (scan ${scan}): ${error.message} (attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1})`);
    if (job.attemptsMade < (job.opts.attempts ?? 1)) return;
    void new ScanStore(redis, scan)
      .record(key, errorResult(url, `could not record the result: ${error.message}`))
      .catch(() => undefined);
  });
  let closing = false;
  worker.run().catch((error: unknown) => {
    if (!closing) log(`queue error: ${error instanceof Error ? error.message : String(error)}`);
  });
  // Both of BullMQ's connections are up before the worker says it is taking targets: a worker closed while its
  // blocking connection was still connecting left ioredis's "Connection is closed." as an unhandled rejection
  // (taskforcesh/bullmq#2437, #3546).
  await worker.waitUntilReady();

  const heartbeat = async () => {
    const now = Date.now();
    await redis
      .multi()
      .zadd(workersKey, now, id)
      .zremrangebyscore(workersKey, '-inf', now - 3_600_000)
      .exec()
      .catch(() => undefined);
    // Scans this worker has not served for a while: close their pools (they reopen on their next target).
    for (const [scanId, pending] of contexts) {
      const context = await pending.catch(() => undefined);
      if (context?.active === 0 && now - context.lastUsed > 60_000) {
        contexts.delete(scanId);
        context.leases.close();
        await context.run.close();
      }
    }
  };
  await heartbeat();
  const beat = setInterval(() => void heartbeat(), 5_000);
  beat.unref();

  return {
    id,
    stats,
    async close() {
      closing = true;
      clearInterval(beat);
      await worker.close();
      for (const pending of contexts.values()) {
        const context = await pending.catch(() => undefined);
        context?.leases.close();
        await context?.run.close();
      }
      contexts.clear();
      await redis.zrem(workersKey, id).catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** Connects, or rejects with one line naming the address when Redis does not answer within 10 s. */
export async function connect(redis: Redis, url: string): Promise<void> {
  let last = '';
  const onError = (error: Error) => (last = error.message);
  redis.on('error', onError);
  const connected = redis.connect().then(() => redis.ping());
  // Settled either way, so the disconnect below never leaves an unhandled rejection.
  connected.catch(() => undefined);
  try {
    await Promise.race([
      connected,
      new Promise((_, reject) =>
        setTimeout(
          () =>
            reject(
              new QueueUsageError(`cannot reach Redis at ${redactQueueUrl(url)}${last === '' ? '' : `: ${last}`}`),
            ),
          10_000,
        ).unref(),
      ),
    ]);
  } catch (error) {
    redis.disconnect();
    if (error instanceof QueueUsageError) throw error;
    // A refused password or a TLS failure closes the connection: say what Redis or the socket said.
    const reason = last === '' ? (error instanceof Error ? error.message : String(error)) : last;
    throw new QueueUsageError(`cannot connect to Redis at ${redactQueueUrl(url)}: ${reason}`);
  } finally {
    redis.off('error', onError);
  }
}
