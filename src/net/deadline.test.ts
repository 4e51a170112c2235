import { describe, expect, it } from 'vitest';
import { Deadline, deadlineOf } from './deadline.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Deadline', () => {
  it('aborts with its reason once its running time is used up', async () => {
    const started = performance.now();
    const deadline = new Deadline(60, () => new Error('target timeout'));
    const aborted = new Promise<number>((resolve) =>
      deadline.signal.addEventListener('abort', () => resolve(performance.now() - started)),
    );
    const elapsed = await aborted;
    expect(elapsed).toBeGreaterThanOrEqual(55);
    expect((deadline.signal.reason as Error).message).toBe('target timeout');
    expect(deadlineOf(deadline.signal)).toBe(deadline);
  });

  it('does not count the time everything in flight waits for a place', async () => {
    const deadline = new Deadline(80, () => new Error('timeout'));
    const endWait = deadline.beginWait();
    expect(deadline.paused).toBe(true);
    // Paused for longer than the whole deadline: the timer fires meanwhile and must not abort.
    await wait(150);
    expect(deadline.signal.aborted).toBe(false);
    endWait();
    expect(deadline.paused).toBe(false);
    // The clock runs again from where it stopped (a few ms were used before the pause).
    await wait(30);
    expect(deadline.signal.aborted).toBe(false);
    await wait(90);
    expect(deadline.signal.aborted).toBe(true);
  });

  it('keeps running while one request is on the wire, even if others wait', async () => {
    const deadline = new Deadline(50, () => new Error('timeout'));
    const endWire = deadline.beginRequest();
    const endWait = deadline.beginWait();
    expect(deadline.paused).toBe(false);
    await wait(90);
    expect(deadline.signal.aborted).toBe(true);
    endWait();
    endWire();
  });

  it('pauses and resumes many times without losing the running time between', async () => {
    const deadline = new Deadline(100, () => new Error('timeout'));
    // Ten short stretches of about 15 ms running, each followed by a pause: 150 ms of running time in all.
    let abortedAfter = -1;
    for (let i = 0; i < 10; i++) {
      await wait(15);
      if (deadline.signal.aborted) {
        abortedAfter = i;
        break;
      }
      const end = deadline.beginWait();
      await wait(20);
      end();
    }
    expect(abortedAfter).toBeGreaterThanOrEqual(5);
    expect(abortedAfter).toBeLessThanOrEqual(8);
  });

  it('never aborts once stopped, and aborts at once when a parent does', async () => {
    const stopped = new Deadline(20, () => new Error('timeout'));
    stopped.stop();
    await wait(50);
    expect(stopped.signal.aborted).toBe(false);

    const parent = new AbortController();
    const child = new Deadline(10_000, () => new Error('timeout'), [parent.signal]);
    parent.abort(new Error('scan cancelled'));
    expect(child.signal.aborted).toBe(true);
    expect((child.signal.reason as Error).message).toBe('scan cancelled');
  });
});
