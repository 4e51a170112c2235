/**
 * The scanner's flow control: how many things run at once (globally, per host) and how fast requests start.
 * Waiters queue in FIFO order so no target starves; every wait can be abandoned through an AbortSignal so a
 * failed or timed-out target releases its place at once.
 */

const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `fn` once when `signal` aborts; returns the unsubscribe function. Every subscriber of a signal shares
 * one real 'abort' listener: a target's signal is watched by each of its requests and waits, and adding and
 * removing EventTarget listeners per request costs more than the request bookkeeping itself.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let set = subscribers.get(signal);
  if (set === undefined) {
    const created = new Set<() => void>();
    set = created;
    subscribers.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        subscribers.delete(signal);
        for (const subscriber of [...created]) subscriber();
        created.clear();
      },
      { once: true },
    );
  }
  const live = set;
  live.add(fn);
  return () => {
    live.delete(fn);
  };
}

/** Rejects with the signal's reason, or an AbortError. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError');
}

/** Resolves after `ms`, or rejects early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe?.();
      resolve();
    }, ms);
    const unsubscribe =
      signal === undefined
        ? undefined
        : onAbort(signal, () => {
            clearTimeout(timer);
            reject(abortReason(signal));
          });
  });
}

interface Waiter {
  grant: () => void;
  /** Set when the waiter's signal aborted before it got a place: `next` skips it. */
  abandoned: boolean;
}

/** A counting semaphore: at most `limit` holders; `acquire` resolves to the release function. */
export class Semaphore {
  private active = 0;
  private waiters: (Waiter | undefined)[] = [];
  private head = 0;

  constructor(readonly limit: number) {}

  /** Holders right now. */
  get inUse(): number {
    return this.active;
  }

  /** Whether nobody holds or waits (a keyed limiter drops idle semaphores). */
  get idle(): boolean {
    return this.active === 0 && this.head >= this.waiters.length;
  }

  /** Waits for a place; the returned function gives it back (calling it twice is harmless). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      let unsubscribe: (() => void) | undefined;
      const waiter: Waiter = {
        abandoned: false,
        grant: () => {
          unsubscribe?.();
          resolve(this.releaser());
        },
      };
      this.waiters.push(waiter);
      if (signal !== undefined) {
        unsubscribe = onAbort(signal, () => {
          waiter.abandoned = true;
          reject(abortReason(signal));
        });
      }
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.next();
    };
  }

  private next(): void {
    while (this.active < this.limit && this.head < this.waiters.length) {
      const waiter = this.waiters[this.head];
      this.waiters[this.head] = undefined;
      this.head++;
      if (waiter === undefined || waiter.abandoned) continue;
      this.active++;
      waiter.grant();
    }
    // Compact the queue once its consumed prefix dominates, so a long run does not keep a growing array.
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
    if (this.head >= this.waiters.length && this.waiters.length > 0) {
      this.waiters = [];
      this.head = 0;
    }
  }
}

/** One semaphore per key (the host), created on demand and dropped when idle so memory stays flat. */
export class KeyedLimiter {
  private readonly semaphores = new Map<string, Semaphore>();

  constructor(readonly limit: number) {}

  /** Waits for a place for `key`; the returned function gives it back. */
  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    let semaphore = this.semaphores.get(key);
    if (semaphore === undefined) {
      semaphore = new Semaphore(this.limit);
      this.semaphores.set(key, semaphore);
    }
    const held = semaphore;
    let release: () => void;
    try {
      release = await held.acquire(signal);
    } catch (error) {
      if (held.idle && this.semaphores.get(key) === held) this.semaphores.delete(key);
      throw error;
    }
    return () => {
      release();
      if (held.idle && this.semaphores.get(key) === held) this.semaphores.delete(key);
    };
  }

  /** Keys with a live semaphore (for tests: it must drop back to zero). */
  get size(): number {
    return this.semaphores.size;
  }
}

/**
 * Spaces request starts evenly at `perSecond` (a leaky bucket with no burst): the n-th caller starts no earlier
 * than n / perSecond seconds after the first. `perSecond <= 0` means unlimited.
 */
export class RateLimiter {
  private nextAt = 0;
  private readonly interval: number;

  constructor(readonly perSecond: number) {
    this.interval = perSecond > 0 ? 1000 / perSecond : 0;
  }

  /** Waits until this caller may start. */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.interval === 0) return;
    const now = performance.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.interval;
    const wait = at - now;
    if (wait >= 1) await sleep(wait, signal);
  }
}
