import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  httpServer,
  preflightCheck,
  rawServer,
  reflecting,
  reflectionCheck,
  type TestServer,
} from '../../scanner/__fixtures__/servers.js';
import { UsageError } from '../exit-codes.js';
import { runScan, type ScanCommandOptions } from './scan.js';

const checks = [reflectionCheck, preflightCheck];
let server: TestServer;
let clean: TestServer;
let dir: string;

beforeAll(async () => {
  server = await httpServer(reflecting);
  clean = await httpServer((_req, res) => res.end('nothing to see'));
  dir = await mkdtemp(join(tmpdir(), 'corsight-scan-'));
});
afterAll(async () => {
  await server.close();
  await clean.close();
});

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** A real stream that says whether it is a terminal, as process.stdout does. */
class TtyPassThrough extends PassThrough {
  constructor(readonly isTTY: boolean) {
    super();
  }
}

function tty(isTTY: boolean): TtyPassThrough {
  return new TtyPassThrough(isTTY);
}

async function scan(
  urls: string[],
  options: ScanCommandOptions = {},
  env: { stdin?: string; ttyOut?: boolean; ttyErr?: boolean; cwd?: string } = {},
): Promise<Captured> {
  const stdin = new PassThrough();
  stdin.end(env.stdin ?? '');
  const stdout = tty(env.ttyOut === true);
  const stderr = tty(env.ttyErr === true);
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io = env.cwd === undefined ? { stdin, stdout, stderr } : { stdin, stdout, stderr, cwd: env.cwd };
  const code = await runScan(urls, { timeout: '3000', ...options }, io, checks);
  return { code, stdout: out, stderr: err };
}

/** The target records of a JSONL report, after checking that its last line is the summary record. */
function targetLines(text: string): { url: string; status: string; error?: string }[] {
  const lines = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.at(-1)).toHaveProperty('summary');
  return lines.slice(0, -1) as unknown as { url: string; status: string; error?: string }[];
}

async function usage(urls: string[], options: ScanCommandOptions): Promise<string> {
  try {
    await scan(urls, options);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

const savedNoColor = process.env.NO_COLOR;
afterEach(() => {
  if (savedNoColor === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = savedNoColor;
});

describe('corsight scan: exit codes', () => {
  it('exits 1 when a finding reaches --fail-on (default high), 0 otherwise', async () => {
    expect((await scan([`${server.url}/a`])).code).toBe(1);
    expect((await scan([`${server.url}/a`], { failOn: 'critical' })).code).toBe(0);
    expect((await scan([`${server.url}/a`], { failOn: 'medium', checks: 'permissive-preflight' })).code).toBe(1);
    expect((await scan([`${server.url}/a`], { failOn: 'none' })).code).toBe(0);
    expect((await scan([`${clean.url}/`], { failOn: 'info' })).code).toBe(0);
  });

  it('exits 0 for a target that fails (the error is in the report, not a finding)', async () => {
    const result = await scan(['http://down.invalid/'], { format: 'jsonl' });
    expect(result.code).toBe(0);
    expect(targetLines(result.stdout)[0]).toMatchObject({ status: 'error', error: expect.stringMatching(/^DNS: /) });
  });

  it('with --fail-on-error exits 3 when a target could not be scanned, unless a finding already exits 1', async () => {
    const down = 'http://down.invalid/';
    expect((await scan([down, `${clean.url}/`], { format: 'jsonl', failOnError: true })).code).toBe(3);
    expect((await scan([`${clean.url}/`], { format: 'jsonl', failOnError: true })).code).toBe(0);
    expect((await scan([down, `${server.url}/a`], { format: 'jsonl', failOnError: true })).code).toBe(1);
    expect((await scan([down, `${server.url}/a`], { format: 'jsonl', failOnError: true, failOn: 'none' })).code).toBe(
      3,
    );
  });

  it('names bad flag values as usage errors', async () => {
    expect(await usage([server.url], { checks: 'origin-reflected,nope' })).toBe(
      "unknown check id 'nope' (known: origin-reflected, permissive-preflight)",
    );
    expect(await usage([server.url], { resolve: ['lab.test'] })).toMatch(
      /^bad --resolve 'lab\.test': no HOST: before the address/,
    );
    expect(await usage([server.url], { resolve: ['lab.test:not-an-ip'] })).toMatch(
      /^bad --resolve 'lab\.test:not-an-ip': 'not-an-ip' is not an IPv4 or IPv6 address/,
    );
    expect(await usage([server.url], { header: ['NoColonHere'] })).toBe(
      "bad --header 'NoColonHere': expected 'Name: value'",
    );
    expect(await usage([server.url], { header: ['Origin: https://x.test'] })).toMatch(
      /Origin header is set by each probe/,
    );
    expect(await usage([server.url], { concurrency: '0' })).toBe(
      "bad --concurrency '0': expected a whole number of at least 1",
    );
    expect(await usage([server.url], { timeout: 'soon' })).toBe(
      "bad --timeout 'soon': expected a whole number of at least 1",
    );
    expect(await usage([server.url], { rate: '-1' })).toBe("bad --rate '-1': expected a number, 0 or more");
    expect(await usage([server.url], { origin: ['https://app.example.com/path'] })).toMatch(/^bad --origin .*no path/);
    expect(await usage([server.url], { proxy: 'socks5://127.0.0.1:1080' })).toMatch(
      /^bad --proxy .*only http and https/,
    );
    expect(await usage([server.url], { method: 'TRACE' })).toMatch(/^bad --method 'TRACE'/);
    expect(await usage([server.url], { format: 'xml' })).toMatch(/^bad --format 'xml'/);
    expect(await usage([server.url], { failOn: 'severe' })).toMatch(/^bad --fail-on 'severe'/);
    expect(await usage([], {})).toMatch(/^no targets/);
    expect(await usage([], { input: join(dir, 'missing.txt') })).toMatch(/^cannot read --input .*missing\.txt: ENOENT/);
    expect(await usage(['not a url'], {})).toBe('no valid targets (1 skipped)');
    expect(await usage([], { input: dir })).toBe(`cannot read --input ${dir}: it is a directory`);
    expect(await usage([server.url], { report: ['xml:out.xml'] })).toBe(
      "bad --report 'xml:out.xml': expected FORMAT:FILE with FORMAT one of text, json, jsonl, sarif, markdown, html, junit",
    );
    expect(await usage([server.url], { report: ['sarif'] })).toBe("bad --report 'sarif': no FILE after 'sarif:'");
    expect(await usage([server.url], { report: ['sarif:'] })).toBe("bad --report 'sarif:': no FILE after 'sarif:'");
    expect(await usage([server.url], { output: join(dir, 'r'), report: [`json:${join(dir, 'r')}`] })).toBe(
      `bad --report 'json:${join(dir, 'r')}': ${join(dir, 'r')} is already written by --output`,
    );
    expect(await usage([server.url], { report: ['json:r.json', 'sarif:./r.json'] })).toBe(
      "bad --report 'sarif:./r.json': ./r.json is already written by --report json:r.json",
    );
  });
});

describe('corsight scan: input', () => {
  it('reads --input line by line, reporting bad lines with their number and scanning the rest', async () => {
    const file = join(dir, 'targets.txt');
    await writeFile(
      file,
      [
        `${server.url}/one`,
        '# a comment',
        '',
        'ftp://files.example.com/',
        'http://[bad',
        `${clean.url}/two`,
        `127.0.0.1:${server.port}/three`,
      ].join('\n'),
    );
    const result = await scan([], { input: file, format: 'jsonl', failOn: 'none' });
    expect(result.stderr).toBe(
      `corsight: ${file}:4: unsupported scheme 'ftp:' in 'ftp://files.example.com/' (http or https only) (skipped)\n` +
        `corsight: ${file}:5: invalid URL 'http://[bad' (skipped)\n`,
    );
    const urls = targetLines(result.stdout)
      .map((line) => line.url)
      .sort();
    // A bare host:port means https (and fails here with a TLS error, which is a result, not a skip).
    expect(urls).toEqual([`${clean.url}/two`, `${server.url}/one`, `https://127.0.0.1:${server.port}/three`].sort());
  });

  it('reads targets from stdin with --input -, after the URLs given as arguments', async () => {
    const result = await scan(
      [`${server.url}/arg`],
      { input: '-', format: 'jsonl' },
      { stdin: `${server.url}/piped\nnope nope\n` },
    );
    expect(result.stderr).toBe("corsight: stdin:2: invalid URL 'nope nope' (skipped)\n");
    expect(targetLines(result.stdout)).toHaveLength(2);
    expect(result.code).toBe(1);
  });

  it('reports a bad URL argument by position and scans the others', async () => {
    const result = await scan(['mailto:someone@example.com', `${clean.url}/`], { format: 'jsonl' });
    expect(result.stderr).toBe(
      "corsight: argument 1: unsupported scheme 'mailto:' in 'mailto:someone@example.com' (http or https only) (skipped)\n",
    );
    expect(targetLines(result.stdout)).toHaveLength(1);
  });
});

describe('corsight scan: output', () => {
  it('prints the text report without colour unless stdout is a TTY, and never with NO_COLOR or --no-color', async () => {
    const esc = '\u001b[';
    expect((await scan([`${server.url}/`])).stdout).not.toContain(esc);
    expect((await scan([`${server.url}/`], {}, { ttyOut: true })).stdout).toContain(esc);
    expect((await scan([`${server.url}/`], { color: false }, { ttyOut: true })).stdout).not.toContain(esc);
    process.env.NO_COLOR = '1';
    expect((await scan([`${server.url}/`], {}, { ttyOut: true })).stdout).not.toContain(esc);
  });

  it('writes --output to the file and nothing to stdout', async () => {
    const file = join(dir, 'report.sarif');
    const result = await scan([`${server.url}/`], { output: file, format: 'sarif' });
    expect(result.stdout).toBe('');
    const log = JSON.parse(await readFile(file, 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.results).toHaveLength(2);
  });

  it('writes every --report from the same scan: one set of probes, the same results in each format', async () => {
    let requests = 0;
    const counted = await httpServer((req, res) => {
      requests++;
      reflecting(req, res);
    });
    const sarif = join(dir, 'extra.sarif');
    const markdown = join(dir, 'extra.md');
    let result: Captured;
    let single: number;
    try {
      result = await scan([`${counted.url}/x`], { format: 'json', report: [`sarif:${sarif}`, `markdown:${markdown}`] });
      single = requests;
      requests = 0;
      await scan([`${counted.url}/x`], { format: 'json' });
    } finally {
      await counted.close();
    }
    // The extra reports cost no extra request.
    expect(single).toBe(requests);
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout) as { targets: { url: string; findings: { check: string }[] }[] };
    expect(json.targets[0]?.findings.map((f) => f.check).sort()).toEqual(['origin-reflected', 'permissive-preflight']);
    const log = JSON.parse(await readFile(sarif, 'utf8')) as {
      version: string;
      runs: { results: { ruleId: string }[] }[];
    };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.results.map((r) => r.ruleId).sort()).toEqual(['origin-reflected', 'permissive-preflight']);
    const md = await readFile(markdown, 'utf8');
    expect(md).toContain(`${counted.url}/x`);
    expect(md).toContain('origin-reflected');
    // Files never get colour, even when stdout is a terminal.
    await scan([`${server.url}/`], { report: [`text:${join(dir, 'plain.txt')}`] }, { ttyOut: true });
    expect(await readFile(join(dir, 'plain.txt'), 'utf8')).not.toContain('\u001b[');
  });

  it('refuses a --report file it cannot create before sending anything', async () => {
    let requests = 0;
    const counted = await httpServer((req, res) => {
      requests++;
      reflecting(req, res);
    });
    try {
      const message = await usage([`${counted.url}/`], { report: [`json:${join(dir, 'no-such-dir', 'r.json')}`] });
      expect(message).toBe(`cannot write --report ${join(dir, 'no-such-dir', 'r.json')}: ENOENT`);
    } finally {
      await counted.close();
    }
    expect(requests).toBe(0);
  });

  it('draws progress on a TTY stderr only, and not with --quiet', async () => {
    const urls = [`${server.url}/1`, `${server.url}/2`];
    expect((await scan(urls, { format: 'jsonl' })).stderr).toBe('');
    const shown = (await scan(urls, { format: 'jsonl' }, { ttyErr: true })).stderr;
    expect(shown).toContain('2/2 targets, 4 findings, 0 errors');
    expect(shown.endsWith('\r\u001b[2K')).toBe(true);
    expect((await scan(urls, { format: 'jsonl', quiet: true }, { ttyErr: true })).stderr).toBe('');
  });

  it('sends --header and --cookie with every probe', async () => {
    const seen: string[] = [];
    const echo = await httpServer((req, res) => {
      seen.push(`${String(req.headers['x-token'])}|${String(req.headers.cookie)}`);
      reflecting(req, res);
    });
    try {
      await scan([`${echo.url}/`], { header: ['X-Token: t1'], cookie: 'sid=42', format: 'jsonl' });
    } finally {
      await echo.close();
    }
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen)).toEqual(new Set(['t1|sid=42']));
  });

  it("keeps the user's cookie and --header values out of the report unless --show-secrets", async () => {
    const flags = {
      header: ['X-Token: t1', 'Authorization: Bearer abc'],
      cookie: 'sid=42',
      format: 'json',
      failOn: 'none',
    };
    const hidden = (await scan([`${server.url}/`], flags)).stdout;
    expect(hidden).not.toMatch(/sid=42|"t1"|Bearer abc/);
    const evidence = (
      JSON.parse(hidden) as { targets: { findings: { evidence: { request: { headers: [string, string][] } } }[] }[] }
    ).targets[0]?.findings[0]?.evidence.request.headers;
    expect(evidence).toContainEqual(['Cookie', '[redacted]']);
    expect(evidence).toContainEqual(['X-Token', '[redacted]']);
    expect(evidence).toContainEqual(['Authorization', '[redacted]']);
    expect(evidence).toContainEqual(['Origin', 'https://attacker-corsight.example']);
    const shown = (await scan([`${server.url}/`], { ...flags, showSecrets: true })).stdout;
    expect(shown).toContain('sid=42');
    expect(shown).toContain('Bearer abc');
  });
});

describe('corsight scan: interruption', () => {
  it('on cancel starts no new target, completes a valid report of what finished, exits 130', async () => {
    const slow = await httpServer((req, res) => {
      if (req.url === '/fast') reflecting(req, res);
      else setTimeout(() => reflecting(req, res), 30_000).unref();
    });
    const controller = new AbortController();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Cancel as soon as the first target is reported.
      if (out.includes('"url"')) controller.abort();
    });
    const targets = [`${slow.url}/fast`, ...Array.from({ length: 50 }, (_, i) => `${slow.url}/slow${i}`)];
    try {
      const code = await runScan(
        targets,
        { format: 'json', concurrency: '2' },
        { stdin: new PassThrough(), stdout, stderr: new PassThrough(), signal: controller.signal },
        checks,
      );
      expect(code).toBe(130);
    } finally {
      await slow.close();
    }
    const report = JSON.parse(out) as {
      targets: { url: string; status: string; error?: string }[];
      summary: { targets: number };
    };
    expect(report.targets[0]).toMatchObject({ url: `${slow.url}/fast`, status: 'ok' });
    // The slow targets in flight (one, or two if another started before the cancel landed) are reported as
    // cancelled; the others never started.
    const rest = report.targets.slice(1);
    expect(rest.length).toBeGreaterThanOrEqual(1);
    expect(rest.length).toBeLessThanOrEqual(3);
    for (const target of rest) expect(target).toMatchObject({ status: 'error', error: 'scan cancelled' });
    expect(report.summary.targets).toBe(report.targets.length);
  });
});

describe('corsight scan: the built CLI', () => {
  const main = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

  function cli(args: string[], env: Record<string, string> = {}): Promise<Captured> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [main, ...args],
        { env: { ...process.env, ...env }, timeout: 60_000 },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  it('is built (npm test builds before testing)', () => {
    expect(existsSync(main)).toBe(true);
  });

  it('runs the real checks: exit 1 with the reflection found, JSON on stdout, nothing on stderr', async () => {
    // More targets at once than Node's default listener limit: no MaxListenersExceededWarning either.
    const urls = Array.from({ length: 24 }, (_, i) => `${server.url}/api${i}`);
    const result = await cli(['scan', ...urls, '--format', 'json', '--quiet', '--concurrency', '24']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { targets: { status: string; findings: { check: string }[] }[] };
    expect(report.targets).toHaveLength(24);
    expect(report.targets.every((t) => t.status === 'ok')).toBe(true);
    expect(report.targets[0]?.findings.map((f) => f.check)).toContain('origin-reflected');
  });

  it('exits 2 with the problem named on stderr for a bad flag', async () => {
    const unknown = await cli(['scan', server.url, '--checks', 'origin-reflected,bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^corsight: unknown check id 'bogus' \(known: origin-reflected, /);
    const format = await cli(['scan', server.url, '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/argument 'xml' is invalid/);
  });

  it('finishes the report and exits 130 on Ctrl-C (SIGINT)', async () => {
    const slow = await httpServer((req, res) => {
      if (req.url === '/fast') reflecting(req, res);
      else setTimeout(() => reflecting(req, res), 30_000).unref();
    });
    try {
      const child = spawn(process.execPath, [
        main,
        'scan',
        `${slow.url}/fast`,
        `${slow.url}/slow`,
        '--format',
        'jsonl',
        '--concurrency',
        '1',
        '--quiet',
      ]);
      let out = '';
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      let interrupted = false;
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        // One Ctrl-C (a second one quits at once, before the report's last line).
        if (out.includes('\n') && !interrupted) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      expect(code).toBe(130);
      expect(err).toContain('corsight: interrupted; finishing the report');
      const lines = targetLines(out);
      expect(lines.map((l) => [l.url.replace(slow.url, ''), l.status, l.error])).toEqual([
        ['/fast', 'ok', undefined],
        ['/slow', 'error', 'scan cancelled'],
      ]);
    } finally {
      await slow.close();
    }
  });

  /** Runs the built CLI on `urls` (jsonl, 2 at once) and, like `head -1`, closes its stdout after the first chunk. */
  async function scanLikeHead(urls: string[], extra: string[] = []): Promise<{ code: number | null; err: string }> {
    const child = spawn(process.execPath, [
      main,
      'scan',
      ...urls,
      '--format',
      'jsonl',
      '--concurrency',
      '2',
      '--fail-on',
      'none',
      ...extra,
    ]);
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    return { code, err };
  }

  it('stops scanning, quietly, when the reader of the report goes away (EPIPE)', async () => {
    const paths = new Set<string>();
    const counting = await httpServer((req, res) => {
      paths.add(req.url ?? '');
      reflecting(req, res);
    });
    const urls = Array.from({ length: 40 }, (_, i) => `${counting.url}/t${i}`);
    const { code, err } = await scanLikeHead(urls);
    await counting.close();
    expect(err).toBe('');
    expect(code).toBe(0);
    // The scan ended soon after the pipe closed instead of working through all 40 targets for nobody.
    expect(paths.size).toBeLessThan(20);
  });

  it('keeps scanning for a --report file when the reader of stdout goes away', async () => {
    const counting = await httpServer(reflecting);
    const urls = Array.from({ length: 40 }, (_, i) => `${counting.url}/t${i}`);
    const file = join(dir, 'kept.jsonl');
    const { code, err } = await scanLikeHead(urls, ['--report', `jsonl:${file}`]);
    await counting.close();
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = targetLines(await readFile(file, 'utf8'));
    expect(lines).toHaveLength(40);
  });

  it('exits 0 on a clean target and prints no colour when piped', async () => {
    // By IP address, the name-based checks need the owner's origin to build look-alikes from (else: partial).
    const result = await cli(['scan', `${clean.url}/`, '--fail-on', 'low', '--origin', 'https://app.example.com']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ http:\/\/127\.0\.0\.1:\d+\/ {2}no findings/);
    expect(result.stdout).not.toContain('\u001b[');
  });
});

describe('corsight scan: order, bounded input, audit trail', () => {
  it('reports targets in input order in every format, whatever finished first', async () => {
    const staggered = await httpServer((req, res) => {
      // The first target answers last.
      const delay = req.url === '/first' ? 400 : 0;
      setTimeout(() => reflecting(req, res), delay).unref();
    });
    const urls = ['/first', '/second', '/third'].map((p) => `${staggered.url}${p}`);
    const markdown = join(dir, 'order.md');
    try {
      const result = await scan(urls, { format: 'jsonl', concurrency: '3', report: [`markdown:${markdown}`] });
      expect(targetLines(result.stdout).map((t) => t.url)).toEqual(urls);
      const md = await readFile(markdown, 'utf8');
      const positions = urls.map((url) => md.indexOf(`## \`${url}\``));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    } finally {
      await staggered.close();
    }
  });

  it('refuses an --input file that is not text before sending anything (exit 2, one error)', async () => {
    let requests = 0;
    const counted = await httpServer((req, res) => {
      requests++;
      reflecting(req, res);
    });
    const file = join(dir, 'image.png');
    await writeFile(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    try {
      expect(await usage([`${counted.url}/`], { input: file })).toBe(
        `cannot read --input ${file}: not a text file (a NUL byte at offset 8)`,
      );
    } finally {
      await counted.close();
    }
    expect(requests).toBe(0);
    // Binary data after the first 64 KiB: the targets read so far are reported, then exit 2 with one error.
    const late = join(dir, 'late-binary.txt');
    await writeFile(
      late,
      Buffer.concat([Buffer.from(`${clean.url}/\n`), Buffer.alloc(70 * 1024, 0x23), Buffer.from([0x0a, 0x00])]),
    );
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await expect(
      runScan(
        [],
        { input: late, format: 'jsonl' },
        { stdin: new PassThrough(), stdout, stderr: new PassThrough() },
        checks,
      ),
    ).rejects.toThrow(
      new UsageError(
        `cannot read --input ${late}: not a text file (a NUL byte at offset ${clean.url.length + 2 + 70 * 1024 + 1})`,
      ),
    );
    expect(targetLines(out).map((t) => t.url)).toEqual([`${clean.url}/`]);
  });

  it('refuses lines over 8 KiB by number, prints at most 20 warnings then a count, escapes control characters', async () => {
    const file = join(dir, 'noisy.txt');
    const lines = [
      `${clean.url}/ok`,
      `https://long.example/${'a'.repeat(9000)}`,
      'http://[bad\u001b[2J\u0007',
      ...Array.from({ length: 24 }, (_, i) => `ftp://bad${i}.example/`),
    ];
    await writeFile(file, lines.join('\n'));
    const result = await scan([], { input: file, format: 'jsonl' });
    const warnings = result.stderr.trimEnd().split('\n');
    expect(warnings).toHaveLength(21);
    expect(warnings[0]).toBe(`corsight: ${file}:2: line longer than 8 KiB (skipped)`);
    expect(warnings[1]).toBe(`corsight: ${file}:3: invalid URL 'http://[bad\\x1b[2J\\x07' (skipped)`);
    expect(warnings[20]).toBe('corsight: 6 more targets skipped (only the first 20 warnings are shown)');
    expect(result.stderr).not.toContain('\u001b');
    expect(targetLines(result.stdout).map((t) => t.url)).toEqual([`${clean.url}/ok`]);
  });

  it('--verbose prints every probe on stderr (method, URL, Origin, status, CORS headers), escaped', async () => {
    // Raw bytes: a C1 control character (U+0085) in a header value, which Node's own server would refuse to send.
    const hostile = await rawServer((socket) => {
      socket.once('data', () => {
        socket.end(
          Buffer.from(
            'HTTP/1.1 200 OK\r\nX-Evil: x\r\nAccess-Control-Allow-Origin: https://evil.example\x85[2J\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok',
            'latin1',
          ),
        );
      });
    });
    try {
      const result = await scan([`${hostile.url}/v`], { format: 'jsonl', verbose: true });
      const probes = result.stderr.split('\n').filter((line) => line.startsWith('corsight: probe '));
      const acao = 'Access-Control-Allow-Origin: https://evil.example\\x85[2J';
      expect(probes).toContain(`corsight: probe GET ${hostile.url}/v  (no Origin) -> 200  ${acao}`);
      expect(probes).toContain(
        `corsight: probe GET ${hostile.url}/v  Origin: https://attacker-corsight.example -> 200  ${acao}`,
      );
      expect(
        probes.some((line) => line.includes('OPTIONS') && line.includes('Access-Control-Request-Method: PUT')),
      ).toBe(true);
      expect(result.stderr).not.toContain('\u0085');
      expect(result.stderr).not.toMatch(/x-evil/i);
    } finally {
      await hostile.close();
    }
  });

  it('--log FILE writes every probe as a JSON line, as many as the requests the report counts', async () => {
    const file = join(dir, 'probes.jsonl');
    const result = await scan([`${server.url}/logged`, 'http://down.invalid/'], { format: 'jsonl', log: file });
    const records = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            method: string;
            url: string;
            origin: string | null;
            outcome: string;
            status?: number;
            error?: string;
          },
      );
    const answered = records.filter((r) => r.url === `${server.url}/logged`);
    expect(answered.map((r) => [r.method, r.origin, r.outcome, r.status])).toContainEqual([
      'GET',
      'https://attacker-corsight.example',
      'answered',
      200,
    ]);
    expect(answered).toContainEqual(expect.objectContaining({ method: 'GET', origin: null, outcome: 'answered' }));
    expect(records.filter((r) => r.url === 'http://down.invalid/')).toEqual([
      expect.objectContaining({ outcome: 'failed', error: expect.stringMatching(/^DNS: /) as string }),
    ]);
    const requests = targetLines(result.stdout) as unknown as { url: string; requests: number }[];
    expect(answered).toHaveLength(requests[0]!.requests);
    expect(await usage([server.url], { log: join(dir, 'no-such-dir', 'p.jsonl') })).toBe(
      `cannot write --log ${join(dir, 'no-such-dir', 'p.jsonl')}: ENOENT`,
    );
  });

  it('points SARIF at a repository file: --sarif-artifact, else the --input file; never at the URL', async () => {
    const input = join(dir, 'sarif-targets.txt');
    await writeFile(input, `${server.url}/s\n`);
    const uriOf = (text: string) =>
      (
        JSON.parse(text) as {
          runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
        }
      ).runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
    // Run from the directory holding the list (the repository root, in CI).
    const fromInput = await scan([], { input, format: 'sarif' }, { cwd: dir });
    expect(uriOf(fromInput.stdout)).toBe('sarif-targets.txt');
    // A list outside the working directory cannot be a repository file: the default name is used.
    expect(uriOf((await scan([], { input, format: 'sarif' }, { cwd: join(dir, 'elsewhere') })).stdout)).toBe(
      'corsight.sarif',
    );
    const named = await scan([`${server.url}/s`], { format: 'sarif', sarifArtifact: 'deploy/targets list.txt' });
    expect(uriOf(named.stdout)).toBe('deploy/targets%20list.txt');
    expect(await usage([server.url], { sarifArtifact: 'https://example.com/x' })).toMatch(/^bad --sarif-artifact/);
  });

  it('with --fail-on-error exits 3 for a partial target: an Origin-dropping WAF is never "clean"', async () => {
    const waf = await httpServer((req, res) => {
      if (req.headers.origin !== undefined) req.socket.destroy();
      else res.end('ok');
    });
    try {
      const result = await scan([`${waf.url}/`], { failOnError: true, failOn: 'none' });
      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(/⚠ http:\/\/127\.0\.0\.1:\d+\/ {2}no findings so far/);
      expect(result.stdout).toMatch(/2 of 2 checks undecided: requests carrying Origin were refused/);
      expect(result.stdout).not.toContain('✓');
      expect(result.stdout).toContain('(0 ok, 1 partial, 0 errors)');
      expect((await scan([`${waf.url}/`], { failOn: 'none' })).code).toBe(0);
    } finally {
      await waf.close();
    }
  });
});
