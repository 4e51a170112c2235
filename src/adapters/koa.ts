/**
 * `corsight/koa`: CORS middleware for Koa 3.
 *
 * @example
 * import Koa from 'koa';
 * import { cors } from 'corsight/koa';
 * const app = new Koa();
 * app.use(cors({ origins: ['https://app.example.com'] }));
 * app.use((ctx) => { ctx.body = { ok: true }; });
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appendVary } from '../policy/headers.js';
import type { PolicyDecision } from '../policy/types.js';
import { setDecisionHeaders } from './node-response.js';
import { nonErrorThrown } from './non-error.js';
import { compileSource, selectPolicy, type PolicySource } from './select.js';

export type { PolicySelector, PolicySource } from './select.js';

/** The part of a Koa context the middleware uses. */
interface KoaContext {
  req: IncomingMessage;
  res: ServerResponse;
  status: number;
  body: unknown;
}

/**
 * Koa's error handler (`ctx.onerror`) removes every response header and then sets `err.headers`; so CORS
 * headers are copied onto the error (merging `Vary`) to survive it, as @koa/cors' `keepHeadersOnError` does.
 */
function keepOnError(err: Error, headers: PolicyDecision['headers']): void {
  const e = err as { headers?: Record<string, unknown> };
  const merged: Record<string, unknown> = {};
  let existingVary: unknown;
  for (const [name, value] of Object.entries(e.headers ?? {})) {
    if (name.toLowerCase() === 'vary') existingVary = value;
    else merged[name] = value;
  }
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name === 'vary') {
      merged.vary =
        typeof existingVary === 'string' || Array.isArray(existingVary)
          ? appendVary(existingVary as string | string[], value)
          : value;
    } else {
      merged[name] = value;
    }
  }
  try {
    e.headers = merged;
  } catch {
    // A frozen error cannot carry headers; Koa then answers without them.
  }
}

/** Koa's own test in `ctx.onerror` for what it renders as is. */
function isNativeError(err: unknown): err is Error {
  return Object.prototype.toString.call(err) === '[object Error]' || err instanceof Error;
}

/**
 * Creates the middleware. Preflights are answered (204/403) without calling `next`; every other request gets
 * its CORS headers before `next()`, and again on the error Koa will render if a later middleware throws.
 *
 * @param policy a policy from `createPolicy`, a configuration to compile (throws `CorsConfigError`), or a
 *   selector `(ctx) => policy | false` choosing among policies compiled at start-up
 */
export function cors<Ctx extends KoaContext = KoaContext>(
  policy: PolicySource<Ctx>,
): (ctx: Ctx, next: () => Promise<unknown>) => Promise<void> {
  const source = compileSource(policy);
  return async function corsight(ctx, next) {
    const p = typeof source === 'function' ? selectPolicy(source, ctx, 'koa') : source;
    if (p === false) {
      await next();
      return;
    }
    const pending = p.decide({ method: ctx.req.method ?? '', headers: ctx.req.headers, url: ctx.req.url });
    const decision = pending instanceof Promise ? await pending : pending;
    if (decision.kind === 'preflight') {
      // Answered through Koa (not the raw response) so outer middleware still sees and can decorate it.
      setDecisionHeaders(ctx.res, decision.headers);
      // No `ctx.body = ''`: it makes Koa look up a MIME type and costs more than the whole policy (bench/NOTES.md).
      // Koa ends a 204 without a body by itself; for a 200 or 403, an explicit null body set before the status
      // makes it answer Content-Length: 0 without Content-Type (Koa turns that null body into a 204, which the
      // status assignment then overrides).
      const status = decision.status ?? 204;
      if (status !== 204) ctx.body = null;
      ctx.status = status;
      return;
    }
    setDecisionHeaders(ctx.res, decision.headers);
    try {
      await next();
    } catch (err) {
      // Koa replaces anything that is not a native Error (`throw 'x'`, a plain object) by a fresh Error, which
      // would not carry the headers: hand it an Error worded as Koa words it, with the headers on it.
      const error = isNativeError(err) ? err : nonErrorThrown(err);
      keepOnError(error, decision.headers);
      throw error;
    }
  };
}
