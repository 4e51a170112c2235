/**
 * corsight: CORS done right, end to end.
 *
 * The root entry point re-exports the shared Fetch vocabulary (also at `corsight/vocabulary`) and the CORS
 * policy (`createPolicy`, `validatePolicy`). Every other part has its own subpath, so that importing one does
 * not load the others: the browser model `corsight/browser`; the middleware adapters `corsight/node`,
 * `corsight/express`, `corsight/fastify`, `corsight/koa`, `corsight/hono` and `corsight/fetch`; the scanner
 * `corsight/scanner` with its reports at `corsight/scanner/report`; `corsight/explain`; the test assertions
 * `corsight/testing`; and the vulnerable lab servers `corsight/lab`.
 */
export * from './fetch/index.js';
export * from './policy/index.js';
