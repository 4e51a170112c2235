/**
 * `Retry-After` (https://www.rfc-editor.org/rfc/rfc9110#name-retry-after): either delay-seconds (a
 * non-negative integer) or an HTTP-date. Sent with 429 Too Many Requests
 * (https://www.rfc-editor.org/rfc/rfc6585#section-4) and 503 Service Unavailable.
 */
import { getHeader } from '../fetch/headers.js';
import type { HeaderList } from '../fetch/headers.js';

/** Statuses that mean "not now": the client waits (Retry-After or backoff), slows the host down, and retries. */
export function isRateLimitStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * The wait a `Retry-After` value asks for, in ms from `now`, or undefined when the value is absent or
 * unusable (then the caller backs off on its own). A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined | null, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // HTTP-date: IMF-fixdate, or the obsolete RFC 850 / asctime forms, which Date.parse reads too.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  // Every HTTP-date is in GMT; asctime's form does not say so, and Date.parse would read it as local time.
  const at = Date.parse(/ GMT$/i.test(text) ? text : `${text} GMT`);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The `Retry-After` of a response's header list, in ms (see {@link parseRetryAfter}). */
export function retryAfterOf(headers: HeaderList, now?: number): number | undefined {
  return parseRetryAfter(getHeader(headers, 'retry-after'), now);
}
