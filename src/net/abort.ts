/** Abort helpers shared by the client and its callers: one listener per signal, abortable sleeps. */

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

/** The signal's reason when it is an Error (a `NetError` naming why), or an AbortError carrying it. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException(
    reason === undefined ? 'aborted' : typeof reason === 'string' ? reason : 'aborted',
    'AbortError',
  );
}

/** Resolves after `ms`, or rejects early (with the signal's reason) when `signal` aborts. */
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
