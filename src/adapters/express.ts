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
import { toPolicy, type Policy } from '../policy/policy.js';
import type { PolicyConfig } from '../policy/types.js';
import { answerPreflight, setDecisionHeaders } from './node-response.js';

/** The part of Express's `next` the middleware uses. */
type Next = (err?: unknown) => void;

/**
 * Creates the middleware. Preflights are answered (204/403) and never reach later middleware; every other
 * request gets its CORS headers before `next()`, so they survive Express's error handlers and its 404 (the
 * final handler keeps headers already set).
 *
 * @param policy a policy from `createPolicy`, or a configuration to compile (throws `CorsConfigError`)
 */
export function cors(policy: Policy | PolicyConfig): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const p = toPolicy(policy);
  return function corsight(req, res, next) {
    const decision = p.evaluate({ method: req.method ?? '', headers: req.headers });
    if (decision.kind === 'preflight') {
      answerPreflight(res, decision);
      return;
    }
    setDecisionHeaders(res, decision.headers);
    next();
  };
}
