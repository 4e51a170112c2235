/**
 * `corsight/hono`: CORS middleware for Hono 4.
 *
 * @example
 * import { Hono } from 'hono';
 * import { cors } from 'corsight/hono';
 * const app = new Hono();
 * app.use('*', cors({ origins: ['https://app.example.com'] }));
 * app.get('/api', (c) => c.json({ ok: true }));
 */
import type { PolicyDecision } from '../policy/types.js';
import { applyToResponse } from './fetch-response.js';
import { nonErrorThrown } from './non-error.js';
import { compileSource, selectPolicy, type PolicySource } from './select.js';

export type { PolicySelector, PolicySource } from './select.js';

/** The part of Hono's `Context` the middleware uses. */
export interface HonoContext {
  req: { method: string; raw: Request };
  res: Response;
  header(name: string, value: string, options?: { append?: boolean }): void;
  body(data: null, status: 200 | 204 | 403): Response;
}

/**
 * Puts a preflight answer's headers on the context with `c.header()`, which writes to the headers Hono builds
 * its next response from without creating one (reading `c.res` would build a `Response` only for `c.body()`
 * to copy it into another). `Vary` is appended: what earlier middleware listed stays; a field named twice means
 * the same to a cache (https://www.rfc-editor.org/rfc/rfc9110#name-vary).
 */
function prepareHeaders(c: HonoContext, headers: PolicyDecision['headers']): void {
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name === 'vary') c.header(name, value, { append: true });
    else c.header(name, value);
  }
}

/** Applies the decision's headers to `c.res` (what Hono builds its next response from), `Vary` appended. */
function applyToContext(c: HonoContext, headers: PolicyDecision['headers']): void {
  const res = applyToResponse(c.res, headers);
  if (res !== c.res) c.res = res;
}

/**
 * Creates the middleware. Preflights are answered (204/403) without calling `next`; for every other request
 * the CORS headers are applied to `c.res` after `next()` returns, i.e. to whatever response the app, its
 * `notFound` or its `onError` handler produced.
 *
 * @param policy a policy from `createPolicy`, a configuration to compile (throws `CorsConfigError`), or a
 *   selector `(c) => policy | false` choosing among policies compiled at start-up
 */
export function cors<C extends HonoContext = HonoContext>(
  policy: PolicySource<C>,
): (c: C, next: () => Promise<void>) => Promise<Response | undefined> {
  const source = compileSource(policy);
  return async function corsight(c, next) {
    const p = typeof source === 'function' ? selectPolicy(source, c, 'hono') : source;
    if (p === false) {
      await next();
      return undefined;
    }
    const raw = c.req.raw;
    const pending = p.decide({ method: c.req.method, headers: raw.headers, url: raw.url });
    const decision = pending instanceof Promise ? await pending : pending;
    if (decision.kind === 'preflight') {
      // Built through the context, not as a fresh Response: headers earlier middleware set with c.header()
      // (request ids, their own Vary) are kept, and Vary is appended to, never replaced.
      prepareHeaders(c, decision.headers);
      return c.body(null, (decision.status ?? 204) as 200 | 204 | 403);
    }
    try {
      await next();
    } catch (err) {
      // Hono hands only Errors to app.onError; anything else thrown (`throw 'x'`) escapes to the runtime,
      // whose bare 500 has no CORS headers. Put the headers on the context first (Hono merges them into
      // whatever onError returns), then rethrow as an Error so the app's own error path renders it.
      applyToContext(c, decision.headers);
      throw err instanceof Error ? err : nonErrorThrown(err);
    }
    applyToContext(c, decision.headers);
    return undefined;
  };
}
