/**
 * Status vocabulary of the Fetch Standard.
 */

/** The redirect statuses: 301, 302, 303, 307, 308 (https://fetch.spec.whatwg.org/#redirect-status). */
export const REDIRECT_STATUSES: readonly number[] = [301, 302, 303, 307, 308];

/** Fetch "redirect status" (https://fetch.spec.whatwg.org/#redirect-status). */
export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Fetch "ok status" (https://fetch.spec.whatwg.org/#ok-status): 200 to 299. */
export function isOkStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}
