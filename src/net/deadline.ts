/**
 * A deadline that counts only the time a caller is really waiting for a server. `--rate` and `--per-host`
 * slow a scan down; they must never make a target fail (issue: `--rate 2` timed out 19 of 20 healthy
 * targets because queued probes counted against the per-target deadline). The clock stops while the owner
 * has requests waiting for a slot, a rate token, a backoff or a `Retry-After`, and none on the wire.
 */
import { onAbort } from './abort.js';

const deadlines = new WeakMap<AbortSignal, Deadline>();

/** The deadline whose signal this is, if any: the HTTP client pauses it while the request waits. */
export function deadlineOf(signal: AbortSignal | undefined): Deadline | undefined {
  return signal === undefined ? undefined : deadlines.get(signal);
}

export class Deadline {
  private readonly controller = new AbortController();
  // Time spent running before the current stretch, and when the current stretch began (undefined: paused).
  private spent = 0;
  private runningSince: number | undefined;
  // One timer, re-armed only when it fires early: pausing and resuming (twice per request) touch no timer.
  private timer: ReturnType<typeof setTimeout> | undefined;
  private waiting = 0;
  private onWire = 0;
  private stopped = false;

  /**
   * Starts a deadline of `ms` milliseconds of non-waiting time; when it runs out, `signal` aborts with
   * `reason()`. `parents` (a run's cancel signal) abort it too, with their own reason.
   */
  constructor(
    readonly ms: number,
    private readonly reason: () => unknown,
    parents: readonly (AbortSignal | undefined)[] = [],
  ) {
    deadlines.set(this.controller.signal, this);
    for (const parent of parents) {
      if (parent === undefined) continue;
      if (parent.aborted) this.abort(parent.reason);
      else {
        const unsubscribe = onAbort(parent, () => this.abort(parent.reason));
        this.controller.signal.addEventListener('abort', unsubscribe, { once: true });
      }
    }
    this.resume();
  }

  /** Aborts when the deadline passes, a parent aborts, or `abort` is called. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the clock is stopped because everything in flight is waiting for a place. */
  get paused(): boolean {
    return this.runningSince === undefined && !this.stopped && !this.controller.signal.aborted;
  }

  /** Aborts now with `reason`, and stops the clock. */
  abort(reason: unknown): void {
    this.stop();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** Stops the clock for good (the owner finished). */
  stop(): void {
    this.stopped = true;
    this.runningSince = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A request starts waiting (for a slot, a token, a backoff); call the result when it stops waiting. */
  beginWait(): () => void {
    return this.track(false);
  }

  /** A request is on the wire; call the result when it is done. */
  beginRequest(): () => void {
    return this.track(true);
  }

  // Which counter by a flag and a branch, not `this[kind]` with a key string: a computed key is a megamorphic keyed
  // load, and every request passes here twice.
  private track(onWire: boolean): () => void {
    this.count(onWire, 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.count(onWire, -1);
    };
  }

  private count(onWire: boolean, delta: 1 | -1): void {
    if (onWire) this.onWire += delta;
    else this.waiting += delta;
    this.update();
  }

  private update(): void {
    if (this.stopped || this.controller.signal.aborted) return;
    const pause = this.waiting > 0 && this.onWire === 0;
    if (pause && this.runningSince !== undefined) {
      this.spent += performance.now() - this.runningSince;
      this.runningSince = undefined;
    } else if (!pause && this.runningSince === undefined) {
      this.resume();
    }
  }

  private resume(): void {
    if (this.stopped) return;
    this.runningSince = performance.now();
    this.timer ??= setTimeout(this.expire, Math.max(0, this.ms - this.spent));
  }

  /** The timer fired: abort if the running time is used up, else wait for what is left (or for a resume). */
  private readonly expire = (): void => {
    this.timer = undefined;
    if (this.stopped || this.runningSince === undefined) return; // paused: resume() re-arms it
    const used = this.spent + performance.now() - this.runningSince;
    if (used >= this.ms) this.abort(this.reason());
    else this.timer = setTimeout(this.expire, this.ms - used);
  };
}
