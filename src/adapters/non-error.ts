/**
 * What adapters rethrow when application code throws something that is not an `Error` (`throw 'x'`).
 */

/** The thrown value as `%j` formats it (JSON), falling back to `String` for what JSON cannot write. */
function describeThrown(value: unknown): string {
  try {
    // undefined, functions and symbols have no JSON (JSON.stringify would return undefined).
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return String(value);
    return JSON.stringify(value);
  } catch {
    try {
      return String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
}

/**
 * An `Error` standing for a thrown non-Error value, worded as Koa words it (`non-error thrown: "x"`), with the
 * value as `cause`. Frameworks render only Errors through the application's error path (Hono's `onError`), or
 * replace other values by a fresh Error that has lost the CORS headers (Koa's `ctx.onerror`). No `node:util`:
 * the Hono adapter also runs on Workers, Deno and Bun.
 */
export function nonErrorThrown(value: unknown): Error {
  return new Error(`non-error thrown: ${describeThrown(value)}`, { cause: value });
}
