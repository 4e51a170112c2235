/**
 * Flow control: how many requests run at once per host, how fast requests start across the client, and how
 * a host that pushes back (429/503, dropped connections) is slowed down. The per-host limit is a fastq queue's
 * (FIFO, a concurrency that can change while it runs); the client-wide rate is p-queue's (its interval cap).
 *
 * Per host, the concurrency window follows AIMD, as TCP's congestion window does: it grows by 1/window per
 * answered request (about +1 per round of answers) up to `--per-host`, and halves on each sign of congestion.
 * Once the window is 1, each further 429/503 doubles a minimum spacing between request starts to that host
 * (from 100 ms up to 10 s), which each answer shrinks by 10 ms; dropped connections only narrow the window. A
 * `Retry-After` pauses the whole host until it passes.
 *
 * Why fastq for the per-host limit: every probe passes through it. fastq (Fastify's queue) starts a task in the
 * call that queues it when a place is free and hands a freed place to the next task in the call that frees it,
 * with no promise of its own, where p-limit puts every task through half a dozen promises and microtask turns:
 * the whole HTTP client went from 49.8 to 47.9 µs of CPU a request with it (medians of 16 alternated runs, client
 * and lab pinned to a core each, 16 targets of 23 probes waiting for 8 places), as p-limit had from 4.7 µs a
 * place with p-queue's per-task bookkeeping.
 */
import fastq, { type done as Done, type queue as Queue } from 'fastq';
import PQueue from 'p-queue';
import { abortReason, onAbort, sleep } from './abort.js';

/** A request waiting for a place: called with the place's release when it gets one. */
type Waiter = (release: Done) => void;

/** Gives a place back a microtask later (see `HostFlow.run`). */
function handBack(release: Done): void {
  queueMicrotask(() => release(null));
}

/** fastq's worker: hands the place to the waiter, which releases it when its request is done. */
function admit(waiter: Waiter, release: Done): void {
  waiter(release);
}

const firstSpacing = 100;
const maxSpacing = 10_000;
const spacingStep = 10;

/** One host's limit and congestion state. */
export class HostFlow {
  private window: number;
  private spacing = 0;
  private lastStart = 0;
  private pausedUntil = 0;
  private resumeTimer: ReturnType<typeof setTimeout> | undefined;
  // While a Retry-After pause lasts: settles when it ends (requests holding a place wait on it).
  private pauseGate: Promise<void> | undefined;
  private readonly places: Queue<Waiter>;

  constructor(readonly limit: number) {
    this.window = limit;
    this.places = fastq<undefined, Waiter>(undefined, admit, limit);
  }

  /** Requests allowed in flight now. */
  get concurrency(): number {
    return this.places.concurrency;
  }

  /** The minimum gap between request starts now, in ms (0 until the host pushed back at window 1). */
  get minSpacing(): number {
    return this.spacing;
  }

  /** Whether the flow is back to its initial state with nothing queued (the client may forget it). */
  get idle(): boolean {
    return this.places.idle() && this.window >= this.limit && this.spacing === 0 && this.resumeTimer === undefined;
  }

  /**
   * Runs `task` when the host has a place (and its spacing and pause allow), or rejects with the signal's
   * reason if it aborts first; an aborted waiter gives its place to the next one.
   *
   * The signal is not handed to the queue: the waiter leaves through `onAbort`'s one shared listener per
   * signal (dozens of a target's probes wait on one signal), and its entry, when its turn comes, returns at
   * once without starting anything.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      // Listened to only while waiting: a request admitted at once (the usual case) never subscribes.
      let leave: (() => void) | undefined;
      let admitted = false as boolean; // set by the waiter, which fastq may run inside push()
      // Called at once when a place is free, else when one is handed over. The place is given back before the
      // caller hears of the answer, so the next waiter's request goes out in the same turn. fastq starts the next
      // waiter inside release(): a place given back while this waiter is being admitted goes back a microtask
      // later, or a cancelled run's thousands of abandoned waiters would each admit the next one a frame deeper.
      this.places.push((release) => {
        admitted = true;
        if (signal?.aborted === true) {
          handBack(release); // this waiter already left: its place goes to the next one
          return;
        }
        leave?.();
        let started: Promise<T>;
        try {
          started = this.start(task, signal);
        } catch (error) {
          handBack(release);
          reject(error);
          return;
        }
        started.then(
          (value) => {
            release(null);
            resolve(value);
          },
          (error: unknown) => {
            release(null);
            reject(error);
          },
        );
      });
      // fastq runs the waiter inside push() when a place is free; otherwise it waits, and may be abandoned.
      if (!admitted && signal !== undefined) leave = onAbort(signal, () => reject(signal.reason as Error));
    });
  }

  /** Starts `task` now, unless a Retry-After pause or the spacing of a pushed-back host says to wait first. */
  private start<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.pauseGate === undefined && this.spacing === 0) {
      this.lastStart = performance.now();
      return task();
    }
    return this.startLater(task, signal);
  }

  private async startLater<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    // A Retry-After pause holds requests that already have a place, as it holds those still waiting for one.
    while (this.pauseGate !== undefined) await waitFor(this.pauseGate, signal);
    const gap = this.lastStart + this.spacing - performance.now();
    if (gap > 0) await sleep(gap, signal);
    this.lastStart = performance.now();
    return task();
  }

  /** An answer came back: additive increase. */
  answered(): void {
    if (this.spacing > 0) {
      this.spacing = Math.max(0, this.spacing - spacingStep);
      return;
    }
    this.window = Math.min(this.limit, this.window + 1 / this.window);
    this.apply();
  }

  /**
   * The host pushed back: multiplicative decrease. A rate-limit answer (429/503) at a window of 1 also spaces
   * request starts out; a dropped connection only narrows the window. Connections dropped one by one are
   * what a limiter on concurrency does (a window of 1 satisfies it) and what a WAF that refuses every request
   * carrying `Origin` does: spacing those out, doubling to 10 s, only made such a target take minutes to be
   * reported as the partial target it is.
   */
  congested(by: 'rate-limit' | 'dropped-connection' = 'rate-limit'): void {
    if (this.window <= 1 && by === 'rate-limit') {
      this.spacing = Math.min(maxSpacing, Math.max(firstSpacing, this.spacing * 2));
    }
    this.window = Math.max(1, this.window / 2);
    this.apply();
  }

  /** Holds every request to this host for `ms` (a `Retry-After`); a later, longer pause extends it. */
  pauseFor(ms: number): void {
    const until = performance.now() + ms;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.pauseGate ??= new Promise<void>((resolve) => (this.openGate = resolve));
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      this.pauseGate = undefined;
      this.openGate();
    }, ms);
  }

  private openGate: () => void = () => undefined;

  /** The time left of a `Retry-After` pause, in ms. */
  get pausedFor(): number {
    return Math.max(0, this.pausedUntil - performance.now());
  }

  /** Cancels the pause timer and forgets the requests still waiting for a place (the client is closing). */
  dispose(): void {
    clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
    this.places.kill();
  }

  private apply(): void {
    const concurrency = Math.max(1, Math.floor(this.window));
    if (this.places.concurrency !== concurrency) this.places.concurrency = concurrency;
  }
}

/** Waits for `gate`, or rejects with the signal's reason when it aborts first. */
function waitFor(gate: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return gate;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const leave = onAbort(signal, () => reject(abortReason(signal)));
    void gate.then(() => {
      leave();
      resolve();
    });
  });
}

/** The hosts' flows, created on demand and forgotten when idle so memory stays flat over a long run. */
export class HostFlows {
  private readonly flows = new Map<string, HostFlow>();

  constructor(readonly limit: number) {}

  get(host: string): HostFlow {
    let flow = this.flows.get(host);
    if (flow === undefined) {
      flow = new HostFlow(this.limit);
      this.flows.set(host, flow);
    }
    return flow;
  }

  /** Forgets `host`'s flow if it is idle and back to its initial state. */
  release(host: string): void {
    const flow = this.flows.get(host);
    if (flow?.idle === true) this.flows.delete(host);
  }

  /** Hosts with a live flow (for tests: it must drop back to zero). */
  get size(): number {
    return this.flows.size;
  }

  dispose(): void {
    for (const flow of this.flows.values()) flow.dispose();
    this.flows.clear();
  }
}

/**
 * Spaces request starts evenly at `perSecond` across the client (`--rate`); 0 means unlimited. A p-queue
 * with one start per interval: a waiter that aborts leaves the queue and its start goes to the next one.
 */
export class RateLimit {
  private readonly queue: PQueue | undefined;

  constructor(readonly perSecond: number) {
    if (perSecond > 0) {
      // Timers cannot fire more often than every millisecond: above 1000/s, let several start per interval.
      const perInterval = Math.max(1, Math.ceil(perSecond / 1000));
      this.queue = new PQueue({
        concurrency: Infinity,
        intervalCap: perInterval,
        interval: (perInterval * 1000) / perSecond,
      });
    }
  }

  /** Waits until this caller may start, or rejects with the signal's reason. */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.queue === undefined) return;
    await this.queue.add(() => undefined, { signal });
  }

  dispose(): void {
    this.queue?.clear();
  }
}
