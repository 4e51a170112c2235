/**
 * `corsight/browser`: an exact model of the Fetch Standard's CORS algorithm as Chromium runs it.
 *
 * `simulateFetch(request, transport, options)` runs one `fetch()` call against a transport you
 * supply and reports what a browser would do: whether the promise resolves, which requests went on
 * the wire (preflight included), Chromium's CDP error name, failedParameter and console text, and
 * which response headers script can read. The pure steps it is built from are exported too.
 */
export * from './types.js';
export * from './options.js';
export * from './errors.js';
export * from './messages.js';
export * from './profiles.js';
export * from './classify.js';
export * from './cors-check.js';
export * from './preflight.js';
export * from './expose.js';
export * from './redirect.js';
export * from './local-network.js';
export * from './wire-headers.js';
export * from './cache.js';
export * from './blink-order.js';
export * from './simulate.js';
// Fetch vocabulary that corsight/browser exported before it moved to src/fetch; kept so imports keep working.
export { BAD_PORTS, isBadPort, wireURL } from '../fetch/url.js';
export { REDIRECT_STATUSES, isRedirectStatus } from '../fetch/status.js';
