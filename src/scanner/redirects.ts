import { getDomain } from 'tldts';
import type { ProbeResponse } from './types.js';

/** Most hops the scanner follows with --follow-redirects (Fetch allows 20; a scanner needs far fewer). */
export const maxRedirects = 5;

/** Whether a status is a redirect with a Location to follow (Fetch: "redirect status" 301, 302, 303, 307, 308). */
export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** The first Location header of a response, resolved against `base`; undefined when absent or unparsable. */
export function redirectLocation(
  response: ProbeResponse,
  base: URL,
): { raw: string; url: URL | undefined } | undefined {
  const header = response.headers.find(([name]) => name.toLowerCase() === 'location');
  if (header === undefined) return undefined;
  const raw = header[1];
  try {
    const url = new URL(raw, base);
    url.hash = ''; // never sent on the wire; keeps loop detection exact
    return { raw, url: url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined };
  } catch {
    return { raw, url: undefined };
  }
}

/**
 * Whether `next` is within the site of `from`: the same registrable domain per the Public Suffix List (tldts),
 * over http or https (an http -> https upgrade stays on site). Hosts with no registrable domain (IP addresses,
 * `localhost`, single labels) are their own site: only the same host qualifies.
 */
export function sameSite(from: URL, next: URL): boolean {
  const a = getDomain(from.hostname, { allowPrivateDomains: true });
  const b = getDomain(next.hostname, { allowPrivateDomains: true });
  if (a === null || b === null) return from.hostname === next.hostname;
  return a === b;
}
