/**
 * Applying a policy decision to a Node `ServerResponse` (shared by the node, express and koa adapters).
 */
import type { ServerResponse } from 'node:http';
import { appendVary } from '../policy/headers.js';
import type { PolicyDecision } from '../policy/types.js';

/** Sets the decision's headers on `res`, appending to (never replacing) an existing `Vary`. */
export function setDecisionHeaders(res: ServerResponse, headers: PolicyDecision['headers']): void {
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (name === 'vary') {
      const existing = res.getHeader('vary');
      res.setHeader('vary', existing === undefined ? value : appendVary(existing, value));
    } else {
      res.setHeader(name, value);
    }
  }
}

/** Ends `res` with a preflight answer: the decision's status and headers, and an empty body. */
export function answerPreflight(res: ServerResponse, decision: PolicyDecision): void {
  setDecisionHeaders(res, decision.headers);
  res.statusCode = decision.status ?? 204;
  res.setHeader('content-length', '0');
  res.end();
}
