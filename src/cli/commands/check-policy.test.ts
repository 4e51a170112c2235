import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../program.js';
import { checkPolicy } from './check-policy.js';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corsight-check-policy-'));
});

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function check(path: string, format: 'text' | 'json' = 'text') {
  const out = capture();
  const err = capture();
  const code = await checkPolicy(path, { format, color: false }, { stdout: out.stream, stderr: err.stream });
  return { code, out: out.text(), err: err.text() };
}

describe('corsight check-policy', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('exits 0 on a valid YAML policy', async () => {
    const r = await check(
      await file(
        'ok.yaml',
        'origins:\n  - https://app.example.com\n  - https://*.example.org\ncredentials: true\nmaxAge: 600\n',
      ),
    );
    expect(r.code).toBe(0);
    // The sub-domain wildcard is a declared risk: a warning with the scanner's check id, the policy stays valid.
    expect(r.out).toContain('warning any-subdomain-trusted at origins[1]');
    expect(r.out).toContain('0 errors, 1 warning (valid)');
    const exact = await check(await file('exact.yaml', 'origins:\n  - https://app.example.com\ncredentials: true\n'));
    expect(exact.code).toBe(0);
    expect(exact.out).toContain('valid CORS policy');
  });

  it('exits 1 and prints every problem (code, value, message) of a JSON policy', async () => {
    const r = await check(
      await file(
        'bad.json',
        JSON.stringify({ origins: ['*', 'null', 'https://*.github.io'], credentials: true, methods: ['TRACE'] }),
      ),
    );
    expect(r.code).toBe(1);
    for (const code of [
      'origin-wildcard-with-credentials',
      'origin-null',
      'origin-public-suffix-wildcard',
      'origin-wildcard-mixed',
      'method-forbidden',
    ]) {
      expect(r.out).toContain(code);
    }
    expect(r.out).toContain('at origins[1] = "null"');
    expect(r.out).toContain('anyone can register a subdomain');
    expect(r.out).toContain('5 errors, 0 warnings');
  });

  it('exits 0 with warnings only', async () => {
    const r = await check(await file('warn.yml', 'origins: [https://a.example.com, https://a.example.com]\n'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('warning origin-duplicate');
    expect(r.out).toContain('0 errors, 1 warning (valid)');
  });

  it('prints machine-readable JSON with --format json', async () => {
    const r = await check(await file('bad2.yaml', 'origins: [https://A.example.com]\nmaxAge: 99999\n'), 'json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ valid: false, errors: 2, warnings: 0 });
    expect(report.problems.map((p: { code: string }) => p.code)).toEqual(['origin-uppercase', 'max-age-out-of-range']);
    expect(report.problems[1]).toMatchObject({ path: 'maxAge', value: 99999, severity: 'error' });
  });

  it('exits 2 on a missing file', async () => {
    const r = await check(join(dir, 'nope.yaml'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot read');
    expect(r.err).toContain('ENOENT');
  });

  it.each([
    ['broken.json', '{ "origins": [ '],
    ['broken.yaml', 'origins: [unclosed\n  - x: : :'],
  ])('exits 2 on an unparsable file (%s)', async (name, content) => {
    const r = await check(await file(name, content));
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot parse');
  });

  it('exits 1 on a file that parses but is not an object', async () => {
    const r = await check(await file('scalar.yaml', 'just a string\n'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('config-not-object');
  });

  it.each([
    ['deep.json', `{"origins":${'['.repeat(6000)}${']'.repeat(6000)}}`],
    ['deep-root.json', `${'['.repeat(6000)}${']'.repeat(6000)}`],
    ['deep.yaml', `origins: ${'['.repeat(6000)}${']'.repeat(6000)}\n`],
    ['deep-moderate.json', `{"origins":${'['.repeat(40)}${']'.repeat(40)}}`],
  ])('exits 2 with a clear error, no stack trace, on values nested thousands deep (%s)', async (name, content) => {
    const r = await check(await file(name, content));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nested (too deeply|more than 16 levels deep)/);
    expect(r.err).not.toContain('    at ');
    expect(r.err).not.toContain('Maximum call stack');
  });

  it('refuses a FIFO by its type instead of waiting for a writer', async () => {
    const fifo = join(dir, 'policy.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await check(fifo);
    expect(r.code).toBe(2);
    expect(r.err).toContain('a FIFO');
  });

  it('refuses a directory', async () => {
    const r = await check(dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('a directory');
  });

  it('says "did you mean" for other middlewares\' option names and lists the known options once', async () => {
    const r = await check(
      await file('foreign.json', JSON.stringify({ origin: 'https://a.example.com', allowedHeaders: ['x-a'] })),
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('did you mean "origins"?');
    expect(r.out).toContain('did you mean "requestHeaders"?');
    expect(r.out.match(/known options:/g)).toHaveLength(1);
  });

  it('runs through the CLI program with exit codes', async () => {
    const good = await file('cli-ok.json', '{"origins":["https://app.example.com"]}');
    const bad = await file('cli-bad.json', '{"origins":[]}');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await run(['check-policy', good])).toBe(0);
      process.exitCode = undefined;
      expect(await run(['check-policy', bad])).toBe(1);
      process.exitCode = undefined;
      expect(await run(['check-policy', '--format', 'xml', good])).toBe(2);
      process.exitCode = undefined;
      expect(await run(['check-policy', '--help'])).toBe(0);
      const printed = write.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toContain('origins-empty');
      expect(printed).toContain('--format <format>');
    } finally {
      write.mockRestore();
      writeErr.mockRestore();
    }
  });
});
