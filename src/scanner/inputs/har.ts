/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) as Chrome and Firefox DevTools, Burp, ZAP and
 * mitmproxy export it: each distinct (method, URL) the application requested becomes a target probed with that
 * request's own credentials and headers (see `targetRequest`).
 *
 * A HAR is mostly response bodies (a 200 MB export is common), so it is streamed: a tokenizer reads the file once
 * and only `log.pages[*]`, `log.entries[*].request` and `log.entries[*].pageref` are ever built as values; response
 * bodies, binary or not, pass through the tokenizer and are never held. Memory grows with the distinct requests,
 * not with the file.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { JSONParser } from '@streamparser/json';
import { notTextReason } from '../input.js';
import type { HeaderList, TargetRequest } from '../types.js';
import { InputFileError, jsonPointer } from './errors.js';
import { targetRequest, TargetRequestError } from './request.js';
import { normalizeTarget } from './target-url.js';

/** What a HAR holds for the scanner. */
export interface HarContents {
  /** One target per distinct (method, URL), in the order first requested, with that first request's headers. */
  targets: TargetRequest[];
  /** Host names of the HAR's pages (the default scope), in page order; empty when the HAR has no pages. */
  pageHosts: string[];
  /** Entries left out: not http(s) (data:, blob:, ws:...), or a browser's CORS preflight. */
  ignored: number;
  /** Entries read. */
  entries: number;
}

interface PendingEntry {
  request?: TargetRequest | undefined;
  pageref?: string;
}

function fail(file: string, tokens: readonly (string | number)[], problem: string): never {
  throw new InputFileError(file, jsonPointer(tokens), problem);
}

function headerList(file: string, where: (string | number)[], value: unknown): HeaderList {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(file, where, 'expected an array of {"name", "value"} objects');
  return value.map((item: unknown, index) => {
    const header = item as { name?: unknown; value?: unknown } | null;
    if (header === null || typeof header !== 'object' || typeof header.name !== 'string') {
      fail(file, [...where, index, 'name'], 'expected a string');
    }
    if (typeof header.value !== 'string') fail(file, [...where, index, 'value'], 'expected a string');
    return [header.name, header.value] as [string, string];
  });
}

/** Reads one `request` object into a target, or undefined for one that is not the application's own http(s) request. */
function requestOf(file: string, index: number, value: unknown): TargetRequest | undefined {
  const where = ['log', 'entries', index, 'request'];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(file, where, 'expected an object');
  const request = value as { method?: unknown; url?: unknown; headers?: unknown; cookies?: unknown };
  if (typeof request.method !== 'string') fail(file, [...where, 'method'], 'expected a string');
  if (typeof request.url !== 'string') fail(file, [...where, 'url'], 'expected a string');
  if (!/^https?:/i.test(request.url)) return undefined;
  const url = normalizeTarget(request.url);
  if (!('url' in url)) fail(file, [...where, 'url'], url.reason);
  const headers = headerList(file, [...where, 'headers'], request.headers);
  // Some exporters list the request's cookies only in `cookies`, not as a Cookie header: the probes carry them too.
  if (!headers.some(([name]) => name.toLowerCase() === 'cookie')) {
    const cookies = headerList(file, [...where, 'cookies'], request.cookies);
    if (cookies.length > 0) headers.push(['Cookie', cookies.map(([name, value]) => `${name}=${value}`).join('; ')]);
  }
  // A CORS preflight the browser sent on the page's behalf is not a request of the application: the request it
  // preceded is in the HAR too, and its preflight is the one the scan sends.
  if (
    request.method.toUpperCase() === 'OPTIONS' &&
    headers.some(([name]) => /^access-control-request-method$/i.test(name))
  ) {
    return undefined;
  }
  try {
    return targetRequest(url.url, request.method, headers);
  } catch (error) {
    if (error instanceof TargetRequestError) fail(file, [...where, 'method'], error.message);
    throw error;
  }
}

/** The 1-based line of byte `position`, given the chunks fed so far (only newline counts are kept). */
class LineCounter {
  private linesBefore = 1;
  private chunkStart = 0;
  private chunk: Buffer = Buffer.alloc(0);

  feed(chunk: Buffer): void {
    for (let i = this.chunk.indexOf(0x0a); i !== -1; i = this.chunk.indexOf(0x0a, i + 1)) this.linesBefore++;
    this.chunkStart += this.chunk.length;
    this.chunk = chunk;
  }

  lineOf(position: number): number {
    let line = this.linesBefore;
    const end = Math.min(position - this.chunkStart, this.chunk.length);
    for (let i = this.chunk.indexOf(0x0a); i !== -1 && i < end; i = this.chunk.indexOf(0x0a, i + 1)) line++;
    return line;
  }
}

/**
 * Why the parser stopped, in words, with the line: the tokenizer names the byte it choked on; the token parser (a
 * token where none may be) does not, so `lastToken` (the offset of the last token read) places it.
 */
function syntaxError(file: string, error: Error, lines: LineCounter, lastToken: number | undefined): InputFileError {
  const position = /absolute position "(\d+)"/.exec(error.message)?.[1] ?? lastToken;
  if (position !== undefined) {
    const found =
      /Unexpected "(.*?)" at/.exec(error.message)?.[1] ?? /Unexpected \w+ \("(.*?)"\)/.exec(error.message)?.[1];
    return new InputFileError(
      file,
      `line ${lines.lineOf(Number(position))}`,
      `not valid JSON${found === undefined ? '' : ` (unexpected ${JSON.stringify(found)})`}`,
    );
  }
  return new InputFileError(file, '', 'not valid JSON: the file ends in the middle of a value (cut short?)');
}

/** The host of a page: its title when that is a URL (Chrome), else the host of its first request (Firefox). */
function pageHost(title: unknown, firstRequest: TargetRequest | undefined): string | undefined {
  if (typeof title === 'string' && /^https?:\/\//i.test(title)) {
    try {
      return new URL(title).hostname;
    } catch {
      // Not a URL after all: fall back to the page's first request.
    }
  }
  return firstRequest === undefined ? undefined : new URL(firstRequest.url).hostname;
}

/**
 * Reads a HAR file, streaming. Throws `InputFileError` naming the file and where (a line for broken JSON, a JSON
 * pointer for a HAR that is JSON but not a HAR), never a stack trace.
 */
export async function readHar(file: string): Promise<HarContents> {
  await refuseBinary(file);
  const parser = new JSONParser({
    // Never `$.log` itself: that would build the whole log, bodies included.
    paths: ['$.log.version', '$.log.pages.*', '$.log.entries.*.request', '$.log.entries.*.pageref'],
    keepStack: false,
  });
  const pages: { id: unknown; title: unknown }[] = [];
  const pending = new Map<number, PendingEntry>();
  const targets = new Map<string, TargetRequest>();
  const firstOfPage = new Map<string, TargetRequest>();
  let ignored = 0;
  let entries = 0;
  // Set from the parser's callback (an object, so the compiler does not read it as never assigned).
  const seen = { log: false };
  let problem: Error | undefined;

  const settle = (index: number, entry: PendingEntry) => {
    pending.delete(index);
    entries++;
    if (entry.request === undefined) {
      ignored++;
      return;
    }
    const key = `${entry.request.method ?? 'GET'} ${entry.request.url}`;
    if (!targets.has(key)) targets.set(key, entry.request);
    if (entry.pageref !== undefined && !firstOfPage.has(entry.pageref)) firstOfPage.set(entry.pageref, entry.request);
  };

  parser.onValue = ({ value, key, stack }) => {
    if (problem !== undefined) return;
    try {
      const path = stack.map((level) => level.key);
      seen.log = true;
      if (key === 'version') return;
      if (path[2] === 'pages') {
        const page = value as { id?: unknown; title?: unknown } | null;
        if (page === null || typeof page !== 'object') fail(file, ['log', 'pages', key ?? 0], 'expected an object');
        pages.push({ id: page.id, title: page.title });
        return;
      }
      if (path[2] === 'entries' && typeof path[3] === 'number') {
        const index = path[3];
        // Entries arrive one at a time: the previous one is complete when the next begins.
        for (const [earlier, entry] of pending) if (earlier < index && 'request' in entry) settle(earlier, entry);
        const entry = pending.get(index) ?? {};
        if (key === 'request') entry.request = requestOf(file, index, value);
        else if (typeof value === 'string') entry.pageref = value;
        pending.set(index, entry);
      }
    } catch (error) {
      problem = error as Error;
    }
  };

  const lines = new LineCounter();
  const last: { token?: number } = {};
  parser.onToken = ({ offset }) => {
    last.token = offset;
  };
  const stream = createReadStream(file);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      lines.feed(chunk);
      try {
        parser.write(chunk);
      } catch (error) {
        throw syntaxError(file, error as Error, lines, last.token);
      }
      if (problem !== undefined) throw problem;
    }
    if (!parser.isEnded) {
      try {
        parser.end();
      } catch (error) {
        throw syntaxError(file, error as Error, lines, undefined);
      }
    }
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(file, '', `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  } finally {
    stream.destroy();
  }
  if (problem !== undefined) throw problem;
  if (!seen.log) throw new InputFileError(file, '/log', 'not a HAR file: no "log" object with entries');
  for (const [index, entry] of pending) {
    if (!('request' in entry)) fail(file, ['log', 'entries', index, 'request'], 'missing: every entry has a request');
    settle(index, entry);
  }
  const pageHosts: string[] = [];
  for (const page of pages) {
    const host = pageHost(page.title, typeof page.id === 'string' ? firstOfPage.get(page.id) : undefined);
    if (host !== undefined && !pageHosts.includes(host)) pageHosts.push(host);
  }
  return { targets: [...targets.values()], pageHosts, ignored, entries };
}

/** Refuses a file that is not text before parsing (its first 64 KiB decide), as `--input` does. */
async function refuseBinary(file: string): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const reason = notTextReason(buffer.subarray(0, bytesRead), bytesRead < buffer.length);
    if (reason !== undefined) throw new InputFileError(file, '', `${reason}; a HAR is a JSON text file`);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(
      file,
      '',
      `cannot read: ${code === 'EISDIR' ? 'it is a directory' : (code ?? String(error))}`,
    );
  } finally {
    await handle?.close();
  }
}
