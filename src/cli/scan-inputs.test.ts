/**
 * `corsight scan` with the application inputs: per-target requests in --input (METHOD URL, JSONL), --openapi with
 * --base-url, --har errors, and the config file. Against the lab application on loopback.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabApp, type LabApp } from '../lab/index.js';
import { captureIO, type CapturedIO } from './__fixtures__/capture-scan.js';
import { runScan, type ScanCommandOptions } from './commands/scan.js';
import { UsageError } from './exit-codes.js';

interface JsonReport {
  targets: { url: string; method?: string; findings: { check: string }[] }[];
  summary: { targets: number };
}

function capture(cwd: string = tmpdir(), stdinText?: string): CapturedIO {
  return captureIO(stdinText === undefined ? { cwd } : { cwd, stdin: stdinText });
}

function scratchDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'corsight-inputs-'));
}

async function usageError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as UsageError).message;
}

let app: LabApp;
let session: string;
let csrf: string;

beforeAll(async () => {
  app = await startLabApp();
  const login = await fetch(`${app.url}/app/api/login`, { method: 'POST', body: '{}' });
  session = /session=([0-9a-f]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '';
  csrf = ((await login.json()) as { csrf: string }).csrf;
});

afterAll(async () => {
  await app.close();
});

const quiet: ScanCommandOptions = { quiet: true, format: 'json', config: false };

describe('--input with per-target requests', () => {
  it('METHOD URL and JSONL lines: each target its own method and headers; preflights ask for them; JSONL values redacted', async () => {
    const lines = [
      `GET ${app.url}/app/api/notes`,
      `DELETE ${app.url}/app/api/notes/7`,
      JSON.stringify({
        url: `${app.url}/app/api/profile`,
        method: 'GET',
        headers: { Cookie: `session=${session}`, 'X-Trace': 'trace-secret' },
      }),
      JSON.stringify({ url: `${app.url}/app/api/notes/8`, method: 'DELETE', headers: { 'X-CSRF-Token': csrf } }),
      '{"url": 5}',
    ].join('\n');
    const { io, stdout, stderr } = capture(tmpdir(), lines);
    const before = app.requests.length;
    const code = await runScan([], { ...quiet, input: '-' }, io);
    expect(code, stderr()).toBe(1);
    const report = JSON.parse(stdout()) as JsonReport;
    expect(report.targets.map((t) => `${t.method} ${new URL(t.url).pathname}`)).toEqual([
      'GET /app/api/notes',
      'DELETE /app/api/notes/7',
      'GET /app/api/profile',
      'DELETE /app/api/notes/8',
    ]);
    expect(report.targets[2]?.findings.map((f) => f.check)).toContain('origin-reflected');
    expect(stderr()).toContain('stdin:5: "url" must be a string (skipped)');
    const seen = app.requests.slice(before);
    // The JSONL line's CSRF header is asked for in its preflight; the bare DELETE line asks for no header.
    expect(
      seen.some(
        (r) => r.path === '/api/notes/8' && r.requestMethod === 'DELETE' && r.requestHeaders === 'x-csrf-token',
      ),
    ).toBe(true);
    expect(
      seen.some((r) => r.path === '/api/notes/7' && r.requestMethod === 'DELETE' && r.requestHeaders === undefined),
    ).toBe(true);
    expect(seen.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(stdout()).not.toContain(session);
    expect(stdout()).not.toContain('trace-secret');
    expect(stdout()).not.toContain(csrf);
  });
});

describe('--openapi', () => {
  const spec = `openapi: 3.0.3
info: { title: Notes, version: '1' }
servers: [{ url: 'https://notes.example.test/app' }]
components:
  securitySchemes:
    session: { type: apiKey, in: cookie, name: session }
  parameters:
    Csrf: { name: X-CSRF-Token, in: header, required: true, schema: { type: string } }
security: [{ session: [] }]
paths:
  /api/profile:
    get: { responses: { '200': { description: the user } } }
  /api/notes/{id}:
    delete:
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer, example: 41 } }
        - $ref: '#/components/parameters/Csrf'
      responses: { '204': { description: deleted } }
`;

  it('scans every operation at --base-url, with --cookie for the security scheme and the declared headers', async () => {
    const dir = scratchDir();
    const file = path.join(dir, 'notes.yaml');
    writeFileSync(file, spec);
    const { io, stdout, stderr } = capture(dir);
    const before = app.requests.length;
    const code = await runScan(
      [],
      {
        ...quiet,
        openapi: file,
        baseUrl: `${app.url}/app`,
        cookie: `session=${session}`,
        header: [`X-CSRF-Token: ${csrf}`],
      },
      io,
    );
    expect(code, stderr()).toBe(1);
    expect(stderr()).toContain(`${file}: OpenAPI 3.0.3, 2 operations at ${app.url}/app`);
    const report = JSON.parse(stdout()) as JsonReport;
    expect(report.targets.map((t) => `${t.method} ${t.url}`)).toEqual([
      `GET ${app.url}/app/api/profile`,
      `DELETE ${app.url}/app/api/notes/41`,
    ]);
    expect(report.targets[0]?.findings.map((f) => f.check)).toContain('origin-reflected');
    const seen = app.requests.slice(before);
    expect(
      seen.some(
        (r) => r.path === '/api/notes/41' && r.requestMethod === 'DELETE' && r.requestHeaders === 'x-csrf-token',
      ),
    ).toBe(true);
  });

  it('a broken document, a bad --base-url, --base-url without --openapi: exit 2 with one line', async () => {
    const dir = scratchDir();
    const file = path.join(dir, 'notes.yaml');
    writeFileSync(file, spec.replace('paths:', 'paths: [\n'));
    expect(await usageError(runScan([], { ...quiet, openapi: file }, capture(dir).io))).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} at line \\d+: not valid YAML or JSON`),
    );
    expect(await usageError(runScan([], { ...quiet, openapi: file, baseUrl: 'ftp://x' }, capture(dir).io))).toBe(
      "bad --base-url 'ftp://x': the scheme must be http or https",
    );
    expect(await usageError(runScan([`${app.url}/`], { ...quiet, baseUrl: 'https://x.test' }, capture(dir).io))).toBe(
      '--base-url replaces the server of an OpenAPI document: give --openapi FILE too',
    );
  });
});

describe('--har and --scope: bad input', () => {
  it('a malformed HAR is one line naming the file and the line, before anything is sent', async () => {
    const dir = scratchDir();
    const file = path.join(dir, 'broken.har');
    writeFileSync(file, '{"log": {\n"entries": [\n{"request": {"method": "GET", "url": ]}}');
    const before = app.requests.length;
    expect(await usageError(runScan([], { ...quiet, har: file }, capture(dir).io))).toBe(
      `${file} at line 3: not valid JSON (unexpected "]")`,
    );
    expect(app.requests.length).toBe(before);
    expect(await usageError(runScan([], { ...quiet, har: file, scope: ['https://x'] }, capture(dir).io))).toMatch(
      /^bad --scope 'https:\/\/x': expected a host name/,
    );
    expect(await usageError(runScan([`${app.url}/`], { ...quiet, scope: ['a.test'] }, capture(dir).io))).toBe(
      '--scope limits the hosts of a HAR: give --har FILE too',
    );
  });
});

describe('the config file', () => {
  it('is found upward from the working directory; paths in it are taken from its directory; flags override it', async () => {
    const root = scratchDir();
    const sub = path.join(root, 'services', 'api');
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(root, 'targets.txt'), `GET ${app.url}/app/api/notes\n`);
    writeFileSync(
      path.join(root, 'corsight.config.yaml'),
      `# the team's scan set-up\ntargets:\n  - ${app.url}/app/logo.png\ninput: targets.txt\nformat: json\nfail-on: none\ncookie: session=${session}\n`,
    );
    const configured = capture(sub);
    expect(await runScan([], { quiet: true }, configured.io)).toBe(0);
    const report = JSON.parse(configured.stdout()) as JsonReport;
    expect(report.targets.map((t) => t.url)).toEqual([`${app.url}/app/logo.png`, `${app.url}/app/api/notes`]);

    // A flag given on the command line wins over the config; a target argument replaces its targets.
    const overridden = capture(sub);
    const code = await runScan(
      [`${app.url}/app/api/profile`],
      { quiet: true, format: 'jsonl', failOn: 'high' },
      { ...overridden.io, given: (name) => ['format', 'failOn'].includes(name) },
    );
    expect(code).toBe(1);
    expect(overridden.stdout().split('\n')[0]).toContain('"url":');

    // --no-config reads none.
    expect(await usageError(runScan([], { quiet: true, config: false }, capture(sub).io))).toMatch(/^no targets/);
  });

  it('a bad config is one error naming the file and the key or line', async () => {
    const dir = scratchDir();
    const write = (text: string) => {
      const file = path.join(dir, 'corsight.config.yaml');
      writeFileSync(file, text);
      return file;
    };
    let file = write('format: jsonn\n');
    expect(await usageError(runScan([], { quiet: true }, capture(dir).io))).toBe(
      `config ${file} at /format: 'jsonn' is not one of text, json, jsonl, sarif, markdown, html, junit`,
    );
    file = write('fail-onn: high\n');
    expect(await usageError(runScan([], { quiet: true }, capture(dir).io))).toMatch(
      new RegExp(
        `^config ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} at /fail-onn: unknown option 'fail-onn' \\(known: targets, input, `,
      ),
    );
    file = write('insecure: yes please\n');
    expect(await usageError(runScan([], { quiet: true }, capture(dir).io))).toBe(
      `config ${file} at /insecure: expected true or false`,
    );
    file = write('header:\n  - ok: 1\n');
    expect(await usageError(runScan([], { quiet: true }, capture(dir).io))).toBe(
      `config ${file} at /header/0: expected a string`,
    );
    file = write('targets: [\n  a\n  format: x\n');
    expect(await usageError(runScan([], { quiet: true }, capture(dir).io))).toMatch(
      / at line \d+: not valid YAML or JSON/,
    );
    const json = path.join(dir, 'other.json');
    writeFileSync(json, '["not", "a", "mapping"]');
    expect(await usageError(runScan([], { quiet: true, config: json }, capture(dir).io))).toBe(
      `config ${json}: expected a mapping of scan options (e.g. "fail-on: medium")`,
    );
    expect(await usageError(runScan([], { quiet: true, config: path.join(dir, 'none.yaml') }, capture(dir).io))).toBe(
      `config ${path.join(dir, 'none.yaml')}: cannot read: ENOENT`,
    );
  });
});
