import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { normalizeTarget, readTargets, type InvalidTarget } from './input.js';

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
    const urls: string[] = [];
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
