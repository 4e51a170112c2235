import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostFlow, HostFlows, RateLimit } from './flow.js';

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** A task that runs until `done` is called. */
interface Held {
  task: () => Promise<void>;
  done: () => void;
  started: boolean;
}

function held(): Held {
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const state: Held = {
    started: false,
    done: () => done(),
    task: () => {
      state.started = true;
      return finished;
    },
  };
  return state;
}

describe('HostFlow', () => {
  it('admits at most `limit` requests, then hands places over in FIFO order', async () => {
    const flow = new HostFlow(2);
    const tasks = [held(), held(), held(), held()];
    const runs = tasks.map((t) => flow.run(t.task));
    await flush();
    expect(tasks.map((t) => t.started)).toEqual([true, true, false, false]);
    tasks[1]?.done();
    await flush();
    expect(tasks.map((t) => t.started)).toEqual([true, true, true, false]);
    for (const t of tasks) t.done();
    await Promise.all(runs);
    expect(flow.idle).toBe(true);
  });

  it('drops a waiter whose signal aborts, and its place goes to the next one', async () => {
    const flow = new HostFlow(1);
    const first = held();
    const running = flow.run(first.task);
    const controller = new AbortController();
    const abandoned = held();
    const abandonedRun = flow.run(abandoned.task, controller.signal);
    const next = held();
    const nextRun = flow.run(next.task);
    controller.abort(new Error('gone'));
    await expect(abandonedRun).rejects.toThrow('gone');
    first.done();
    await running;
    await flush();
    expect(abandoned.started).toBe(false);
    expect(next.started).toBe(true);
    next.done();
    await nextRun;
    expect(flow.idle).toBe(true);
  });

  it('hands its place past any number of abandoned waiters (a cancelled run) without deepening the stack', async () => {
    const flow = new HostFlow(1);
    const first = held();
    const running = flow.run(first.task);
    const controller = new AbortController();
    const abandoned = Array.from({ length: 50_000 }, () => flow.run(held().task, controller.signal));
    const last = held();
    const lastRun = flow.run(last.task);
    controller.abort(new Error('cancelled'));
    const outcomes = await Promise.allSettled(abandoned);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    first.done();
    await running;
    for (let i = 0; i < 100 && !last.started; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(last.started).toBe(true);
    last.done();
    await lastRun;
    expect(flow.idle).toBe(true);
  });

  it('halves its window on congestion and grows it back one per round of answers (AIMD)', () => {
    const flow = new HostFlow(8);
    flow.congested();
    expect(flow.concurrency).toBe(4);
    flow.congested();
    flow.congested();
    expect(flow.concurrency).toBe(1);
    expect(flow.minSpacing).toBe(0);
    flow.congested();
    expect(flow.minSpacing).toBe(100);
    flow.congested();
    expect(flow.minSpacing).toBe(200);
    for (let i = 0; i < 20; i++) flow.answered();
    expect(flow.minSpacing).toBe(0);
    expect(flow.concurrency).toBe(1);
    for (let i = 0; i < 3; i++) flow.answered();
    expect(flow.concurrency).toBe(2);
    for (let i = 0; i < 100; i++) flow.answered();
    expect(flow.concurrency).toBe(8);
    expect(flow.idle).toBe(true);
  });

  it('narrows its window on dropped connections but never spaces requests out for them', () => {
    const flow = new HostFlow(8);
    for (let i = 0; i < 10; i++) flow.congested('dropped-connection');
    expect(flow.concurrency).toBe(1);
    expect(flow.minSpacing).toBe(0);
    flow.congested('rate-limit');
    expect(flow.minSpacing).toBe(100);
  });

  it('holds every request to the host during a Retry-After pause', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const flow = new HostFlow(4);
      flow.pauseFor(1000);
      const task = held();
      const run = flow.run(task.task);
      await vi.advanceTimersByTimeAsync(999);
      expect(task.started).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(task.started).toBe(true);
      task.done();
      await run;
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('HostFlows', () => {
  it('limits per host independently and forgets idle hosts', async () => {
    const flows = new HostFlows(1);
    const a = held();
    const b = held();
    const a2 = held();
    const runs = [flows.get('a.test:443').run(a.task), flows.get('b.test:443').run(b.task)];
    const second = flows.get('a.test:443').run(a2.task);
    await flush();
    expect(a2.started).toBe(false);
    expect(flows.size).toBe(2);
    a.done();
    b.done();
    await Promise.all(runs);
    await flush();
    expect(a2.started).toBe(true);
    a2.done();
    await second;
    flows.release('a.test:443');
    flows.release('b.test:443');
    expect(flows.size).toBe(0);
  });
});

describe('RateLimit', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spaces starts 1/rate seconds apart', async () => {
    const limiter = new RateLimit(10);
    const t0 = performance.now();
    const started: number[] = [];
    await Promise.all([0, 1, 2].map(() => limiter.take().then(() => started.push(performance.now() - t0))));
    expect(started).toHaveLength(3);
    expect(started[0]).toBeLessThan(50);
    expect(started[1]).toBeGreaterThanOrEqual(95);
    expect(started[2]).toBeGreaterThanOrEqual(195);
  });

  it('gives an aborted waiter start to the next one', async () => {
    const limiter = new RateLimit(5);
    await limiter.take();
    const controller = new AbortController();
    const abandoned = limiter.take(controller.signal);
    const next = limiter.take();
    controller.abort(new Error('gone'));
    await expect(abandoned).rejects.toThrow('gone');
    const t0 = performance.now();
    await next;
    // The abandoned start was given back: the next caller starts one interval after the first, not two.
    expect(performance.now() - t0).toBeLessThan(300);
  });

  it('is a no-op at rate 0 (unlimited)', async () => {
    const limiter = new RateLimit(0);
    await Promise.all(Array.from({ length: 1000 }, () => limiter.take()));
  });
});
