/**
 * Per-request policy selection, shared by every adapter: `cors((request) => policyA | policyB)` picks one of
 * the policies compiled at start-up (per tenant, per API version) for each request.
 */
import { isPolicy, toPolicy, type Policy } from '../policy/policy.js';
import type { PolicyConfig } from '../policy/types.js';

/**
 * Chooses the policy of one request among policies made with `createPolicy` at start-up, or `false` for no
 * CORS at all (no headers; preflights reach the application). It gets the framework's own request object.
 * It must be synchronous and cheap: it runs on every request.
 */
export type PolicySelector<Req> = (request: Req) => Policy | false;

/** What an adapter accepts: a policy, a configuration to compile now, or a selector. */
export type PolicySource<Req> = Policy | PolicyConfig | PolicySelector<Req>;

/** A compiled policy, or the selector that picks one per request. */
export type CompiledSource<Req> = Policy | PolicySelector<Req>;

/** Compiles a configuration now (throwing `CorsConfigError`); policies and selectors are kept as they are. */
export function compileSource<Req>(source: PolicySource<Req>): CompiledSource<Req> {
  return typeof source === 'function' ? source : toPolicy(source);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Promise) return 'a promise (selectors must be synchronous)';
  return typeof value === 'object' ? 'an object that is not a policy (a configuration?)' : typeof value;
}

/**
 * The policy of this request. A selector that returns anything but a policy or `false` is a programming error,
 * reported as such (compiling a configuration per request would skip start-up validation and cost a compile).
 */
export function selectPolicy<Req>(select: PolicySelector<Req>, request: Req, adapter: string): Policy | false {
  const chosen: unknown = select(request);
  if (chosen === false || isPolicy(chosen)) return chosen;
  throw new TypeError(
    `corsight/${adapter}: the policy selector returned ${describe(chosen)}; it must return a policy made with createPolicy() at start-up, or false for no CORS`,
  );
}
