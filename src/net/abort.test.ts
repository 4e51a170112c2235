import { describe, expect, it } from 'vitest';
import { onAbort, sleep } from './abort.js';

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
