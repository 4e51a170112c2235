import type { ProbeResponse } from './types.js';

/** Most hops the scanner follows with --follow-redirects (Fetch allows 20; a scanner needs far fewer). */
export const maxRedirects = 5;

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
