/**
 * `corsight/node`: CORS for a plain Node.js `http`/`https` request handler.
 *
 * @example
 * import { createServer } from 'node:http';
 * import { withCors } from 'corsight/node';
 * const handler = withCors({ origins: ['https://app.example.com'] }, (req, res) => res.end('hello'));
 * createServer(handler).listen(8080);
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toPolicy, type Policy } from '../policy/policy.js';
import type { PolicyConfig } from '../policy/types.js';
import { answerPreflight, setDecisionHeaders } from './node-response.js';

export { answerPreflight, setDecisionHeaders } from './node-response.js';

/**
 * Wraps a Node request handler. Preflights are answered (204 or 403) without calling `handler`; for every
 * other request the CORS headers (and `Vary`) are set on `res` before `handler` runs, so they are part of
 * whatever it sends, error responses included, unless it removes them.
 *
 * @param policy a policy from `createPolicy`, or a configuration to compile (throws `CorsConfigError`)
 */
export function withCors<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse = ServerResponse>(
  policy: Policy | PolicyConfig,
  handler: (req: Req, res: Res) => void | Promise<void>,
): (req: Req, res: Res) => void | Promise<void> {
  const p = toPolicy(policy);
  return (req, res) => {
    const decision = p.evaluate({ method: req.method ?? '', headers: req.headers });
    if (decision.kind === 'preflight') {
      answerPreflight(res, decision);
      return;
    }
    setDecisionHeaders(res, decision.headers);
    return handler(req, res);
  };
}
