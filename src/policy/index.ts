/**
 * The corsight policy: a secure-by-default, validated, compiled CORS policy, framework-free.
 * Adapters for Node, Express, Fastify, Koa, Hono and Fetch handlers live in `corsight/<name>`.
 */
export { createPolicy, isPolicy, toPolicy, type Policy } from './policy.js';
export { validatePolicy } from './validate.js';
export {
  CorsConfigError,
  CorsConfigProblem,
  PROBLEM_CODES,
  type PolicyProblem,
  type ProblemCode,
  type ProblemLevel,
} from './problems.js';
export { appendVary, readHeader, DEBUG_HEADER } from './headers.js';
export type { OriginResolver, PolicyConfig, PolicyDecision, PolicyRequest, RequestHeaders } from './types.js';
