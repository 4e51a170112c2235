/**
 * src/net: the one HTTP client layer (undici) with its limits, timeouts, retries, proxy, TLS options,
 * `--resolve` rules and typed errors. Layer 1: it imports only `src/fetch`, node and its libraries
 * (undici, fastq, p-queue); the scanner, `explain`, `corsight/testing` and the Chromium harness stand on it.
 */
export { abortReason, onAbort, sleep } from './abort.js';
export {
  createHttpClient,
  type HttpClient,
  type HttpClientStats,
  type HttpRequest,
  type HttpResult,
} from './client.js';
export { Deadline, deadlineOf } from './deadline.js';
export {
  NetError,
  NetOptionError,
  toNetError,
  type NetErrorCode,
  type NetErrorContext,
  type NetPhase,
} from './errors.js';
export { HostFlow, HostFlows, RateLimit } from './flow.js';
export { acceptInformational } from './informational.js';
export { defaultNetOptions, resolveNetOptions, type NetOptions, type ResolvedNetOptions } from './options.js';
export * from './outcome.js';
export { findResolveRule, parseResolveRule, parseResolveRules, type ResolveRule } from './resolve.js';
export { isRateLimitStatus, parseRetryAfter, retryAfterOf } from './retry-after.js';
