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
import { toPolicy, type Policy } from '../policy/policy.js';
import type { PolicyConfig } from '../policy/types.js';
import { applyToResponse, preflightResponse } from './fetch-response.js';

export { applyToResponse, preflightResponse } from './fetch-response.js';

/**
 * Wraps a Fetch handler. Preflights are answered (204/403) without calling `handler`; every other response
 * the handler returns (4xx and 5xx included) gets the CORS headers, `Vary` appended. A handler that throws
 * is left to the runtime's own error handling (the error is rethrown, not turned into a response).
 *
 * @param policy a policy from `createPolicy`, or a configuration to compile (throws `CorsConfigError`)
 */
export function withCors<Args extends unknown[]>(
  policy: Policy | PolicyConfig,
  handler: (request: Request, ...rest: Args) => Response | Promise<Response>,
): (request: Request, ...rest: Args) => Promise<Response> {
  const p = toPolicy(policy);
  return async (request, ...rest) => {
    const decision = p.evaluate({ method: request.method, headers: request.headers });
    if (decision.kind === 'preflight') return preflightResponse(decision);
    const response = await handler(request, ...rest);
    return applyToResponse(response, decision.headers);
  };
}
