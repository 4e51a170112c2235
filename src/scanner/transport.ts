/**
 * The scanner's seam to the network: the few members of the net layer's HTTP client (`src/net/client.ts`)
 * the runtime uses, so tests can answer probes in-process: `ProbeTransport`, named apart from `corsight/browser`'s
 * `Transport` (the function `simulateFetch` calls). One client (one keep-alive pool set) serves a run.
 */
import {
  createHttpClient,
  type HttpClient,
  type HttpClientStats,
  type HttpRequest,
  type NetOptions,
  type NetResponse,
} from '../net/index.js';

/** Which `--resolve` rule applies to a host and port (the net layer's rule; `confirm.ts` gives Chromium the same). */
export { findResolveRule } from '../net/index.js';

export type TransportRequest = HttpRequest;
export type TransportStats = HttpClientStats;

/** The answer, and how many attempts it took (retries after connection failures and 429/503 included). */
export interface TransportResult {
  response: NetResponse;
  attempts: number;
}

/** What the scanner needs of an HTTP client; `HttpClient` is one. */
export interface ProbeTransport {
  send(request: TransportRequest): Promise<TransportResult>;
  /** Closes the keep-alive pools (waits for requests in flight). */
  close(): Promise<void>;
  /** Drops every connection now. */
  destroy(): Promise<void>;
  readonly stats: Readonly<TransportStats>;
}

/** The net options a scan passes on (the other scan options stay in the scanner). */
export type TransportOptions = Pick<
  NetOptions,
  | 'perHost'
  | 'rate'
  | 'timeout'
  | 'retries'
  | 'retryDelay'
  | 'maxRetryAfter'
  | 'insecure'
  | 'proxy'
  | 'bodyCap'
  | 'resolve'
  | 'requestGate'
>;

/** Creates the HTTP client of one run from the scan's options. Throws a `NetOptionError` for a bad value. */
export function createTransport(options: Partial<TransportOptions>): HttpClient {
  const { perHost, rate, timeout, retries, retryDelay, maxRetryAfter, insecure, proxy, bodyCap, resolve } = options;
  return createHttpClient({
    requestGate: options.requestGate,
    perHost,
    rate,
    timeout,
    retries,
    retryDelay,
    maxRetryAfter,
    insecure,
    proxy,
    bodyCap,
    resolve,
  });
}
