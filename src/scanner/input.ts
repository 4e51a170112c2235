import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseTarget } from './scanner.js';

/** A line of the target list that is not a usable target, with its 1-based line number. */
export interface InvalidTarget {
  line: number;
  text: string;
  reason: string;
}

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

/**
 * Reads targets from a stream line by line (never the whole list in memory). Blank lines and `#` comments are
 * skipped; an unusable line is passed to `onInvalid` with its line number and skipped.
 */
export async function* readTargets(
  input: Readable,
  onInvalid: (invalid: InvalidTarget) => void,
): AsyncGenerator<string, void, undefined> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      const text = raw.trim();
      if (text === '' || text.startsWith('#')) continue;
      const target = normalizeTarget(text);
      if ('url' in target) yield target.url;
      else onInvalid({ line, text, reason: target.reason });
    }
  } finally {
    lines.close();
  }
}
