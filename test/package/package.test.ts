/**
 * The package as users get it: `npm pack` of the built tree, installed into a fresh CommonJS project (what
 * `npm init -y` creates) with `--omit=optional`, then every entry point required, a TypeScript CommonJS file
 * with `module: nodenext` type-checked and run, the browser features' clear error without playwright-core,
 * `attw` and `publint` on the tarball, and the shipped files checked (no source maps, no dangling links).
 *
 * Needs `dist/` (`npm test` builds it first) and the npm registry or npm's cache for the package's own
 * dependencies (installed with --prefer-offline: after `npm ci` they come from the cache).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'node_modules', '.bin');

interface PackageJson {
  name: string;
  exports: Record<string, string | { types: string; default: string }>;
  optionalDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
}

let work: string;
let tarball: string;
let app: string;
let installed: string;
let pkg: PackageJson;

/** Every subpath users may import: `corsight`, `corsight/express`, ... (not `./package.json`). */
function entryPoints(): string[] {
  return Object.keys(pkg.exports)
    .filter((k) => k !== './package.json')
    .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
}

/** Runs a command, returning its exit code and output instead of throwing. */
async function attempt(file: string, args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd,
      maxBuffer: 1 << 24,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out;
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  work = await mkdtemp(join(tmpdir(), 'corsight-package-'));
  // --ignore-scripts: pack the tree `npm test` just built instead of building it again.
  const packed = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT });
  tarball = join(work, packed.stdout.trim().split('\n').at(-1) ?? '');
  app = join(work, 'app');
  await run('mkdir', [app]);
  await run('npm', ['init', '-y'], { cwd: app });
  await run(
    'npm',
    ['install', '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball],
    { cwd: app, maxBuffer: 1 << 24 },
  );
  installed = join(app, 'node_modules', 'corsight');
  pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as PackageJson;
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed package in a CommonJS project', () => {
  it('is installed without a browser driver when optional dependencies are omitted', () => {
    expect(pkg.optionalDependencies).toHaveProperty('playwright-core');
    expect(pkg.dependencies ?? {}).not.toHaveProperty('playwright-core');
    expect(existsSync(join(app, 'node_modules', 'playwright-core'))).toBe(false);
  });

  it('loads every entry point with require()', async () => {
    const script = `
      const out = {};
      for (const id of ${JSON.stringify(entryPoints())}) out[id] = Object.keys(require(id)).length;
      console.log(JSON.stringify(out));`;
    const r = await attempt(process.execPath, ['-e', script], app);
    expect(r.stderr).toBe('');
    const counts = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(counts)).toEqual(entryPoints());
    for (const [id, n] of Object.entries(counts)) expect(n, id).toBeGreaterThan(0);
  });

  it('type-checks and runs a TypeScript CommonJS file importing every entry point (module: nodenext)', async () => {
    const imports = entryPoints()
      .map((id, i) => `import * as m${i} from '${id}';`)
      .join('\n');
    const uses = entryPoints()
      .map((_, i) => `Object.keys(m${i}).length`)
      .join(', ');
    await writeFile(
      join(app, 'index.ts'),
      `${imports}
import { createPolicy, type PolicyConfig } from 'corsight';
const config: PolicyConfig = { origins: ['https://app.example.com'] };
const decision = createPolicy(config).evaluate({ method: 'GET', headers: { origin: 'https://app.example.com' } });
console.log(JSON.stringify({ allowed: decision.allowed, counts: [${uses}] }));
`,
    );
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          outDir: 'out',
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          // What `tsc --init` writes: declarations of optional peers (fastify, playwright-core) are not checked.
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['index.ts'],
      }),
    );
    const tsc = await attempt(join(BIN, 'tsc'), ['-p', '.'], app);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
    // The emitted file is CommonJS (the project has no "type": "module"): require() reaches the ES modules.
    expect(await readFile(join(app, 'out', 'index.js'), 'utf8')).toContain('require("corsight")');
    const r = await attempt(process.execPath, ['out/index.js'], app);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ allowed: true });
  });

  it('runs the CLI, and says what to install for --confirm and --browser instead of a stack trace', async () => {
    const cli = join(app, 'node_modules', '.bin', 'corsight');
    expect((await attempt(cli, ['--help'], app)).code).toBe(0);
    const policy = join(app, 'policy.json');
    await writeFile(policy, JSON.stringify({ origins: ['https://app.example.com'] }));
    expect(await attempt(cli, ['check-policy', policy], app)).toMatchObject({ code: 0 });
    // Port 9 on loopback: nothing listens, and the missing driver must be named before any connection matters.
    for (const args of [
      ['explain', '--browser', '--origin', 'https://a.example', 'http://127.0.0.1:9/'],
      ['scan', '--confirm', 'http://127.0.0.1:9/'],
    ]) {
      const r = await attempt(cli, args, app);
      expect(r.stderr, args.join(' ')).toContain('playwright-core');
      expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    }
  });
});

describe('the tarball', () => {
  it('passes publint', async () => {
    const r = await attempt(join(BIN, 'publint'), ['--strict', tarball], ROOT);
    expect(r.stdout + r.stderr).toContain('All good!');
    expect(r.code).toBe(0);
  });

  it('passes attw (types resolve for node10, node16 and bundler)', async () => {
    // node16 from CommonJS: TypeScript's node16 mode predates require(esm) and reports "dynamic import only";
    // Node >= 20.19 (engines) requires ES modules and TypeScript >= 5.8 with module nodenext type-checks it,
    // which the CommonJS test above proves. Every other rule stays on.
    const r = await attempt(
      join(BIN, 'attw'),
      [tarball, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped'],
      ROOT,
    );
    expect(r.stdout + r.stderr).not.toContain('💀');
    expect(r.code).toBe(0);
  });

  it('ships a LICENSE, no source maps, and no Markdown link to a file it does not ship', async () => {
    const files = await listFiles(installed);
    expect(files).toContain('LICENSE');
    expect(await readFile(join(installed, 'LICENSE'), 'utf8')).toContain('the corsight authors');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const shipped = new Set(files);
    const dangling: string[] = [];
    for (const md of files.filter((f) => f.endsWith('.md'))) {
      const text = await readFile(join(installed, md), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (target === undefined || /^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const path = join(dirname(md), decodeURIComponent(target.split('#')[0] ?? ''));
        if (!shipped.has(path) && !files.some((f) => f.startsWith(path + '/'))) dangling.push(`${md} -> ${target}`);
      }
    }
    expect(dangling).toEqual([]);
  });
});
