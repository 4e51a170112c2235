/**
 * The import rules of `.dependency-cruiser.cjs` catch what they are there for: dependency-cruiser runs with the
 * project's own configuration over a small tree written to a temporary folder, in which each file breaks (or
 * keeps) one rule, and every violation reported is compared with the list of expected ones. A rule whose
 * pattern stopped matching would let `npm run lint:layers` pass anything; this test would fail instead.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');

/** The tree: path → source. Comments name the rule each import keeps or breaks. */
const tree: Record<string, string> = {
  'src/fetch/headers.ts': 'export const h = 1;\n',
  // layer 0 importing layer 1: up.
  'src/fetch/origin.ts': "import { b } from '../browser/simulate.js';\nexport const o = b;\n",
  // a type-only import from a layer above counts too.
  'src/fetch/methods.ts': "import type { P } from '../policy/types.js';\nexport type M = P;\n",
  // layer 1 importing layer 0: down, allowed; its own folder: allowed.
  'src/browser/simulate.ts':
    "import { h } from '../fetch/headers.js';\nimport { c } from './cache.js';\nexport const b = h + c;\n",
  'src/browser/cache.ts': 'export const c = 1;\n',
  // a sibling on layer 1.
  'src/browser/profiles.ts': "import type { P } from '../policy/types.js';\nexport type Q = P;\n",
  'src/policy/types.ts': 'export type P = string;\n',
  // net sits under chromium (the harness maps net's --resolve rules), and imports nothing above it.
  'src/net/resolve.ts':
    "import type { Launch } from '../chromium/launch.js';\nexport const rule = 1;\nexport type L = Launch;\n",
  'src/chromium/launch.ts': 'export type Launch = string;\n',
  'src/chromium/host-resolver-rules.ts': "import { rule } from '../net/resolve.js';\nexport const mapped = rule;\n",
  // a file import cycle inside one folder.
  'src/policy/a.ts': "import { y } from './b.js';\nexport const x = y;\n",
  'src/policy/b.ts': "import { x } from './a.js';\nexport const y = () => x;\n",
  // scanner and explain stand on browser, never on each other.
  'src/scanner/scanner.ts':
    "import { b } from '../browser/simulate.js';\nimport { e } from '../explain/explain.js';\nexport const s = b + e;\n",
  'src/explain/explain.ts': "import { b } from '../browser/simulate.js';\nexport const e = b;\n",
  // layer 2 importing the CLI: up; importing a fixture: shipped code on test code.
  'src/scanner/report.ts':
    "import { out } from '../cli/output.js';\nimport { srv } from './__fixtures__/server.js';\nexport const r = out + srv;\n",
  'src/scanner/__fixtures__/server.ts': "import { run } from '../../cli/main.js';\nexport const srv = run;\n",
  // tests may import anything: the CLI, the lab, fixtures.
  'src/scanner/scanner.test.ts':
    "import { run } from '../cli/main.js';\nimport { lab } from '../lab/index.js';\nimport { srv } from './__fixtures__/server.js';\nexport const t = run + lab + srv;\n",
  'src/lab/index.ts': "import { s } from '../scanner/scanner.js';\nexport const lab = s;\n",
  // the root entry point composes; library code does not import it.
  'src/index.ts': "export * from './fetch/headers.js';\n",
  'src/testing/expect.ts': "import { h } from '../index.js';\nexport const x = h;\n",
  'src/cli/output.ts': 'export const out = 1;\n',
  'src/cli/main.ts':
    "import { s } from '../scanner/scanner.js';\nimport { lab } from '../lab/index.js';\nexport const run = s + lab;\n",
};

/** Every violation the configuration must report: rule, from, to. */
const expected = [
  ['layer-browser', 'src/browser/profiles.ts', 'src/policy/types.ts'],
  ['layer-fetch', 'src/fetch/methods.ts', 'src/policy/types.ts'],
  ['layer-fetch', 'src/fetch/origin.ts', 'src/browser/simulate.ts'],
  ['layer-net', 'src/net/resolve.ts', 'src/chromium/launch.ts'],
  ['layer-scanner', 'src/scanner/report.ts', 'src/cli/output.ts'],
  ['layer-scanner', 'src/scanner/scanner.ts', 'src/explain/explain.ts'],
  // dependency-cruiser reports a cycle once, at the first file of it it meets.
  ['no-circular', 'src/policy/a.ts', 'src/policy/b.ts'],
  ['no-import-of-root', 'src/testing/expect.ts', 'src/index.ts'],
  ['no-import-of-tests', 'src/scanner/report.ts', 'src/scanner/__fixtures__/server.ts'],
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'corsight-layers-'));
  for (const [path, source] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  );
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'layers-fixture', type: 'module' }));
});
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

describe('.dependency-cruiser.cjs', () => {
  it('reports exactly the imports that run up a layer, cross to a sibling, cycle, or reach the root or a test', async () => {
    const run = promisify(execFile);
    // depcruise exits non-zero when it finds violations; the report is on stdout either way.
    const stdout = await run(
      depcruise,
      ['src', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
    ).then(
      (r) => r.stdout,
      (e: unknown) => (e as { stdout?: string }).stdout ?? '',
    );
    const report = JSON.parse(stdout) as { summary: { violations: Violation[] } };
    const got = report.summary.violations.map((v) => [v.rule.name, v.from, v.to]).sort();
    expect(got).toEqual(expected);
  });
});
