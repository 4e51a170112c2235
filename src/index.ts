/**
 * corsight: CORS done right, end to end.
 *
 * The root entry point re-exports the shared Fetch vocabulary (also at `corsight/vocabulary`) and the CORS
 * policy (`createPolicy`, `validatePolicy`); each other part has its own subpath (`corsight/browser`, the
 * adapters `corsight/node`, `corsight/express`, `corsight/fastify`, `corsight/koa`, `corsight/hono`,
 * `corsight/fetch`, and the scanner as it lands).
 */
export * from './fetch/index.js';
export * from './policy/index.js';
