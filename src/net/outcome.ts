/**
 * What became of one request, as the net layer reports it to the scanner, `explain` and `corsight/testing`.
 * `HttpClient.request` resolves to one of these and never rejects for a network problem, so a caller can
 * count every probe (`probes: { sent, answered, failed, rateLimited, retried }`) and every request on the
 * wire (`attempts`, retries included) without guessing from an exception.
 */
import type { HeaderList } from '../fetch/headers.js';
import type { NetError, NetErrorCode } from './errors.js';

/** An HTTP response as the net layer keeps it: status, raw header lines in order, the first bytes of the body. */
export interface NetResponse {
  status: number;
  headers: HeaderList;
  /** At most the first `bodyCap` bytes of the body, decoded as UTF-8 (for evidence only). */
  bodySnippet: string;
}

/** The server gave a final answer (any status but a 429/503 that was still limiting after the last retry). */
export interface AnsweredOutcome {
  outcome: 'answered';
  response: NetResponse;
  /** Requests put on the wire for it, retries included (1 when the first attempt was answered). */
  attempts: number;
}

/** No usable answer: the connection failed, timed out, or the server spoke something that is not HTTP. */
export interface FailedOutcome {
  outcome: 'failed';
  /** The typed reason; `error.message` is the sentence a user reads ("connection refused by api.test:8443"). */
  error: NetError;
  reason: NetErrorCode;
  attempts: number;
}

/**
 * The server kept answering 429 Too Many Requests or 503 Service Unavailable through every retry (each one
 * waited out its `Retry-After`, bounded by `maxRetryAfter`). The last answer is kept for evidence; it says
 * nothing about the CORS policy of the resource.
 */
export interface RateLimitedOutcome {
  outcome: 'rate-limited';
  response: NetResponse;
  attempts: number;
  /** The last `Retry-After` asked for, in milliseconds, when the server sent one (before the bound applied). */
  retryAfter: number | undefined;
}

/**
 * The request never reached the wire: the caller gave up (its signal aborted, e.g. the target's deadline)
 * while it waited for a slot or a backoff. `attempts` counts earlier attempts that did reach the wire.
 */
export interface NotSentOutcome {
  outcome: 'not-sent';
  error: NetError;
  reason: NetErrorCode;
  attempts: number;
}

/** The outcome of one request through the net layer. */
export type RequestOutcome = AnsweredOutcome | FailedOutcome | RateLimitedOutcome | NotSentOutcome;

/** The outcome kinds, in the order reports list them. */
export const requestOutcomeKinds = ['answered', 'failed', 'rate-limited', 'not-sent'] as const;
export type RequestOutcomeKind = (typeof requestOutcomeKinds)[number];

/** Retries spent on a request (attempts beyond the first). */
export function retriesOf(outcome: RequestOutcome): number {
  return Math.max(0, outcome.attempts - 1);
}
