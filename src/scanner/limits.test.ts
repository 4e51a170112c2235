import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyedLimiter, RateLimiter, Semaphore, onAbort, sleep } from './limits.js';

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('Semaphore', () => {
  it('admits at most `limit` holders, then hands places over in FIFO order', async () => {
    const semaphore = new Semaphore(2);
    const order: number[] = [];
    const releases = await Promise.all([semaphore.acquire(), semaphore.acquire()]);
    const waiting = [3, 4, 5].map((n) => semaphore.acquire().then((release) => (order.push(n), release)));
    await flush();
    expect(order).toEqual([]);
    expect(semaphore.inUse).toBe(2);
    releases[0]?.();
    releases[0]?.(); // a second call is harmless
    await flush();
    expect(order).toEqual([3]);
    releases[1]?.();
    await flush();
    expect(order).toEqual([3, 4]);
    for (const release of await Promise.all(waiting.slice(0, 2))) release();
    await flush();
    expect(order).toEqual([3, 4, 5]);
    (await waiting[2])?.();
    expect(semaphore.idle).toBe(true);
  });

  it('drops a waiter whose signal aborts, without giving it a place', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const abandoned = semaphore.acquire(controller.signal);
    const next = semaphore.acquire();
    controller.abort(new Error('gone'));
    await expect(abandoned).rejects.toThrow('gone');
    release();
    (await next)();
    expect(semaphore.idle).toBe(true);
    expect(semaphore.inUse).toBe(0);
  });
});

describe('KeyedLimiter', () => {
  it('limits per key independently and forgets idle keys', async () => {
    const limiter = new KeyedLimiter(1);
    const a = await limiter.acquire('a.test:443');
    const b = await limiter.acquire('b.test:443');
    let second = false;
    const waiting = limiter.acquire('a.test:443').then((release) => ((second = true), release));
    await flush();
    expect(second).toBe(false);
    expect(limiter.size).toBe(2);
    a();
    (await waiting)();
    b();
    expect(limiter.size).toBe(0);
  });
});

describe('RateLimiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spaces starts 1/rate seconds apart', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const limiter = new RateLimiter(10);
    const started: number[] = [];
    const takes = [0, 1, 2].map((n) => limiter.take().then(() => started.push(n)));
    await flush();
    expect(started).toEqual([0]);
    await vi.advanceTimersByTimeAsync(99);
    expect(started).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(takes);
    expect(started).toEqual([0, 1, 2]);
  });

  it('is a no-op at rate 0 (unlimited)', async () => {
    const limiter = new RateLimiter(0);
    await Promise.all(Array.from({ length: 1000 }, () => limiter.take()));
  });
});

describe('sleep', () => {
  it('rejects early with the abort reason', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});

describe('onAbort', () => {
  it('calls each live subscriber once on abort, not the unsubscribed ones', () => {
    const controller = new AbortController();
    const calls: number[] = [];
    const unsubscribe = [1, 2, 3].map((n) => onAbort(controller.signal, () => calls.push(n)));
    unsubscribe[1]?.();
    controller.abort();
    controller.abort();
    expect(calls).toEqual([1, 3]);
  });
});
