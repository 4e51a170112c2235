/**
 * Timing for the micro-benchmarks: calibrated batches, warm-up, several runs, the median reported.
 * Candidates of one row are measured in alternation (A, B, A, B, ...) so that drift (other processes on the
 * machine, CPU frequency) affects them alike.
 */

/** One candidate of a row: a sync or async operation on pre-built inputs. */
export interface Candidate {
  name: string;
  /** Performs one operation; returns a promise for async middlewares. */
  op: () => unknown;
  async: boolean;
}

/** Options of a measurement. */
export interface MeasureOptions {
  /** Target duration of one run, ms. */
  runMs: number;
  /** Number of runs; the median is reported. */
  runs: number;
  /** Warm-up duration per candidate, ms. */
  warmupMs: number;
}

async function batch(c: Candidate, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  if (c.async) {
    for (let i = 0; i < n; i++) await c.op();
  } else {
    const op = c.op;
    for (let i = 0; i < n; i++) op();
  }
  return Number(process.hrtime.bigint() - t0);
}

/** Iterations that take about `ms` milliseconds (also warms the candidate up for that long). */
async function calibrate(c: Candidate, ms: number): Promise<number> {
  let n = 16;
  for (;;) {
    const ns = await batch(c, n);
    if (ns >= ms * 1e6 || n >= 1 << 26) return Math.max(1, Math.round((n * ms * 1e6) / Math.max(ns, 1)));
    n *= ns < ms * 1e5 ? 8 : 2;
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median ns/op of each candidate, in order, plus the spread (max/min of the runs) for each. */
export async function measureRow(
  candidates: readonly Candidate[],
  opts: MeasureOptions,
): Promise<{ nsPerOp: number[]; spread: number[] }> {
  const iterations: number[] = [];
  for (const c of candidates) {
    await calibrate(c, opts.warmupMs);
    iterations.push(await calibrate(c, opts.runMs));
  }
  const samples: number[][] = candidates.map(() => []);
  for (let r = 0; r < opts.runs; r++) {
    for (let i = 0; i < candidates.length; i++) {
      const n = iterations[i]!;
      samples[i]!.push((await batch(candidates[i]!, n)) / n);
    }
  }
  return {
    nsPerOp: samples.map(median),
    spread: samples.map((s) => Math.max(...s) / Math.min(...s)),
  };
}
