/**
 * Whether a target looks internal: reading it from a page on the internet reads what only the victim's
 * network position reaches (an intranet, a device on the LAN). IP literals and `localhost` are classified by
 * the Fetch vocabulary's address spaces (`src/fetch/address-space.ts`, Chromium's table for Local Network
 * Access): anything but `public` is internal. Names are judged by their shape.
 */
import { addressSpaceOfHost } from '../../fetch/address-space.js';
import type { TargetNames } from './origins.js';

/**
 * True when the target looks internal: an IP literal or `localhost` outside the public address space, a
 * single-label host, a reserved internal suffix (`.local`, `.internal`, `.intranet`, `.corp`, `.lan`,
 * `.home.arpa`, `.localhost`), or a first label such as `intranet` / `internal` / `corp`.
 */
export function looksInternal(names: TargetNames): boolean {
  const space = addressSpaceOfHost(names.host);
  if (space !== undefined) return space !== 'public';
  const host = names.host.toLowerCase();
  if (!host.includes('.')) return true;
  if (/\.(local|internal|intranet|corp|lan|home\.arpa|localhost)$/.test(host)) return true;
  return /^(intranet|internal|corp|int|lan|private)[.-]/.test(host);
}
