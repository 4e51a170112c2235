import { mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError } from './errors.js';
import { readHar } from './har.js';

function scratch(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'corsight-har-'));
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

function entry(method: string, url: string, headers: [string, string][], pageref?: string): unknown {
  return {
    ...(pageref === undefined ? {} : { pageref }),
    request: { method, url, httpVersion: 'HTTP/1.1', headers: headers.map(([name, value]) => ({ name, value })) },
    response: { status: 200, content: { size: 4, mimeType: 'image/png', text: 'iVBORw0K', encoding: 'base64' } },
  };
}

async function failure(promise: Promise<unknown>): Promise<InputFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputFileError);
  return error as InputFileError;
}

describe('readHar', () => {
  it('one target per distinct (method, URL), first request kept; pages by title or first request; non-http and preflights ignored', async () => {
    const har = {
      log: {
        version: '1.2',
        creator: { name: 'Firefox', version: '128' },
        // Firefox: the title is the document title, not a URL; the page's first request names its host.
        pages: [{ id: 'page_1', title: 'My app', startedDateTime: '2026-01-01T00:00:00Z' }],
        entries: [
          entry('GET', 'https://app.example.test/', [['Host', 'app.example.test']], 'page_1'),
          entry(
            'GET',
            'https://api.example.test/me#frag',
            [
              [':authority', 'api.example.test'],
              ['Cookie', 'sid=1'],
              ['Authorization', 'Bearer abc'],
              ['Origin', 'https://app.example.test'],
              ['Content-Length', '0'],
              ['Connection', 'keep-alive'],
              ['Sec-Fetch-Mode', 'cors'],
              ['User-Agent', 'Mozilla/5.0'],
              ['If-None-Match', '"x"'],
              ['Accept', 'application/json'],
            ],
            'page_1',
          ),
          entry('GET', 'https://api.example.test/me', [['Cookie', 'sid=2']], 'page_1'),
          entry('PUT', 'https://api.example.test/me', [['X-Api-Key', 'k']], 'page_1'),
          entry('GET', 'data:image/png;base64,AAAA', [], 'page_1'),
          entry('OPTIONS', 'https://api.example.test/me', [['Access-Control-Request-Method', 'PUT']], 'page_1'),
          entry('GET', 'wss://api.example.test/live', [], 'page_1'),
        ],
      },
    };
    const read = await readHar(scratch('ff.har', JSON.stringify(har, null, 2)));
    expect(read.pageHosts).toEqual(['app.example.test']);
    expect(read.entries).toBe(7);
    // data:, wss: and the browser's own preflight.
    expect(read.ignored).toBe(3);
    expect(read.targets).toEqual([
      { url: 'https://app.example.test/', method: 'GET' },
      {
        url: 'https://api.example.test/me',
        method: 'GET',
        headers: [
          ['Cookie', 'sid=1'],
          ['Authorization', 'Bearer abc'],
          ['Accept', 'application/json'],
        ],
        preflight: { method: 'GET', headers: ['authorization'] },
      },
      {
        url: 'https://api.example.test/me',
        method: 'PUT',
        headers: [['X-Api-Key', 'k']],
        preflight: { method: 'PUT', headers: ['x-api-key'] },
      },
    ]);
  });

  it('Chrome: the page title is its URL; a HAR without pages has no page hosts', async () => {
    const chrome = {
      log: {
        version: '1.2',
        pages: [{ id: 'page_2', title: 'https://shop.example.test/cart' }],
        entries: [entry('GET', 'https://cdn.example.test/a.js', [], 'page_2')],
      },
    };
    expect((await readHar(scratch('c.har', JSON.stringify(chrome)))).pageHosts).toEqual(['shop.example.test']);
    const burp = { log: { version: '1.2', entries: [entry('GET', 'https://a.example.test/', [])] } };
    expect((await readHar(scratch('b.har', JSON.stringify(burp)))).pageHosts).toEqual([]);
  });

  it('takes the cookies from `cookies` when the request has no Cookie header', async () => {
    const request = {
      method: 'GET',
      url: 'https://a.example.test/',
      headers: [],
      cookies: [
        { name: 'sid', value: '1' },
        { name: 'theme', value: 'dark' },
      ],
    };
    const read = await readHar(scratch('k.har', JSON.stringify({ log: { entries: [{ request }] } })));
    expect(read.targets[0]?.headers).toEqual([['Cookie', 'sid=1; theme=dark']]);
  });

  it('streams a large HAR (bodies never held): 60 MB of response bodies', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'corsight-har-')), 'big.har');
    const out = createWriteStream(file);
    const body = 'A'.repeat(1024 * 1024);
    out.write('{"log":{"version":"1.2","entries":[');
    for (let i = 0; i < 60; i++) {
      const e = entry('GET', `https://big.example.test/r/${i % 20}`, [['Cookie', 'sid=1']]) as {
        response: { content: { text: string } };
      };
      e.response.content.text = body;
      out.write(`${i === 0 ? '' : ','}${JSON.stringify(e)}`);
    }
    out.end(']}}');
    await new Promise<void>((resolve) => out.on('close', () => resolve()));
    const heap = process.memoryUsage().heapUsed;
    const read = await readHar(file);
    expect(read.entries).toBe(60);
    expect(read.targets).toHaveLength(20);
    // Far less than the file: no body was ever built as a value (the tokenizer passes them through).
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(40 * 1024 * 1024);
  });

  describe('bad input: one error naming the file and where', () => {
    it('broken JSON: the line', async () => {
      const file = scratch('broken.har', '{\n  "log": {\n    "entries": [\n      {"request": }\n    ]\n  }\n}\n');
      const error = await failure(readHar(file));
      expect(error.message).toBe(`${file} at line 4: not valid JSON (unexpected "}")`);
    });

    it('cut short', async () => {
      const file = scratch('cut.har', '{"log": {"entries": [');
      expect((await failure(readHar(file))).message).toBe(
        `${file}: not valid JSON: the file ends in the middle of a value (cut short?)`,
      );
    });

    it('JSON that is no HAR', async () => {
      const file = scratch('other.json', '{"name": "x"}');
      expect((await failure(readHar(file))).message).toBe(
        `${file} at /log: not a HAR file: no "log" object with entries`,
      );
    });

    it('an entry without a URL, a header that is not a name/value pair: their JSON pointers', async () => {
      const noUrl = scratch(
        'nourl.har',
        JSON.stringify({ log: { entries: [entry('GET', 'https://a.test/', []), { request: { method: 'GET' } }] } }),
      );
      expect((await failure(readHar(noUrl))).where).toBe('/log/entries/1/request/url');
      const badHeader = scratch(
        'hdr.har',
        JSON.stringify({
          log: { entries: [{ request: { method: 'GET', url: 'https://a.test/', headers: [{ name: 'X' }] } }] },
        }),
      );
      expect((await failure(readHar(badHeader))).where).toBe('/log/entries/0/request/headers/0/value');
      const badMethod = scratch('m.har', JSON.stringify({ log: { entries: [entry('TRACE', 'https://a.test/', [])] } }));
      expect((await failure(readHar(badMethod))).where).toBe('/log/entries/0/request/method');
    });

    it('a binary file, a directory, a missing file', async () => {
      const binary = scratch('bin.har', Buffer.from([0x7b, 0x00, 0x01, 0x02]));
      expect((await failure(readHar(binary))).message).toBe(
        `${binary}: not a text file (a NUL byte at offset 1); a HAR is a JSON text file`,
      );
      const dir = mkdtempSync(path.join(tmpdir(), 'corsight-har-'));
      expect((await failure(readHar(dir))).message).toBe(`${dir}: cannot read: it is a directory`);
      expect((await failure(readHar(path.join(dir, 'none.har')))).message).toBe(
        `${path.join(dir, 'none.har')}: cannot read: ENOENT`,
      );
    });
  });
});
