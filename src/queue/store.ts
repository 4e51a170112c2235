/**
 * A scan's records in Redis, and the few atomic steps on them (Lua scripts, so two workers or a worker and a
 * restarted coordinator never see half a step):
 * - `register`: a batch of targets joins the scan's order once each (deduplicated across batches and runs);
 * - `record`: a target's result is written once (HSETNX keyed by scan id + target key), counted once;
 * - the coordinator reads the order and the results back in batches, so a million targets never sit in
 *   a process's memory.
 * Results are stored deflated (JSON compresses about 8 to 1: the PoC pages and evidence repeat a lot).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import type { ScanTargetResult } from '../scanner/index.js';
import { QueueUsageError } from './errors.js';
import { scanKeys, workersKey, type ScanKeys } from './keys.js';
import { specFingerprint, type ScanSecrets, type ScanSpec } from './spec.js';

/** What a scan's meta record says. */
export interface ScanState {
  id: string;
  spec: ScanSpec;
  /** Seconds the scan's records are kept after its last result (`--keep`). */
  keep: number;
  /** Targets with a stored result. */
  done: number;
  /** Targets registered so far (the final count once `inputDone`). */
  registered: number;
  /** Whether the coordinator has registered the whole target list. */
  inputDone: boolean;
  /** Whether the scan's targets need the secrets record. */
  needsSecrets: boolean;
}

/** What `register` says of each target of a batch. */
export const Registration = {
  /** Already has its result: nothing to do. */
  Done: 0,
  /** New to the scan: enqueue it. */
  New: 1,
  /** Registered before, no result yet (a resumed scan): make sure its job exists. */
  Pending: 2,
} as const;
export type Registration = (typeof Registration)[keyof typeof Registration];

const registerScript = `
local out = {}
for i = 2, #ARGV do
  local k = ARGV[i]
  if redis.call('HSETNX', KEYS[1], k, '1') == 1 then
    redis.call('RPUSH', KEYS[2], k)
    out[#out + 1] = 1
  elseif redis.call('HEXISTS', KEYS[3], k) == 1 then
    out[#out + 1] = 0
  else
    out[#out + 1] = 2
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return out
`;

// A result for a scan that no longer exists (expired, deleted) is dropped rather than resurrecting its keys.
const recordScript = `
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
if redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], redis.call('HGET', KEYS[2], 'keep'))
end
redis.call('HINCRBY', KEYS[2], 'done', 1)
return 1
`;

interface StoreCommands {
  corsightRegister(index: string, order: string, results: string, keep: number, ...keys: string[]): Promise<number[]>;
  corsightRecord(results: string, meta: string, key: string, blob: Buffer): Promise<number>;
}

/** Adds the scripts to a connection once (ioredis sends EVALSHA, and the script text only when Redis lacks it). */
function commands(redis: Redis): Redis & StoreCommands {
  const withCommands = redis as Redis & Partial<StoreCommands>;
  if (withCommands.corsightRegister === undefined) {
    redis.defineCommand('corsightRegister', { numberOfKeys: 3, lua: registerScript });
    redis.defineCommand('corsightRecord', { numberOfKeys: 2, lua: recordScript });
  }
  return redis as Redis & StoreCommands;
}

export function encodeResult(result: ScanTargetResult): Buffer {
  return deflateRawSync(JSON.stringify(result));
}

export function decodeResult(blob: Buffer): ScanTargetResult {
  const result = JSON.parse(inflateRawSync(blob).toString('utf8')) as ScanTargetResult;
  // A result stored by an earlier corsight kept a list of probes per check instead of one trace and indexes
  // (results live for --keep days, and workers may be upgraded before the coordinator): reported without them.
  const probes: unknown = result.checkProbes;
  if (probes !== undefined && !Array.isArray((probes as { trace?: unknown }).trace)) delete result.checkProbes;
  return result;
}

function parseState(id: string, meta: Record<string, string>): ScanState {
  return {
    id,
    spec: JSON.parse(meta.spec ?? '{}') as ScanSpec,
    keep: Number(meta.keep ?? 0),
    done: Number(meta.done ?? 0),
    registered: Number(meta.registered ?? 0),
    inputDone: meta.input === 'done',
    needsSecrets: meta.secrets === '1',
  };
}

/** One scan's records, through one connection. */
export class ScanStore {
  readonly keys: ScanKeys;
  private readonly redis: Redis & StoreCommands;

  constructor(
    redis: Redis,
    readonly id: string,
  ) {
    this.keys = scanKeys(id);
    this.redis = commands(redis);
  }

  /** The scan's state, or undefined when there is no such scan (never created, expired or deleted). */
  async state(): Promise<ScanState | undefined> {
    const meta = await this.redis.hgetall(this.keys.meta);
    if (meta.spec === undefined) return undefined;
    return parseState(this.id, meta);
  }

  /**
   * Creates the scan, or finds it again to resume it. Refuses to resume with other options (their fingerprint
   * differs): one report would mix two scans. Stores the secrets while targets remain.
   */
  async openForScan(spec: ScanSpec, secrets: ScanSecrets, keep: number, needsSecrets: boolean): Promise<ScanState> {
    const fingerprint = specFingerprint(this.id, spec, secrets);
    const created = await this.redis.hsetnx(this.keys.meta, 'fingerprint', fingerprint);
    if (created === 1) {
      await this.redis
        .multi()
        .hset(this.keys.meta, {
          v: '1',
          spec: JSON.stringify(spec),
          keep: String(keep),
          done: '0',
          registered: '0',
          input: 'reading',
          secrets: needsSecrets ? '1' : '0',
          created: new Date().toISOString(),
        })
        .expire(this.keys.meta, keep)
        .exec();
    } else {
      const stored = await this.redis.hget(this.keys.meta, 'fingerprint');
      if (stored !== fingerprint) {
        throw new QueueUsageError(
          `scan '${this.id}' was started with other options (origins, headers, cookie, checks...): resume it with the same command, or give a new --scan-id`,
        );
      }
      // --keep may change on a resumed run; the list is read again (and may have grown) before the scan ends.
      await this.redis.hset(this.keys.meta, { keep: String(keep), input: 'reading' });
    }
    const state = await this.state();
    if (state === undefined) throw new Error(`scan '${this.id}' vanished while it was opened`);
    if (needsSecrets && !(state.inputDone && state.done >= state.registered)) {
      await this.redis.set(this.keys.secrets, JSON.stringify(secrets), 'EX', keep);
    }
    return state;
  }

  /** The secrets, when stored. */
  async secrets(): Promise<ScanSecrets | undefined> {
    const text = await this.redis.get(this.keys.secrets);
    return text === null ? undefined : (JSON.parse(text) as ScanSecrets);
  }

  /** Registers a batch of target keys; says of each whether to enqueue it (see `Registration`). */
  async register(keys: readonly string[], keep: number): Promise<Registration[]> {
    if (keys.length === 0) return [];
    const flags = await this.redis.corsightRegister(this.keys.index, this.keys.order, this.keys.results, keep, ...keys);
    return flags as Registration[];
  }

  /** Records the whole target list as registered: from now on, the scan is finished when `done` reaches it. */
  async finishInput(): Promise<number> {
    const total = await this.redis.llen(this.keys.order);
    await this.redis.hset(this.keys.meta, { input: 'done', registered: String(total) });
    return total;
  }

  /** Targets registered so far (the order's length) and results stored. */
  async counts(): Promise<{ registered: number; done: number }> {
    const [registered, done] = await Promise.all([
      this.redis.llen(this.keys.order),
      this.redis.hget(this.keys.meta, 'done'),
    ]);
    return { registered, done: Number(done ?? 0) };
  }

  /** Writes a target's result unless one is there: 'written', 'duplicate' (kept the first), or 'no-scan'. */
  async record(key: string, result: ScanTargetResult): Promise<'written' | 'duplicate' | 'no-scan'> {
    const outcome = await this.redis.corsightRecord(this.keys.results, this.keys.meta, key, encodeResult(result));
    return outcome === 1 ? 'written' : outcome === 0 ? 'duplicate' : 'no-scan';
  }

  async hasResult(key: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.results, key)) === 1;
  }

  /** Target keys at positions `start` to `start + count - 1` of the order. */
  async orderRange(start: number, count: number): Promise<string[]> {
    return this.redis.lrange(this.keys.order, start, start + count - 1);
  }

  /** The stored results of `keys` (undefined where none yet). */
  async results(keys: readonly string[]): Promise<(ScanTargetResult | undefined)[]> {
    if (keys.length === 0) return [];
    const blobs = await this.redis.hmgetBuffer(this.keys.results, ...keys);
    return blobs.map((blob) => (blob === null ? undefined : decodeResult(blob)));
  }

  /**
   * Ends the scan: the secrets are deleted (no target needs them any more) and every record is kept `keep`
   * seconds from now, then expires.
   */
  async finish(keep: number): Promise<void> {
    const k = this.keys;
    await this.redis
      .multi()
      .del(k.secrets, k.rate)
      .hset(k.meta, 'finished', new Date().toISOString())
      .expire(k.meta, keep)
      .expire(k.index, keep)
      .expire(k.order, keep)
      .expire(k.results, keep)
      .exec();
  }
}

/** Workers whose heartbeat is recent (`within` ms): the coordinator's "workers alive". */
export async function liveWorkers(redis: Redis, within = 15_000): Promise<number> {
  const now = Date.now();
  return redis.zcount(workersKey, now - within, '+inf');
}
