/**
 * `npm run bench:middleware`: the per-request cost of corsight against `cors`, `@fastify/cors`, hono's `cors`
 * and `@koa/cors`, and end-to-end requests/s of Express and Fastify with each middleware and with none.
 *
 * Micro-benchmark (./micro.ts): each middleware is invoked directly at its natural layer, corsight and its peer
 * in the same process on the same request objects, one child process per layer; calibrated batches of ~5 ms,
 * warm-up, 31 runs alternating the candidates, median ns/op reported. Rows: 1 / 10 / 1,000 allowed origins x
 * actual / preflight x allowed / refused, plus a 1 MiB adversarial Access-Control-Request-Headers.
 *
 * Targets (issue 4, point 9): corsight fastest in every row; each 1,000-origin row within 1.2x of its 1-origin
 * row. Both are checked and reported; the script exits 0 either way (it is a measurement, not a test).
 *
 * Flags: `--quick` (short runs, for a smoke test), `--no-e2e`, `--e2e-only`, `--duration=S` (autocannon seconds
 * per row, default 3), `--rounds=N` (e2e rounds, default 3), `--layers=core,express,...`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { runE2E, type E2EResult } from './e2e.js';
import { LAYERS, PEERS, type Layer, type MicroResult, type ScalingResult } from './micro.js';
import { rows } from './scenarios.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = flag('quick');
const duration = Number(value('duration') ?? (quick ? 1 : 3));
const rounds = Number(value('rounds') ?? (quick ? 1 : 3));
const layers = (value('layers')?.split(',') ?? LAYERS) as Layer[];

function machine(): string {
  const cpu = (() => {
    try {
      return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
    } catch {
      return os.cpus()[0]?.model ?? 'unknown';
    }
  })();
  let nproc = String(os.availableParallelism());
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // os.availableParallelism() is the fallback.
  }
  return `${new Date().toISOString()} | nproc ${nproc} | node ${process.version} | ${cpu} | load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

async function runLayer(layer: Layer): Promise<{ micro: MicroResult[]; scaling: ScalingResult[] }> {
  const child = spawn(process.execPath, [new URL('./micro.js', import.meta.url).pathname, layer], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_QUICK: quick ? '1' : '0' },
  });
  const micro: MicroResult[] = [];
  const scaling: ScalingResult[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as MicroResult | ScalingResult;
    if ('many' in r) scaling.push(r);
    else micro.push(r);
    process.stderr.write(`  ${layer.padEnd(8)} ${'label' in r ? r.label : r.row}\n`);
  }
  const code: number = child.exitCode ?? (await new Promise((resolve) => child.on('exit', resolve)));
  if (code !== 0) throw new Error(`micro-benchmark of ${layer} failed (exit ${code})`);
  return { micro, scaling };
}

const ns = (v: number | undefined) => (v === undefined ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} µs` : `${v.toFixed(0)} ns`);

function microTable(all: MicroResult[], scalingResults: ScalingResult[]): { table: string; misses: string[] } {
  const misses: string[] = [];
  const compared = layers.filter((l) => PEERS[l] !== undefined);
  const header = ['row', ...(layers.includes('core') ? ['core evaluate'] : []), ...compared.flatMap((l) => [`corsight/${l}`, PEERS[l]!, 'ratio'])];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows()) {
    const cells = [row.label.replace(/\s+/g, ' ').trim()];
    if (layers.includes('core')) cells.push(ns(all.find((r) => r.layer === 'core' && r.row === row.id)?.corsight));
    for (const l of compared) {
      const r = all.find((x) => x.layer === l && x.row === row.id);
      if (!r) {
        cells.push('—', '—', '—');
        continue;
      }
      const ratio = r.peer! / r.corsight;
      cells.push(ns(r.corsight), ns(r.peer), `${ratio.toFixed(2)}x`);
      if (ratio <= 1) misses.push(`not fastest: ${l} ${row.id} (corsight ${ns(r.corsight)}, ${PEERS[l]} ${ns(r.peer)})`);
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  // Scaling: corsight with 1,000 origins against 1 origin, measured side by side (micro.ts), per layer.
  const scaling = [
    '',
    '1,000 origins against 1, corsight only, both configurations measured in alternation:',
    '',
    '| corsight layer | row | 1 origin | 1,000 origins | 1,000 / 1 |',
    '|---|---|---|---|---|',
  ];
  for (const s of scalingResults) {
    const f = s.many / s.one;
    const what = s.row.replace('scaling-', '').replace('-', ', ');
    scaling.push(`| ${s.layer} | ${what} | ${ns(s.one)} | ${ns(s.many)} | ${f.toFixed(2)}x |`);
    if (f > 1.2) misses.push(`scaling: ${s.layer} ${what}: 1,000 origins cost ${f.toFixed(2)}x the 1-origin configuration`);
  }
  return { table: [...lines, ...scaling].join('\n'), misses };
}

function e2eTable(results: E2EResult[]): string {
  const lines = [
    '| framework | request | none | peer | corsight | corsight / peer (req/s) | corsight / peer (CPU) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const framework of ['express', 'fastify'] as const) {
    for (const request of ['actual', 'preflight'] as const) {
      const get = (v: E2EResult['variant']) => results.find((r) => r.framework === framework && r.request === request && r.variant === v);
      const cell = (r: E2EResult | undefined) =>
        r ? `${Math.round(r.rps)} req/s, ${r.cpuPerRequest.toFixed(1)} µs CPU/req${r.non2xx ? ` (${r.non2xx} non-2xx)` : ''}${r.errors ? `, ${r.errors} errors` : ''}` : '—';
      const peer = get('peer');
      const ours = get('corsight');
      lines.push(
        `| ${framework} | ${request} | ${cell(get('none'))} | ${cell(peer)} | ${cell(ours)} | ${peer && ours ? (ours.rps / peer.rps).toFixed(2) + 'x' : '—'} | ${peer && ours ? (ours.cpuPerRequest / peer.cpuPerRequest).toFixed(2) + 'x' : '—'} |`,
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  console.log(`# corsight middleware benchmark\n\n${machine()}${quick ? ' | QUICK MODE (not for publication)' : ''}\n`);
  if (!flag('e2e-only')) {
    const all: MicroResult[] = [];
    const scaling: ScalingResult[] = [];
    for (const layer of layers) {
      const r = await runLayer(layer);
      all.push(...r.micro);
      scaling.push(...r.scaling);
    }
    const { table, misses } = microTable(all, scaling);
    console.log('## Per-request cost (median ns/op; ratio = peer / corsight, above 1 means corsight is faster)\n');
    console.log(table);
    console.log(`\nTargets: ${misses.length === 0 ? 'met (corsight fastest in every row; every 1,000-origin row within 1.2x of its 1-origin row)' : 'NOT met:\n- ' + misses.join('\n- ')}\n`);
  }
  if (!flag('no-e2e')) {
    console.log(`## End to end (autocannon, 10 connections, ${duration} s per row after 1 s warm-up, loopback; median of ${rounds} rounds)\n`);
    const results = await runE2E(duration, rounds, (line) => process.stderr.write(`  e2e ${line}\n`));
    console.log(e2eTable(results));
    console.log('\nCPU/req: user + system CPU time of the server process during the measured run, divided by the requests served (lower is better; robust to other load on the machine, unlike req/s).');
    console.log('"none" has no CORS middleware: its preflight row is the framework\'s own answer to OPTIONS (Express 5: 200 with Allow; Fastify: 404).');
  }
  console.log(`\nFinished ${new Date().toISOString()}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
