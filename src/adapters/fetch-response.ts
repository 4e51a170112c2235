/**
 * Applying a policy decision to Fetch `Response`s (shared by the hono and fetch adapters).
 */
import { appendVary } from '../policy/headers.js';
import type { PolicyDecision } from '../policy/types.js';

/**
 * Sets the decision's headers on a response, appending to `Vary`. Returns the response to use: the same one,
 * or a copy when its headers are immutable (a `Response` from `fetch()` or `Response.redirect()`).
 */
export function applyToResponse(res: Response, headers: PolicyDecision['headers']): Response {
  try {
    setAll(res.headers, headers);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    setAll(copy.headers, headers);
    return copy;
  }
}

function setAll(target: Headers, headers: PolicyDecision['headers']): void {
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name === 'vary') {
      const existing = target.get('vary');
      target.set('vary', existing === null ? value : appendVary(existing, value));
    } else {
      target.set(name, value);
    }
  }
}

/** A preflight answer as a `Response`: the decision's status and headers, empty body. */
export function preflightResponse(decision: PolicyDecision): Response {
  return new Response(null, { status: decision.status ?? 204, headers: decision.headers as Record<string, string> });
}
