/**
 * The HTTP client's options: limits, timeouts, retries, proxy, TLS and `--resolve`. Every field has a
 * default; `resolveNetOptions` validates them all and throws a `NetOptionError` naming the first bad one,
 * so `scan`, `explain` and `corsight/testing` refuse absurd values (`--rate 1e-300`, `--timeout 99999999999`)
 * with one clear sentence instead of a hang or a stack trace.
 */
import { NetOptionError } from './errors.js';
import { parseResolveRules, type ResolveRule } from './resolve.js';

export interface NetOptions {
  /** Requests in flight to one host (host:port) at once; also the keep-alive pool size per origin. */
  perHost: number;
  /** Requests per second across the whole client; 0 means unlimited. */
  rate: number;
  /** Milliseconds one request may take on the wire, from connecting to the end of the (capped) body. */
  timeout: number;
  /** Retries of a request after a connection-level failure or a 429/503 answer. */
  retries: number;
  /** Base delay in ms of the exponential backoff between retries (doubles each attempt). */
  retryDelay: number;
  /** The longest `Retry-After` honoured, in ms; a longer one is waited this long (`--max-retry-after`). */
  maxRetryAfter: number;
  /** Accept any TLS certificate (self-signed labs). Never the default. */
  insecure: boolean;
  /** An http(s) proxy URL to send every request through. */
  proxy: string | undefined;
  /** Bytes of each response body read at most; the rest is never read (the connection is dropped). */
  bodyCap: number;
  /** curl-style `--resolve` values (see `parseResolveRule`). */
  resolve: readonly string[];
  /**
   * One more wait before every attempt starts, after `rate`: the queue worker's cluster-wide `--rate`
   * (src/queue/politeness.ts). Its time counts as waiting, not against the request's deadline.
   */
  requestGate?: ((signal?: AbortSignal) => Promise<void>) | undefined;
}

export const defaultNetOptions: Readonly<NetOptions> = {
  perHost: 8,
  rate: 0,
  timeout: 10_000,
  retries: 2,
  retryDelay: 250,
  maxRetryAfter: 60_000,
  insecure: false,
  proxy: undefined,
  bodyCap: 4096,
  resolve: [],
};

/** Validated options, with `--resolve` parsed. */
export interface ResolvedNetOptions extends NetOptions {
  resolveRules: readonly ResolveRule[];
}

// Bounds beyond which a value is a typo, not a choice: a request rate under one per hour never finishes a
// scan; a timeout over an hour outlives any scan; setTimeout itself cannot wait past 2^31 - 1 ms.
const minRate = 1 / 3600;
const maxRate = 100_000;
const maxTimeout = 3_600_000;

function wholeNumber(name: string, value: unknown, min: number, max: number, unit = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new NetOptionError(`bad ${name} '${String(value)}': expected a whole number from ${min} to ${max}${unit}`);
  }
  return value;
}

/** Fills in defaults and validates every option; throws `NetOptionError` naming the first bad value. */
export function resolveNetOptions(options: Partial<NetOptions> = {}): ResolvedNetOptions {
  const defined = Object.fromEntries(
    Object.entries(options as Record<string, unknown>).filter(([, v]) => v !== undefined),
  ) as Partial<NetOptions>;
  const merged: NetOptions = { ...defaultNetOptions, ...defined };
  wholeNumber('--per-host', merged.perHost, 1, 1_000);
  if (typeof merged.rate !== 'number' || !Number.isFinite(merged.rate) || merged.rate < 0) {
    throw new NetOptionError(
      `bad --rate '${String(merged.rate)}': expected requests per second, 0 (unlimited) or more`,
    );
  }
  if (merged.rate !== 0 && (merged.rate < minRate || merged.rate > maxRate)) {
    throw new NetOptionError(
      `bad --rate '${String(merged.rate)}': expected 0 (unlimited) or from 1/3600 (one request an hour) to ${maxRate} requests per second`,
    );
  }
  wholeNumber('--timeout', merged.timeout, 1, maxTimeout, ' ms');
  wholeNumber('--retries', merged.retries, 0, 10);
  wholeNumber('retry delay', merged.retryDelay, 0, 60_000, ' ms');
  wholeNumber('--max-retry-after', merged.maxRetryAfter, 0, maxTimeout, ' ms');
  wholeNumber('body cap', merged.bodyCap, 1, 1 << 20, ' bytes');
  if (merged.proxy !== undefined) {
    let proxy: URL;
    try {
      proxy = new URL(merged.proxy);
    } catch {
      throw new NetOptionError(`bad --proxy '${merged.proxy}': not a URL (expected e.g. http://127.0.0.1:8080)`);
    }
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
      throw new NetOptionError(`bad --proxy '${merged.proxy}': only http and https proxies are supported`);
    }
  }
  const resolveRules = parseResolveRules(merged.resolve);
  return { ...merged, resolveRules };
}
