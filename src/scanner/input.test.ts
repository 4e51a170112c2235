import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  maxLineBytes,
  normalizeTarget,
  notTextReason,
  readTargets,
  TargetListError,
  type InvalidTarget,
} from './input.js';
import type { ScanTarget } from './types.js';

describe('normalizeTarget', () => {
  it.each([
    ['https://api.example.com/v1?x=1#frag', 'https://api.example.com/v1?x=1'],
    ['HTTP://API.example.com', 'http://api.example.com/'],
    ['api.example.com', 'https://api.example.com/'],
    ['api.example.com:8443/data', 'https://api.example.com:8443/data'],
    ['localhost:3000', 'https://localhost:3000/'],
  ])('%s -> %s', (text, url) => {
    expect(normalizeTarget(text)).toEqual({ url });
  });

  it.each([
    ['ftp://files.example.com/', "unsupported scheme 'ftp:' in 'ftp://files.example.com/' (http or https only)"],
    ['https://user:pass@example.com/', "a target URL has no user info: 'https://user:pass@example.com/'"],
    ['http://[::1', "invalid URL 'http://[::1'"],
    ['two words', "invalid URL 'two words'"],
    ['javascript:alert(1)', "unsupported scheme 'javascript:' in 'javascript:alert(1)' (http or https only)"],
  ])('rejects %s', (text, reason) => {
    expect(normalizeTarget(text)).toEqual({ reason });
  });
});

describe('readTargets', () => {
  it('streams valid lines, skips blanks and comments, reports bad lines with their number (CRLF too)', async () => {
    const text = 'https://a.example/\r\n\r\n# comment\r\n  b.example  \r\nftp://c.example/\r\nhttps://d.example/x';
    const invalid: InvalidTarget[] = [];
    const urls: ScanTarget[] = [];
    for await (const url of readTargets(Readable.from([text.slice(0, 7), text.slice(7)]), (bad) => invalid.push(bad))) {
      urls.push(url);
    }
    expect(urls).toEqual(['https://a.example/', 'https://b.example/', 'https://d.example/x']);
    expect(invalid).toEqual([
      {
        line: 5,
        text: 'ftp://c.example/',
        reason: "unsupported scheme 'ftp:' in 'ftp://c.example/' (http or https only)",
      },
    ]);
  });

  it('pulls lines lazily: a consumer that stops early leaves the rest unread', async () => {
    let produced = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 100_000; i++) {
          produced++;
          yield `https://t${i}.example/\n`;
        }
      })(),
    );
    let seen = 0;
    for await (const _url of readTargets(source, () => undefined)) {
      if (++seen === 10) break;
    }
    // Stream buffers read ahead a little (about a thousand short lines here), never the whole list.
    expect(produced).toBeLessThan(5000);
  });
});

describe('readTargets: bounded input', () => {
  async function read(chunks: (string | Buffer)[]): Promise<{ urls: ScanTarget[]; invalid: InvalidTarget[] }> {
    const urls: ScanTarget[] = [];
    const invalid: InvalidTarget[] = [];
    for await (const url of readTargets(Readable.from(chunks), (bad) => invalid.push(bad))) urls.push(url);
    return { urls, invalid };
  }

  it('refuses a line over 8 KiB with its line number, and reads on', async () => {
    const long = `https://x.example/${'a'.repeat(maxLineBytes)}`;
    const exact = `https://y.example/${'b'.repeat(maxLineBytes - 'https://y.example/'.length)}`;
    expect(Buffer.byteLength(exact)).toBe(maxLineBytes);
    // Split across chunks at awkward places, CRLF endings.
    const text = `https://a.example/\r\n${long}\r\n${exact}\r\nhttps://c.example/`;
    const { urls, invalid } = await read([text.slice(0, 30), text.slice(30, 5000), text.slice(5000)]);
    expect(urls).toEqual(['https://a.example/', exact, 'https://c.example/']);
    expect(invalid).toEqual([{ line: 2, text: long.slice(0, 80), reason: 'line longer than 8 KiB' }]);
  });

  it('keeps memory flat on a huge line without a newline', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < 64; i++) {
          peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
          yield chunk;
        }
        yield Buffer.from('\nhttps://after.example/\n');
      })(),
    );
    const invalid: InvalidTarget[] = [];
    const urls: ScanTarget[] = [];
    for await (const url of readTargets(source, (bad) => invalid.push(bad))) urls.push(url);
    expect(urls).toEqual(['https://after.example/']);
    expect(invalid.map((bad) => [bad.line, bad.reason])).toEqual([[1, 'line longer than 8 KiB']]);
    // 64 MiB went through; what stayed is at most the line cap and a chunk or two, not the line.
    expect(peak).toBeLessThan(8 * 1024 * 1024);
  });

  it('refuses input that is not text: a NUL byte, or bytes that are not UTF-8', async () => {
    await expect(
      read(['https://a.example/\n', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00, 0x01])]),
    ).rejects.toThrow(new TargetListError('not a text file (a NUL byte at offset 24)'));
    await expect(read([Buffer.from('https://a.example/\n\xff\xfe\n', 'latin1')])).rejects.toThrow(
      new TargetListError('line 2: not a text file (not valid UTF-8)'),
    );
    // A UTF-8 byte-order mark and characters split across chunks are text.
    const bytes = Buffer.from('\ufeffhttps://bücher.example/\n', 'utf8');
    expect((await read([bytes.subarray(0, 17), bytes.subarray(17)])).urls).toEqual(['https://xn--bcher-kva.example/']);
  });

  it('tells a binary file from text by its first bytes', () => {
    expect(notTextReason(Buffer.from('https://a.example/\n'))).toBeUndefined();
    expect(notTextReason(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]))).toBe(
      'not a text file (a NUL byte at offset 8)',
    );
    expect(notTextReason(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('not a text file (not valid UTF-8)');
    // The first bytes of a longer file may end inside a character.
    expect(notTextReason(Buffer.from('ü', 'utf8').subarray(0, 1), false)).toBeUndefined();
  });
});
