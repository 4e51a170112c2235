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
import type { PolicyDecision } from '../policy/types.js';
import { answerPreflight, setDecisionHeaders } from './node-response.js';
import { compileSource, selectPolicy, type PolicySource } from './select.js';

export { answerPreflight, setDecisionHeaders } from './node-response.js';
export type { PolicySelector, PolicySource } from './select.js';

/** Answers a preflight, or sets the headers and runs the handler (a module function: no closure per request). */
function applyDecision<Req extends IncomingMessage, Res extends ServerResponse>(
  decision: PolicyDecision,
  req: Req,
  res: Res,
  handler: (req: Req, res: Res) => void | Promise<void>,
): void | Promise<void> {
  if (decision.kind === 'preflight') {
    answerPreflight(res, decision);
    return;
  }
  setDecisionHeaders(res, decision.headers);
  return handler(req, res);
}

/**
 * Wraps a Node request handler. Preflights are answered (204 or 403) without calling `handler`; for every
 * other request the CORS headers (and `Vary`) are set on `res` before `handler` runs, so they are part of
 * whatever it sends, error responses included, unless it removes them.
 *
 * @param policy a policy from `createPolicy`, a configuration to compile (throws `CorsConfigError`), or a
 *   selector `(req) => policy | false` choosing among policies compiled at start-up
 */
export function withCors<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse = ServerResponse>(
  policy: PolicySource<Req>,
  handler: (req: Req, res: Res) => void | Promise<void>,
): (req: Req, res: Res) => void | Promise<void> {
  const source = compileSource(policy);
  return (req, res) => {
    const p = typeof source === 'function' ? selectPolicy(source, req, 'node') : source;
    if (p === false) return handler(req, res);
    const decision = p.decide({ method: req.method ?? '', headers: req.headers, url: req.url });
    return decision instanceof Promise
      ? decision.then((d) => applyDecision(d, req, res, handler))
      : applyDecision(decision, req, res, handler);
  };
}
