/**
 * Politeness across the cluster: `--per-host` and `--rate` hold for all workers of a scan together, so adding
 * workers never hits one host harder. BullMQ's own rate limiter counts jobs (targets) per queue, and its
 * per-group limits are BullMQ Pro's, so the budgets are two small Redis structures of the scan's own:
 * - a host lease: one worker at a time sends to a host (host:port); within it the worker's own `--per-host`
 *   window applies, so the host never sees more than `--per-host` requests in flight from the whole cluster.
 *   A lease expires `leaseMs` after its holder's last renewal, so a killed worker frees its hosts.
 * - a request-slot schedule for `--rate`: the next free start time, in Redis's clock; a worker takes the
 *   slots it needs now (a batch, one round trip), each `1000 / rate` ms after the previous one, and starts
 *   each request at its slot. Slots are handed out once, so the starts of the whole cluster are spaced as
 *   one process's would be.
 */
import type { Redis } from 'ioredis';
import { sleep } from '../net/index.js';

const acquireScript = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 0
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = tonumber(ARGV[2]) end
return ttl
`;

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

// TIME is the one clock every worker shares; Redis 7 replicates the script's effects, not the script.
const slotsScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextSlot = tonumber(redis.call('GET', KEYS[1]) or '0')
if nextSlot < now then nextSlot = now end
local interval = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
redis.call('SET', KEYS[1], tostring(nextSlot + interval * count), 'PX', ARGV[3])
return {tostring(nextSlot), tostring(now)}
`;

interface PolitenessCommands {
  corsightLease(key: string, holder: string, ttl: number): Promise<number>;
  corsightRelease(key: string, holder: string): Promise<number>;
  corsightSlots(key: string, interval: string, count: number, ttl: number): Promise<[string, string]>;
}

function commands(redis: Redis): Redis & PolitenessCommands {
  const withCommands = redis as Redis & Partial<PolitenessCommands>;
  if (withCommands.corsightLease === undefined) {
    redis.defineCommand('corsightLease', { numberOfKeys: 1, lua: acquireScript });
    redis.defineCommand('corsightRelease', { numberOfKeys: 1, lua: releaseScript });
    redis.defineCommand('corsightSlots', { numberOfKeys: 1, lua: slotsScript });
  }
  return redis as Redis & PolitenessCommands;
}

/** The host (host:port) a target's requests go to: what `--per-host` counts. */
export function hostOf(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port !== '' ? parsed.port : parsed.protocol === 'https:' ? '443' : '80';
  return `${parsed.hostname}:${port}`;
}

/** A worker's leases on hosts, per scan: taken for a target, renewed while held, released when unused. */
export class HostLeases {
  private readonly redis: Redis & PolitenessCommands;
  /** Lease key -> targets of this worker using it. */
  private readonly held = new Map<string, number>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    redis: Redis,
    private readonly holder: string,
    private readonly leaseMs = 15_000,
  ) {
    this.redis = commands(redis);
    this.timer = setInterval(() => void this.renew(), Math.max(250, Math.floor(leaseMs / 3)));
    this.timer.unref();
  }

  /**
   * Takes (or shares, within this worker) the lease of `key`. Resolves 0 when held, or the milliseconds until
   * another worker's lease could end: the caller puts the target back and tries later.
   */
  async acquire(key: string): Promise<number> {
    const users = this.held.get(key);
    if (users !== undefined) {
      this.held.set(key, users + 1);
      return 0;
    }
    const wait = await this.redis.corsightLease(key, this.holder, this.leaseMs);
    if (wait !== 0) return wait;
    this.held.set(key, (this.held.get(key) ?? 0) + 1);
    return 0;
  }

  /** Gives back one use; the last one releases the lease at once, for the next worker. */
  async release(key: string): Promise<void> {
    const users = (this.held.get(key) ?? 1) - 1;
    if (users > 0) {
      this.held.set(key, users);
      return;
    }
    this.held.delete(key);
    await this.redis.corsightRelease(key, this.holder).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    for (const key of this.held.keys()) {
      // Renewed with the same script: a lease lost while Redis was away is taken back if still free.
      await this.redis.corsightLease(key, this.holder, this.leaseMs).catch(() => undefined);
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}

/**
 * The cluster-wide `--rate` of one scan, as a gate each request start passes: it waits for this worker's next
 * slot, taking a batch of slots from Redis (as many as requests are waiting) when it has none.
 */
export class ClusterRate {
  private readonly redis: Redis & PolitenessCommands;
  private readonly interval: number;
  /** This worker's slots, as local `performance.now()` times, earliest first. */
  private slots: number[] = [];
  private waiting = 0;
  private fetching: Promise<void> | undefined;
  /** Slots handed out by Redis (for tests and the bench). */
  taken = 0;

  constructor(
    redis: Redis,
    private readonly key: string,
    perSecond: number,
  ) {
    this.redis = commands(redis);
    this.interval = 1000 / perSecond;
  }

  /** Waits for a slot; rejects with the signal's reason if it aborts first. */
  async take(signal?: AbortSignal): Promise<void> {
    this.waiting++;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const slot = this.slots.shift();
        if (slot !== undefined) {
          const wait = slot - performance.now();
          if (wait > 0) await sleep(wait, signal);
          return;
        }
        this.fetching ??= this.fetch().finally(() => (this.fetching = undefined));
        await this.fetching;
      }
    } finally {
      this.waiting--;
    }
  }

  private async fetch(): Promise<void> {
    // No more than a quarter second's worth at once: slots a worker takes and cannot use are lost to the cluster.
    const count = Math.max(1, Math.min(this.waiting, Math.ceil(250 / this.interval)));
    const [first, now] = await this.redis.corsightSlots(this.key, String(this.interval), count, 60_000);
    const offset = performance.now() - Number(now);
    for (let i = 0; i < count; i++) this.slots.push(Number(first) + i * this.interval + offset);
    this.taken += count;
  }
}
