// Typechecks every TypeScript project in the repository: the library with its tests (tsconfig.json) and each
// folder that has a tsconfig.json of its own (the browser suites, bench/, examples/ ...), so a new suite is
// checked as soon as it has one. Every project runs, then the exit code says whether any failed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const skipped = new Set(['node_modules', 'dist', 'coverage', '.git', '.bench-build', '.scratch']);

/** Every tsconfig.json under `dir`, outside the folders that hold no sources of ours. */
function projects(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !skipped.has(entry.name)) found.push(...projects(join(dir, entry.name)));
    else if (entry.isFile() && entry.name === 'tsconfig.json') found.push(join(dir, entry.name));
  }
  return found;
}

let failed = 0;
for (const project of projects(root).sort()) {
  const name = relative(root, project);
  process.stderr.write(`typecheck ${name}\n`);
  const run = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
if (failed > 0) {
  process.stderr.write(`typecheck: ${failed} project(s) failed\n`);
  process.exitCode = 1;
}
