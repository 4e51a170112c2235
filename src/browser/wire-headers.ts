/**
 * Author request headers as a browser's network stack puts them on the wire, after the CORS rules have seen
 * the header list.
 */
import { byteLowercase, type HeaderList } from '../fetch/headers.js';
import type { Profile } from './profiles.js';

/**
 * The author headers as the network stack sends them. Firefox merges same-name entries into one line, except
 * its singleton names, where the last value wins (`Profile.network.singletonHeaders`); but a request with a
 * body takes its Content-Type from the first entry (the upload stream is set with it; observed). Elsewhere the
 * list goes out as it is (Chromium combined the entries when the request was built).
 */
export function mergeForWire(headers: HeaderList, profile: Profile, hasBody: boolean): HeaderList {
  const singletons = profile.network.singletonHeaders;
  if (singletons === null) return headers.map(([n, v]) => [n, v] as [string, string]);
  const out: [string, string][] = [];
  for (const [name, value] of headers) {
    const lower = byteLowercase(name);
    const entry = out.find(([n]) => byteLowercase(n) === lower);
    if (entry === undefined) out.push([name, value]);
    else if (hasBody && lower === 'content-type') continue;
    // Observed: an empty entry empties the line, and a line that is empty takes the next value as it is.
    else entry[1] = singletons.includes(lower) || value === '' || entry[1] === '' ? value : `${entry[1]}, ${value}`;
  }
  return out;
}
