/**
 * `corsight/express`: CORS middleware for Express 4 and 5.
 *
 * Mount it with `app.use(cors(policy))` before your routes and before authentication: preflights carry no
 * credentials, and a route registered with `app.get(...)` never sees OPTIONS.
 *
 * @example
 * import express from 'express';
 * import { cors } from 'corsight/express';
 * const app = express();
 * app.use(cors({ origins: ['https://app.example.com'], credentials: true }));
 * app.get('/api', (req, res) => res.json({ ok: true }));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PolicyDecision } from '../policy/types.js';
import { answerPreflight, setDecisionHeaders } from './node-response.js';
import { compileSource, selectPolicy, type PolicySource } from './select.js';

export type { PolicySelector, PolicySource } from './select.js';

/** The part of Express's `next` the middleware uses. */
type Next = (err?: unknown) => void;

/** Answers a preflight, or sets the headers and continues (a module function: no closure per request). */
function applyDecision(decision: PolicyDecision, res: ServerResponse, next: Next): void {
  if (decision.kind === 'preflight') {
    answerPreflight(res, decision);
    return;
  }
  setDecisionHeaders(res, decision.headers);
  next();
}

/**
 * Creates the middleware. Preflights are answered (204/403) and never reach later middleware; every other
 * request gets its CORS headers before `next()`, so they survive Express's error handlers and its 404 (the
 * final handler keeps headers already set).
 *
 * @param policy a policy from `createPolicy`, a configuration to compile (throws `CorsConfigError`), or a
 *   selector `(req) => policy | false` choosing among policies compiled at start-up
 */
export function cors<Req extends IncomingMessage = IncomingMessage>(
  policy: PolicySource<Req>,
): (req: Req, res: ServerResponse, next: Next) => void {
  const source = compileSource(policy);
  return function corsight(req, res, next) {
    let p;
    try {
      p = typeof source === 'function' ? selectPolicy(source, req, 'express') : source;
    } catch (err) {
      next(err);
      return;
    }
    if (p === false) {
      next();
      return;
    }
    const decision = p.decide({ method: req.method ?? '', headers: req.headers, url: req.url });
    if (decision instanceof Promise) decision.then((d) => applyDecision(d, res, next), next);
    else applyDecision(decision, res, next);
  };
}
