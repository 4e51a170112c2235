/** A target URL as a user writes it, normalized. */
import { parseTarget } from '../scanner.js';

const bareHost = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?([/?].*)?$/i;

/**
 * Normalizes one target as a user writes it: an absolute http(s) URL, or a bare `host[:port][/path]`, which
 * means https. Returns the URL string, or the reason it is unusable.
 */
export function normalizeTarget(text: string): { url: string } | { reason: string } {
  const candidate =
    /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[^/:]+:\d/.test(text)
      ? text
      : bareHost.test(text)
        ? `https://${text}`
        : text;
  const parsed = parseTarget(candidate);
  if (typeof parsed === 'string') return { reason: parsed };
  return { url: parsed.href };
}
