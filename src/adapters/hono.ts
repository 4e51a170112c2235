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
import { toPolicy, type Policy } from '../policy/policy.js';
import type { PolicyConfig } from '../policy/types.js';
import { applyToResponse, preflightResponse } from './fetch-response.js';

/** The part of Hono's `Context` the middleware uses. */
interface HonoContext {
  req: { method: string; raw: Request };
  res: Response;
}

/**
 * Creates the middleware. Preflights are answered (204/403) without calling `next`; for every other request
 * the CORS headers are applied to `c.res` after `next()` returns, i.e. to whatever response the app, its
 * `notFound` or its `onError` handler produced.
 *
 * @param policy a policy from `createPolicy`, or a configuration to compile (throws `CorsConfigError`)
 */
export function cors(
  policy: Policy | PolicyConfig,
): (c: HonoContext, next: () => Promise<void>) => Promise<Response | void> {
  const p = toPolicy(policy);
  return async function corsight(c, next) {
    const decision = p.evaluate({ method: c.req.method, headers: c.req.raw.headers });
    if (decision.kind === 'preflight') return preflightResponse(decision);
    await next();
    const res = applyToResponse(c.res, decision.headers);
    if (res !== c.res) c.res = res;
  };
}
