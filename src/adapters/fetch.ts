/**
 * `corsight/fetch`: CORS for Fetch-API request handlers, `(request: Request) => Response`, as used by Bun,
 * Deno, Cloudflare Workers and other WinterTC runtimes.
 *
 * @example
 * import { withCors } from 'corsight/fetch';
 * export default {
 *   fetch: withCors({ origins: ['https://app.example.com'] }, (req) => Response.json({ ok: true })),
 * };
 */
import { applyToResponse, preflightResponse } from './fetch-response.js';
import { compileSource, selectPolicy, type PolicySource } from './select.js';

export { applyToResponse, preflightResponse } from './fetch-response.js';
export type { PolicySelector, PolicySource } from './select.js';

/**
 * Wraps a Fetch handler. Preflights are answered (204/403) without calling `handler`; every other response
 * the handler returns (4xx and 5xx included) gets the CORS headers, `Vary` appended. A handler that throws
 * is left to the runtime's own error handling (the error is rethrown, not turned into a response).
 *
 * @param policy a policy from `createPolicy`, a configuration to compile (throws `CorsConfigError`), or a
 *   selector `(request) => policy | false` choosing among policies compiled at start-up
 */
export function withCors<Args extends unknown[]>(
  policy: PolicySource<Request>,
  handler: (request: Request, ...rest: Args) => Response | Promise<Response>,
): (request: Request, ...rest: Args) => Promise<Response> {
  const source = compileSource(policy);
  return async (request, ...rest) => {
    const p = typeof source === 'function' ? selectPolicy(source, request, 'fetch') : source;
    if (p === false) return handler(request, ...rest);
    const pending = p.decide({ method: request.method, headers: request.headers, url: request.url });
    const decision = pending instanceof Promise ? await pending : pending;
    if (decision.kind === 'preflight') return preflightResponse(decision);
    const response = await handler(request, ...rest);
    return applyToResponse(response, decision.headers);
  };
}
