/**
 * corsight: CORS done right, end to end.
 *
 * The root entry point re-exports the shared Fetch vocabulary; each part has its own subpath
 * (`corsight/browser`, and the policy, adapters and scanner as they land).
 */
export * from './fetch/index.js';
