/**
 * Target lists: one target per line, `#` comments and blank lines skipped. A target is a URL (or bare
 * `host[:port][/path]`), `METHOD URL`, or a JSON object `{"url", "method", "headers"}` (see `inputs/lines.ts`). A list
 * is read as a stream of bytes, line by line, so memory stays flat whatever the file holds: a line is kept only
 * up to `maxLineBytes`, and the rest of an over-long line is dropped unread into memory.
 */
import type { Readable } from 'node:stream';
import { parseTargetLine } from './inputs/lines.js';
import type { ScanTarget } from './types.js';

export { normalizeTarget } from './inputs/target-url.js';

/** A line of the target list that is not a usable target, with its 1-based line number. */
export interface InvalidTarget {
  line: number;
  /** The line as read (cut at `maxLineBytes` for an over-long line). */
  text: string;
  reason: string;
}

/** The longest line a target list may hold, in bytes (a URL is rarely over 2 KiB; browsers stop near 2 MB). */
export const maxLineBytes = 8 * 1024;

/** Thrown by `readTargets` for input that is not a text target list at all (a binary file, say). */
export class TargetListError extends Error {
  override name = 'TargetListError';
}

/**
 * Why `bytes` (the start of a file) is not a text target list, or undefined when it may be one: a NUL byte
 * (no text file has one) or bytes that are not UTF-8. `complete` says whether `bytes` is the whole file; if
 * not, a multi-byte character cut at the end is not an error.
 */
export function notTextReason(bytes: Uint8Array, complete = true): string | undefined {
  const nul = bytes.indexOf(0);
  if (nul !== -1) return `not a text file (a NUL byte at offset ${nul})`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
  } catch {
    return 'not a text file (not valid UTF-8)';
  }
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads targets from a stream line by line (never the whole list in memory). Blank lines and `#` comments are
 * skipped; an unusable line (not a URL, or longer than `maxLineBytes`) is passed to `onInvalid` with its line
 * number and skipped. Rejects with a `TargetListError` at the first sign the input is not text (a NUL byte,
 * invalid UTF-8): a list that is binary is refused, not read as thousands of bad lines.
 */
export async function* readTargets(
  input: Readable,
  onInvalid: (invalid: InvalidTarget) => void,
): AsyncGenerator<ScanTarget, void, undefined> {
  let line = 0;
  // The current line: its first maxLineBytes + 1 bytes (room for a CR before the LF), its length, its last byte.
  let kept: Buffer[] = [];
  let keptBytes = 0;
  let lineBytes = 0;
  let lastByte = -1;
  let offset = 0;

  const finishLine = (): ScanTarget | undefined => {
    line++;
    const cr = lastByte === 0x0d;
    const tooLong = lineBytes - (cr ? 1 : 0) > maxLineBytes;
    let bytes = Buffer.concat(kept);
    kept = [];
    keptBytes = 0;
    lineBytes = 0;
    lastByte = -1;
    if (tooLong) {
      // Cut at the limit, possibly inside a character: shown escaped and shortened, never scanned.
      onInvalid({
        line,
        text: bytes.subarray(0, 80).toString('utf8'),
        reason: `line longer than ${maxLineBytes / 1024} KiB`,
      });
      return undefined;
    }
    if (cr) bytes = bytes.subarray(0, -1);
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new TargetListError(`line ${line}: not a text file (not valid UTF-8)`);
    }
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return undefined;
    const target = parseTargetLine(trimmed);
    if ('target' in target) return target.target;
    onInvalid({ line, text: trimmed, reason: target.reason });
    return undefined;
  };

  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const nul = buffer.indexOf(0);
    if (nul !== -1) throw new TargetListError(`not a text file (a NUL byte at offset ${offset + nul})`);
    offset += buffer.length;
    let start = 0;
    while (start < buffer.length) {
      const newline = buffer.indexOf(0x0a, start);
      const end = newline === -1 ? buffer.length : newline;
      if (end > start) {
        const take = Math.min(end - start, maxLineBytes + 1 - keptBytes);
        if (take > 0) {
          // A copy, so a kept piece never pins the whole chunk it came from.
          kept.push(Buffer.from(buffer.subarray(start, start + take)));
          keptBytes += take;
        }
        lineBytes += end - start;
        lastByte = buffer[end - 1] ?? -1;
      }
      if (newline === -1) break;
      const url = finishLine();
      if (url !== undefined) yield url;
      start = newline + 1;
    }
  }
  if (lineBytes > 0) {
    const url = finishLine();
    if (url !== undefined) yield url;
  }
}
