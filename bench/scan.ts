/**
 * Scanner benchmark: `npm run bench:scan`.
 *
 * Scans N numbered copies of the lab's endpoints (`/t/<n><path>`) over https with the full check set, exactly
 * as `corsight scan --resolve ... --insecure` does, and prints targets/s, requests per target and peak memory,
 * at 200, 2,000 and 10,000 targets so the peaks can be compared (memory must stay flat: results are streamed
 * through the jsonl reporter into a null sink, never collected). What a run retains (the heap after a full GC)
 * is measured in a separate, untimed pass at the largest size: calling gc() every 100 targets inside a timed
 * run cost it about a third of its throughput (3.4 against 5.1 ms of scanner CPU per target, 2,000 targets).
 *
 * Beside it, in the same run, autocannon measures the raw request rate the same lab process serves over https
 * with keep-alive on as many connections as the scanner uses per host (the lab's endpoints in turn, each with an
 * Origin): the physical limit of this machine for this server. The ratio of corsight's request rate to it says
 * how much of that limit a scan uses (issue target: at least 0.5). Both rates swing by up to 2x from one minute to
 * the next on a shared VM (autocannon alone measured 13.6k to 27.3k requests/s on this lab within an hour), so the
 * ratio is taken over `--ratio-rounds` (default 5) interleaved pairs, the last `--ratio-size` targets (default 2,000)
 * of one scan that starts with `--ratio-warm` untimed ones (default 8,000), then `--raw-seconds` of autocannon (after
 * one untimed second), and reported as the median of the pairs' ratios, with every pair and the ratio of the medians.
 * A pair's two rates share their minute, which is why they are interleaved; the ratio of the medians takes its two
 * rates from different pairs, so one slow minute on either side moves it (at 09:51 on 2026-12-07 the pairs gave 0.52,
 * 0.42 and 0.53, and the medians came from the first two pairs: 0.49). Both are steady-state rates:
 * autocannon's small client is compiled within its first second, while V8 goes on compiling (and recompiling) the
 * scanner's code over its first several thousand targets (`node --trace-opt`: 480 ms of optimizing compiles in the
 * 2,000 targets after the first 2,000, 90 ms in those after 10,000), and a scan of an estate spends its minutes
 * past that point. What a short scan gets from a cold start is printed beside it: the whole run of the largest size.
 * Each round also measures corsight's HTTP client alone: the very requests the scan sends for each lab endpoint
 * (recorded once from the checks), replayed target by target through a fresh client with nothing read from the
 * answers. That rate against autocannon's is the ceiling of the network layer. And each round scans the same
 * targets once more with a stand-in for the check set that asks the very probes the checks asked (all at once after
 * the baseline) and decides nothing: the ceiling with the scanner's runtime (deadline, probe cache, outcomes, trace,
 * report) on top of the client. The gap between that rate and the scan's is what the analysis (checks, browser
 * model, findings) costs. Each round also replays the same requests through undici's `Agent` with a handler that
 * reads nothing: the floor of any client built on undici. Beside the rates, each round's CPU per request (the
 * scanner's in the scan, the lab's under autocannon) and their quotient: the rates move with the minute on a shared
 * VM, the quotient much less; and each piece's own CPU per request (autocannon, bare undici, corsight's client, the
 * scan with no check logic, the scan), the layers the scan spends over its floors. Last, the analysis alone: each
 * check set over the recorded answers in process, with no network (`--analysis-size` targets), CPU per target.
 *
 * A scan of an estate meets each host once: one more run puts every target on a host of its own (`t<i>.localhost`,
 * loopback), so each opens its own connections (TCP, TLS with session resumption after the first, undici's pool) and
 * prints what a target costs then (`--host-targets`, default 1,000).
 *
 * The lab runs in a child process (its own event loop, as a real target would), and every measured piece (each
 * scan, each autocannon run, each client replay) in a fresh child process of its own, as `corsight scan` and the
 * autocannon CLI run: sharing one process, each tool's code would skew V8's type feedback for the other (see `Job`).
 * This process only orchestrates and reads each child's and the lab's CPU time around the timed part.
 * Build first (`npm run build`); this file imports the built package from ../dist and is compiled in place by
 * `tsc -p bench/tsconfig.scan.json` (the script does both). Options: `--sizes 200,2000`, `--concurrency N`,
 * `--per-host N`, `--ratio-rounds N`, `--ratio-size N`, `--ratio-warm N`, `--raw-seconds N`, `--analysis-size N`,
 * `--host-targets N` (the run with one target per host, below).
 * `node bench/scan.js --instructions [--ir-sizes 200,1200]` (`npm run bench:instructions`) counts the scanner's
 * instructions per target under valgrind instead: the yardstick for changes too small for this VM's clock.
 */
import autocannon from 'autocannon';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import type { HeaderList } from '../dist/fetch/headers.js';
import type { Check, ProbeRequest } from '../dist/scanner/types.js';
import { createProbeContext } from '../dist/scanner/context.js';
import { createScanner } from '../dist/scanner/index.js';
import { defaultScanOptions } from '../dist/scanner/options.js';
import { createTransport, type TransportResult } from '../dist/scanner/transport.js';
import { CheckView, traceChecks } from '../dist/scanner/probe-trace.js';
import { createReporter } from '../dist/scanner/report/index.js';
import { labEndpoints, startLab } from '../dist/lab/index.js';

interface LabInfo {
  httpsUrl: string;
  resolve: string[];
}

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}

async function startLabProcess(): Promise<{ child: ChildProcess; info: LabInfo }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve-lab'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<LabInfo>((resolve, reject) => {
    child.once('message', (message) => resolve(message as LabInfo));
    child.once('exit', (code) => reject(new Error(`lab process exited with ${code}`)));
  });
  return { child, info };
}

/** The address the lab's name resolves to (its `--resolve` rule is `name:port:address`). */
function labAddress(info: LabInfo): string {
  return info.resolve[0]?.split(':').pop() ?? '127.0.0.1';
}

/** Lab target number `i`: the lab's endpoints in turn, each under its own `/t/<i>` prefix. */
function labTarget(base: string, i: number): string {
  return `${base}/t/${i}${labEndpoints[i % labEndpoints.length]?.path ?? '/'}`;
}

/** Runs `work(0)` .. `work(count - 1)`, `width` at a time, each worker taking the next index when it is done. */
async function inTurn(count: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** This process's CPU time (user and system, all threads) since `mark`, in µs. */
function cpuSince(mark: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(mark);
  return cpu.user + cpu.system;
}

/** Targets generated lazily, as a streamed input file would deliver them. */
function* targets(base: string, count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield labTarget(base, i);
}

/**
 * Lab targets each on a host of its own, as in a scan of an estate: `t<i>.localhost`, which the HTTP client sends to
 * loopback (RFC 6761 names) with the name in SNI and Host; the lab answers every name (with --insecure). Each target
 * opens its own connections, so this measures what a connection costs (TCP, TLS session resumption, undici's pool).
 */
function* hostTargets(base: string, count: number): Generator<string> {
  const { port } = new URL(base);
  for (let i = 0; i < count; i++) yield labTarget(`https://t${i}.localhost:${port}`, i);
}

interface Run {
  targets: number;
  /** CPU milliseconds (user + system) per target, in the scanner process and in the lab process. */
  scannerCpuMsPerTarget: number;
  labCpuMsPerTarget: number;
  seconds: number;
  targetsPerSecond: number;
  /** Requests put on the wire (retries included) per second of the timed part, and their count. */
  requestsPerSecond: number;
  wireRequests: number;
  /** The scanner's CPU microseconds per request on the wire. */
  scannerCpuUsPerRequest: number;
  requestsPerTarget: number;
  errors: number;
  findings: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  /**
   * Largest heap left after a full GC, sampled every 100 targets (needs --expose-gc): what the run retains.
   * Only in the untimed memory pass: forced full GCs inside a timed run cost it about a third of its throughput.
   */
  retainedHeapMiB?: number;
}

function labCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (usage) =>
      resolve(((usage as NodeJS.CpuUsage).user + (usage as NodeJS.CpuUsage).system) / 1000),
    );
    child.send('cpu');
  });
}

/**
 * Scans `warm` + `count` lab targets in one scan (one scanner, one input, as `corsight scan` runs a list) through the
 * jsonl reporter into a null sink, and times the last `count`: a scan's request rate once V8 has compiled what it
 * runs, the steady state of a long scan (see `--ratio-warm`). The first `warm` results are formatted as the others
 * and not counted. `ready` is awaited at that boundary, just before the clock starts (the parent reads the lab's CPU
 * time then); the lab's CPU per target is filled in by the parent. The rate counts requests put on the wire
 * between the two clock readings (the client's own counter), so work done by targets in flight before the clock
 * started is not credited to the timed part.
 */
async function run(
  info: LabInfo,
  warm: number,
  count: number,
  concurrency: number,
  perHost: number,
  ready: () => Promise<void>,
  sampleRetained = false,
  checkSet?: readonly Check[],
  hostPerTarget = false,
): Promise<Run> {
  (globalThis as { gc?: () => void }).gc?.();
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const memory = process.memoryUsage();
    peakRss = Math.max(peakRss, memory.rss);
    peakHeap = Math.max(peakHeap, memory.heapUsed);
  };
  sample();
  const sampler = setInterval(sample, 50);
  const scanner = createScanner({
    checks: checkSet ?? (await import('../dist/scanner/checks/index.js')).checks,
    resolve: info.resolve,
    insecure: true,
    concurrency,
    perHost,
  });
  const reporter = createReporter('jsonl');
  let seen = 0;
  let done = 0;
  let requests = 0;
  let errors = 0;
  let findings = 0;
  let bytes = 0;
  let retained = 0;
  const gc = sampleRetained ? (globalThis as { gc?: () => void }).gc : undefined;
  let cpuBefore = process.cpuUsage();
  let started = performance.now();
  let wireBefore = 0;
  const startClock = async () => {
    await ready();
    cpuBefore = process.cpuUsage();
    started = performance.now();
    wireBefore = scanner.stats.requests;
  };
  if (warm === 0) await startClock();
  const list = hostPerTarget ? hostTargets(info.httpsUrl, warm + count) : targets(info.httpsUrl, warm + count);
  for await (const result of scanner.scan(list)) {
    seen++;
    bytes += reporter.target(result).length; // formatted, then dropped: a null sink
    if (seen <= warm) {
      if (seen === warm) await startClock();
      continue;
    }
    done++;
    requests += result.requests;
    findings += result.findings.length;
    if (result.status === 'error') {
      errors++;
      if (errors <= 3) process.stderr.write(`  error: ${result.url}: ${result.error}\n`);
    }
    if (gc !== undefined && done % 100 === 0) {
      gc();
      retained = Math.max(retained, process.memoryUsage().heapUsed);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUs = cpuSince(cpuBefore);
  const wire = scanner.stats.requests - wireBefore;
  if (scanner.stats.retries > 0) {
    process.stderr.write(`  ${scanner.stats.retries} retries of ${scanner.stats.requests} requests\n`);
  }
  await scanner.close();
  clearInterval(sampler);
  sample();
  if (bytes === 0) throw new Error('no report output');
  return {
    targets: done,
    scannerCpuMsPerTarget: cpuUs / 1000 / done,
    scannerCpuUsPerRequest: cpuUs / Math.max(1, wire),
    labCpuMsPerTarget: 0,
    seconds,
    targetsPerSecond: done / seconds,
    requestsPerSecond: wire / seconds,
    wireRequests: wire,
    requestsPerTarget: requests / done,
    errors,
    findings,
    peakRssMiB: peakRss / 2 ** 20,
    peakHeapMiB: peakHeap / 2 ** 20,
    ...(gc === undefined ? {} : { retainedHeapMiB: retained / 2 ** 20 }),
  };
}

/** autocannon against the lab process: requests/s over https, keep-alive, `connections` sockets. */
async function rawRate(
  info: LabInfo,
  connections: number,
  seconds: number,
): Promise<{ rate: number; requests: number; errors: number }> {
  const url = new URL(info.httpsUrl);
  // The lab's name resolves only through --resolve rules: connect to the address, keep the name for SNI and Host.
  const result = await autocannon({
    url: `https://${labAddress(info)}:${url.port}`,
    servername: url.hostname,
    connections,
    pipelining: 1,
    duration: seconds,
    requests: labEndpoints.map((endpoint, i) => ({
      method: 'GET',
      path: `/t/${i}${endpoint.path}`,
      headers: { host: url.host, origin: 'https://corsight-attacker.com', accept: '*/*' },
    })),
  });
  return { rate: result.requests.average, requests: result.requests.total, errors: result.errors };
}

/** The requests (method and header list) a scan sends to one target. */
type RecordedRequests = { method: string; headers: HeaderList }[];

/** What one pass of the check set asked of each lab endpoint: the wire requests, and the probes the checks asked. */
interface Recorded {
  requests: RecordedRequests[];
  /** The probes, by endpoint path. */
  probes: Map<string, ProbeRequest[]>;
  /** The answers, by endpoint path, then by `answerKey` of the request. */
  answers: Map<string, [string, TransportResult][]>;
}

/** A request as the answer book knows it: its method and headers (names lower-cased, sorted), Host left out. */
function answerKey(method: string, headers: HeaderList): string {
  const lines = headers
    .filter(([name]) => name.toLowerCase() !== 'host')
    .map(([name, value]) => `${name.toLowerCase()}:${value}`)
    .sort();
  return `${method}\n${lines.join('\n')}`;
}

/** Each lab endpoint's requests, as the checks ask for them: one pass of the check set against the lab, recorded. */
async function recordRequests(info: LabInfo): Promise<Recorded> {
  const { checks } = await import('../dist/scanner/checks/index.js');
  const client = createTransport({ resolve: info.resolve, insecure: true });
  const recorded: RecordedRequests[] = [];
  const probes = new Map<string, ProbeRequest[]>();
  const answers = new Map<string, [string, TransportResult][]>();
  try {
    for (const endpoint of labEndpoints) {
      const sent: RecordedRequests = [];
      const book: [string, TransportResult][] = [];
      const ctx = createProbeContext({
        url: new URL(`${info.httpsUrl}/t/0${endpoint.path}`),
        transport: {
          stats: client.stats,
          close: () => client.close(),
          destroy: () => client.destroy(),
          async send(request) {
            sent.push({ method: request.method, headers: request.headers });
            const result = await client.send(request);
            book.push([answerKey(request.method, request.headers), result]);
            return result;
          },
        },
        userAgent: defaultScanOptions.userAgent,
      });
      await ctx.baseline();
      await Promise.all(checks.map((check) => check.run(ctx)));
      recorded.push(sent);
      probes.set(
        endpoint.path,
        ctx.asked.map((asked) => asked.probe),
      );
      answers.set(endpoint.path, book);
    }
  } finally {
    await client.close();
  }
  return { requests: recorded, probes, answers };
}

/**
 * A stand-in for the check set that asks, through the scanner's runtime, exactly the probes the checks asked of the
 * target's lab endpoint, all at once after the baseline, and decides nothing: a scan with it measures the runtime
 * (target deadline, probe cache, outcomes, trace, report) on top of the HTTP client, without the analysis.
 */
function askOnly(probes: Map<string, ProbeRequest[]>): Check {
  return {
    id: 'origin-reflected',
    title: 'the recorded probes, nothing decided',
    definition: 'bench stand-in',
    kind: 'trust',
    confirmable: false,
    async run(ctx) {
      const path = ctx.url.pathname.replace(/^\/t\/\d+/, '');
      await Promise.all((probes.get(path) ?? []).map((probe) => ctx.outcome(probe)));
      return { outcome: 'clear', findings: [] };
    },
  };
}

/** What replays the recorded requests: corsight's HTTP client, or undici's `Agent` with nothing on top. */
type Replayer = 'client' | 'undici';

/** A sender of recorded requests over `perHost` keep-alive connections to the lab; true when answered. */
interface Sender {
  send(url: URL, request: RecordedRequests[number]): Promise<boolean>;
  close(): Promise<void>;
}

function corsightSender(info: LabInfo, perHost: number): Sender {
  const client = createTransport({ resolve: info.resolve, insecure: true, perHost });
  return {
    send: (url, { method, headers }) =>
      client.request({ url, method, headers }).then((outcome) => outcome.outcome === 'answered'),
    close: () => client.close(),
  };
}

/**
 * An undici handler that reads nothing: the raw handler interface corsight's client uses (src/net/client.ts), a
 * class like its `WireExchange`, so the floor is measured through the same calls.
 */
class DroppingHandler {
  constructor(private readonly settle: (answered: boolean) => void) {}
  onConnect(): void {}
  onHeaders(): boolean {
    return true;
  }
  onData(): boolean {
    return true;
  }
  onComplete(): void {
    this.settle(true);
  }
  onError(): void {
    this.settle(false);
  }
}

/**
 * undici's `Agent.dispatch` with a handler that drops the answer: the floor of any client built on undici (no
 * per-host flow, timer, header strings or body). It connects to the lab's address; the recorded Host header and
 * the TLS server name carry the lab's name, as `--resolve` does.
 */
function undiciSender(info: LabInfo, perHost: number): Sender {
  const lab = new URL(info.httpsUrl);
  const origin = `https://${labAddress(info)}:${lab.port}`;
  const agent = new Agent({ connections: perHost, connect: { rejectUnauthorized: false, servername: lab.hostname } });
  return {
    send: (url, { method, headers }) =>
      new Promise<boolean>((resolve) => {
        agent.dispatch(
          { origin, path: `${url.pathname}${url.search}`, method, headers: headers.flat() },
          new DroppingHandler(resolve),
        );
      }),
    close: () => agent.close(),
  };
}

/**
 * An HTTP client alone: `count` targets' recorded requests (each target's sent together, `concurrency` targets at a
 * time, `perHost` connections to the lab, as in a scan), answers dropped. Requests/s, and CPU µs per request.
 */
async function replayRate(
  via: Replayer,
  info: LabInfo,
  recorded: RecordedRequests[],
  count: number,
  concurrency: number,
  perHost: number,
  ready: () => Promise<void>,
): Promise<RateResult> {
  const sender = via === 'client' ? corsightSender(info, perHost) : undiciSender(info, perHost);
  let requests = 0;
  let errors = 0;
  await ready();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await inTurn(count, concurrency, async (i) => {
    const url = new URL(labTarget(info.httpsUrl, i));
    const list = recorded[i % recorded.length] ?? [];
    const answered = await Promise.all(list.map((request) => sender.send(url, request)));
    requests += list.length;
    errors += answered.filter((ok) => !ok).length;
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuUs = cpuSince(cpuBefore);
  await sender.close();
  return { rate: requests / seconds, requests, errors, cpuUs: cpuUs / Math.max(1, requests) };
}

/** A rate job's result: requests/s, the requests counted, errors, and this process's CPU µs per request. */
interface RateResult {
  rate: number;
  requests: number;
  errors: number;
  cpuUs: number;
}

/**
 * The analysis alone, in process: `count` lab targets scanned by each check set against the recorded answers (no
 * network: a transport answering from the book), after one untimed round of every set; CPU µs per target, median of
 * three rounds.
 * What the checks' own code costs, apart from the network and the runtime around them, and which check costs what.
 */
async function analysisCosts(
  info: LabInfo,
  answers: [string, [string, TransportResult][]][],
  count: number,
): Promise<[string, number][]> {
  const { checks } = await import('../dist/scanner/checks/index.js');
  const books = new Map(answers.map(([path, book]) => [path, new Map(book)]));
  const stats = { requests: 0, retries: 0, rateLimited: 0 };
  const closed = () => Promise.resolve();
  async function scanOne(i: number, set: readonly Check[]): Promise<void> {
    const book = books.get(labEndpoints[i % labEndpoints.length]?.path ?? '') ?? new Map<string, TransportResult>();
    const ctx = createProbeContext({
      url: new URL(labTarget(info.httpsUrl, i)),
      userAgent: defaultScanOptions.userAgent,
      transport: {
        stats,
        close: closed,
        destroy: closed,
        send(request) {
          const result = book.get(answerKey(request.method, request.headers));
          return result === undefined ? Promise.reject(new Error('no recorded answer')) : Promise.resolve(result);
        },
      },
    });
    await ctx.baseline();
    const views = set.map(() => new CheckView(ctx));
    await Promise.all(set.map((check, index) => check.run(views[index]!)));
    traceChecks(
      set.map((check) => check.id),
      views.map((view) => view.used),
    );
  }
  async function pass(set: readonly Check[]): Promise<number> {
    const before = process.cpuUsage();
    await inTurn(count, 16, (i) => scanOne(i, set));
    return cpuSince(before) / count;
  }
  const trust = checks.filter((check) => check.kind === 'trust');
  const sets: [string, readonly Check[]][] = [
    [`all ${checks.length} checks`, checks],
    [`the ${trust.length} trust checks`, trust],
    [`their shared analysis with ${trust[0]?.id}`, trust.slice(0, 1)],
    ...checks.filter((check) => check.kind !== 'trust').map((check): [string, readonly Check[]] => [check.id, [check]]),
    ['the baseline only', []],
  ];
  // One untimed round over every set (the JIT), then three timed rounds, the sets in turn in each.
  for (const [, set] of sets) await pass(set);
  const passes = sets.map((): number[] => []);
  for (let round = 0; round < 3; round++) {
    for (const [index, [, set]] of sets.entries()) passes[index]!.push(await pass(set));
  }
  return sets.map(([name], index) => [name, passes[index]!.sort((a, b) => a - b)[1]!]);
}

/**
 * One measured piece of work. Each runs in a fresh process of its own, as `corsight scan` and the autocannon CLI
 * do: run in one process, each tool's code shares V8's type feedback with the other's (Node's streams, TLS and
 * events code is the same functions), and whichever runs later pays for the polymorphism. The scan measured
 * 5-15% more CPU per request after 5 s of autocannon in its process than without (fresh processes, alternated).
 */
type Job =
  | {
      kind: 'scan';
      info: LabInfo;
      count: number;
      /** Targets scanned first, untimed (JIT, TLS sessions), as the first targets of a long scan are. */
      warm: number;
      concurrency: number;
      perHost: number;
      sampleRetained: boolean;
      /** With these probes per lab endpoint: the stand-in that asks them and decides nothing (`askOnly`). */
      askOnly?: [string, ProbeRequest[]][];
      /** Each target on a host of its own (`hostTargets`). */
      hostPerTarget?: boolean;
    }
  | {
      kind: Replayer;
      info: LabInfo;
      count: number;
      warm: number;
      concurrency: number;
      perHost: number;
      requests: RecordedRequests[];
    }
  | { kind: 'autocannon'; info: LabInfo; connections: number; seconds: number }
  | { kind: 'analysis'; info: LabInfo; count: number; answers: [string, [string, TransportResult][]][] };

type JobResult =
  | { kind: 'scan'; run: Run }
  | ({ kind: Replayer | 'autocannon' } & RateResult)
  | { kind: 'analysis'; costs: [string, number][] };

/** The `ready` of an untimed run. */
function untimed(): Promise<void> {
  return Promise.resolve();
}

/** Runs `job` in this (child) process; `ready` is awaited just before the timed part starts. */
async function runJob(job: Job, ready: () => Promise<void>): Promise<JobResult> {
  const { info } = job;
  switch (job.kind) {
    case 'scan': {
      const checkSet = job.askOnly === undefined ? undefined : [askOnly(new Map(job.askOnly))];
      const result = await run(
        info,
        job.warm,
        job.count,
        job.concurrency,
        job.perHost,
        ready,
        job.sampleRetained,
        checkSet,
        job.hostPerTarget,
      );
      return { kind: 'scan', run: result };
    }
    case 'client':
    case 'undici': {
      const { kind, requests, warm, count, concurrency, perHost } = job;
      if (warm > 0) await replayRate(kind, info, requests, warm, concurrency, perHost, untimed);
      return { kind, ...(await replayRate(kind, info, requests, count, concurrency, perHost, ready)) };
    }
    case 'autocannon': {
      await rawRate(info, job.connections, 1); // warm-up, so the timed seconds are not the JIT's
      await ready();
      const before = process.cpuUsage();
      const raw = await rawRate(info, job.connections, job.seconds);
      return { kind: 'autocannon', ...raw, cpuUs: cpuSince(before) / Math.max(1, raw.requests) };
    }
    case 'analysis': {
      await ready();
      return { kind: 'analysis', costs: await analysisCosts(info, job.answers, job.count) };
    }
  }
}

/** Child side of `measure`: take the job, say when the timed part starts, wait for the go, send the result. */
async function serveJob(): Promise<void> {
  const nextMessage = () => new Promise<unknown>((resolve) => process.once('message', resolve));
  const job = (await nextMessage()) as Job;
  const result = await runJob(job, async () => {
    process.send?.('ready');
    await nextMessage();
  });
  process.send?.(result, () => process.disconnect());
}

/**
 * Runs `job` in a fresh child process and returns its result with the lab's CPU time (ms) during the timed part,
 * read just before the child's clock starts and just after it stops.
 */
async function measure(
  lab: ChildProcess,
  job: Job,
  cachegrindOut?: string,
): Promise<{ result: JobResult; labCpuMs: number }> {
  const sampleRetained = job.kind === 'scan' && job.sampleRetained;
  const worker = fork(fileURLToPath(import.meta.url), ['--job'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(cachegrindOut === undefined
      ? { execArgv: sampleRetained ? ['--expose-gc'] : [] }
      : {
          // The job's node under valgrind (the lab stays native): `valgrind <options> node --single-threaded`.
          execPath: 'valgrind',
          execArgv: [
            '--tool=cachegrind',
            '--cache-sim=no',
            `--cachegrind-out-file=${cachegrindOut}`,
            '--log-file=/dev/null',
            process.execPath,
            '--single-threaded',
          ],
        }),
  });
  const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
  const nextMessage = () =>
    Promise.race([
      new Promise<unknown>((resolve) => worker.once('message', resolve)),
      exited.then((code) => Promise.reject(new Error(`bench job '${job.kind}' exited with ${code}`))),
    ]);
  worker.send(job);
  await nextMessage(); // 'ready'
  const before = await labCpu(lab);
  worker.send('go');
  const result = (await nextMessage()) as JobResult;
  const labCpuMs = (await labCpu(lab)) - before;
  await exited;
  return { result, labCpuMs };
}

/** A scan job's run, with the lab's CPU per target filled in. */
async function measureScan(lab: ChildProcess, job: Extract<Job, { kind: 'scan' }>): Promise<Run> {
  const { result, labCpuMs } = await measure(lab, job);
  if (result.kind !== 'scan') throw new Error('a scan job returned no run');
  return { ...result.run, labCpuMsPerTarget: labCpuMs / result.run.targets };
}

/** A replay or autocannon job's rate, with its own and the lab's CPU per request (µs). */
async function measureRate(
  lab: ChildProcess,
  job: Extract<Job, { kind: Replayer | 'autocannon' }>,
): Promise<RateResult & { labCpuUs: number }> {
  const { result, labCpuMs } = await measure(lab, job);
  if (result.kind === 'scan' || result.kind === 'analysis') throw new Error(`a ${job.kind} job returned no rate`);
  return { ...result, labCpuUs: (labCpuMs * 1000) / Math.max(1, result.requests) };
}

/** The analysis' costs in process (see `analysisCosts`). */
async function measureAnalysis(
  lab: ChildProcess,
  job: Extract<Job, { kind: 'analysis' }>,
): Promise<[string, number][]> {
  const { result } = await measure(lab, job);
  if (result.kind !== 'analysis') throw new Error('an analysis job returned no costs');
  return result.costs;
}

/** The total instructions (`summary:` line) of a cachegrind output file. */
async function instructionsIn(file: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  const summary = /^summary:\s+(\d+)/m.exec(text);
  if (summary?.[1] === undefined) throw new Error(`no summary line in ${file}`);
  return Number(summary[1]);
}

/**
 * `npm run bench:instructions`: the scanner process's instructions per target and per request, counted by valgrind
 * (cachegrind, no cache simulation) in a live scan of the lab (the lab runs natively in its own process). CPU time on
 * this VM moves by 15-20% from one minute to the next; instruction counts do not: with `node --single-threaded` V8
 * compiles on the main thread at the same points in every run, and the same code counts the same within 1-2%.
 * The difference between a scan of `--ir-sizes` A and B targets, divided by B - A, leaves out start-up and most of
 * the JIT's first compiles. A code change also moves V8's inlining and tiering, so a difference of a percent or two
 * between builds is at the edge of what this settles (docs/benchmarks.md).
 */
async function instructions(): Promise<void> {
  const probe = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    process.stderr.write('bench:instructions needs valgrind on the PATH (Debian: apt-get install valgrind)\n');
    process.exitCode = 2;
    return;
  }
  const [small = 200, large = 1200] = flag('--ir-sizes', '200,1200')
    .split(',')
    .map((s) => Number(s));
  if (!(Number.isInteger(small) && Number.isInteger(large) && small > 0 && large > small)) {
    throw new Error(`--ir-sizes takes two increasing target counts, e.g. 200,1200 (got ${flag('--ir-sizes', '')})`);
  }
  const concurrency = Number(flag('--concurrency', '16'));
  const perHost = Number(flag('--per-host', '8'));
  const { child, info } = await startLabProcess();
  const dir = await mkdtemp(join(tmpdir(), 'corsight-instructions-'));
  try {
    const recorded = await recordRequests(info);
    console.log(
      `corsight scan instructions, ${new Date().toISOString()}, ${probe.stdout.trim() || 'valgrind'}, Node ${process.version}`,
    );
    console.log(
      `scanner process only (the lab runs natively), node --single-threaded, per target between scans of ${small} and ${large} lab targets (https, full check set, --concurrency ${concurrency} --per-host ${perHost}):`,
    );
    const variants: [string, [string, ProbeRequest[]][] | undefined][] = [
      ['the scan', undefined],
      ['the scan with no check logic', [...recorded.probes]],
    ];
    for (const [name, askOnly] of variants) {
      const job = (count: number) =>
        ({ kind: 'scan', info, count, warm: 0, concurrency, perHost, sampleRetained: false, askOnly }) as const;
      const smallOut = join(dir, `${small}.out`);
      const largeOut = join(dir, `${large}.out`);
      // The two sizes at once: one core each, and the counts do not depend on the machine's load.
      const [a, b] = await Promise.all([measure(child, job(small), smallOut), measure(child, job(large), largeOut)]);
      if (a.result.kind !== 'scan' || b.result.kind !== 'scan') throw new Error('a scan job returned no run');
      const irSmall = await instructionsIn(smallOut);
      const irLarge = await instructionsIn(largeOut);
      const perTarget = (irLarge - irSmall) / (large - small);
      const perRequest = (irLarge - irSmall) / (b.result.run.wireRequests - a.result.run.wireRequests);
      console.log(
        `  ${name}: ${(perTarget / 1e6).toFixed(3)} M instructions a target, ${(perRequest / 1e3).toFixed(1)} k a request (${irSmall} and ${irLarge} in all)`,
      );
      if (a.result.run.errors + b.result.run.errors > 0) process.exitCode = 1;
    }
  } finally {
    child.disconnect();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const sizes = flag('--sizes', '200,2000,10000')
    .split(',')
    .map((s) => Number(s));
  const concurrency = Number(flag('--concurrency', '16'));
  const perHost = Number(flag('--per-host', '8'));
  const { child, info } = await startLabProcess();
  try {
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    console.log(`corsight scan benchmark, ${new Date().toISOString()}`);
    console.log(
      `machine: ${availableParallelism()} x ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      `lab: ${info.httpsUrl} (child process), https, full check set, --concurrency ${concurrency} --per-host ${perHost}\n`,
    );
    // Every measured piece runs in a fresh process of its own (see `Job`), after an untimed warm-up there.
    const scanJob = (count: number, warm: number, sampleRetained = false) =>
      ({ kind: 'scan', info, count, warm, concurrency, perHost, sampleRetained }) as const;
    // The sized runs and the one-target-per-host run each start with this many untimed targets.
    const sizedWarm = 200;
    const rows: Run[] = [];
    for (const size of sizes) rows.push(await measureScan(child, scanJob(size, sizedWarm)));
    const hostCount = Number(flag('--host-targets', '1000'));
    const perHostRun = await measureScan(child, { ...scanJob(hostCount, sizedWarm), hostPerTarget: true });
    // The ratio: interleaved pairs (corsight, then autocannon), so a slow minute weighs on both sides alike.
    const pairs: {
      corsight: number;
      autocannon: number;
      client: number;
      undici: number;
      runtime: number;
      /** CPU microseconds per request: the scanner's in the scan, the lab's under autocannon. */
      scannerCpuUs: number;
      labCpuUs: number;
      /** CPU microseconds per request in each other piece's own process (the floors under the scan). */
      autocannonCpuUs: number;
      undiciCpuUs: number;
      clientCpuUs: number;
      runtimeCpuUs: number;
      errors: number;
    }[] = [];
    const ratioRounds = Number(flag('--ratio-rounds', '5'));
    const ratioSize = Number(flag('--ratio-size', '2000'));
    const ratioWarm = Number(flag('--ratio-warm', '8000'));
    const recorded = await recordRequests(info);
    for (let round = 0; round < ratioRounds; round++) {
      const scan = await measureScan(child, scanJob(ratioSize, ratioWarm));
      const raw = await measureRate(child, {
        kind: 'autocannon',
        info,
        connections: perHost,
        seconds: Number(flag('--raw-seconds', '5')),
      });
      const replay = { info, count: ratioSize, warm: ratioWarm, concurrency, perHost, requests: recorded.requests };
      const alone = await measureRate(child, { kind: 'client', ...replay });
      const bare = await measureRate(child, { kind: 'undici', ...replay });
      const runtime = await measureScan(child, { ...scanJob(ratioSize, ratioWarm), askOnly: [...recorded.probes] });
      pairs.push({
        corsight: scan.requestsPerSecond,
        autocannon: raw.rate,
        client: alone.rate,
        undici: bare.rate,
        runtime: runtime.requestsPerSecond,
        scannerCpuUs: scan.scannerCpuUsPerRequest,
        labCpuUs: raw.labCpuUs,
        autocannonCpuUs: raw.cpuUs,
        undiciCpuUs: bare.cpuUs,
        clientCpuUs: alone.cpuUs,
        runtimeCpuUs: runtime.scannerCpuUsPerRequest,
        errors: raw.errors + scan.errors + alone.errors + bare.errors + runtime.errors,
      });
    }
    const analysisTargets = Number(flag('--analysis-size', '1000'));
    const analysis = await measureAnalysis(child, {
      kind: 'analysis',
      info,
      count: analysisTargets,
      answers: [...recorded.answers],
    });
    // What the run retains, in a pass of its own (forced full GCs would distort the timed runs).
    const largest = Math.max(...sizes);
    const memory = await measureScan(child, scanJob(largest, 0, true));
    console.log('targets  seconds  targets/s  requests/target  errors  findings  peak RSS MiB  peak heap MiB');
    for (const r of rows) {
      console.log(
        `${String(r.targets).padStart(7)}  ${r.seconds.toFixed(2).padStart(7)}  ${r.targetsPerSecond.toFixed(1).padStart(9)}  ${r.requestsPerTarget.toFixed(1).padStart(15)}  ${String(r.errors).padStart(6)}  ${String(r.findings).padStart(8)}  ${r.peakRssMiB.toFixed(1).padStart(12)}  ${r.peakHeapMiB.toFixed(1).padStart(13)}`,
      );
    }
    console.log(
      memory.retainedHeapMiB === undefined
        ? '\nretained heap: not measured (the memory job had no gc())'
        : `\nretained heap (largest after a full GC every 100 targets, untimed pass of ${largest} targets): ${memory.retainedHeapMiB.toFixed(1)} MiB, peak RSS in that pass ${memory.peakRssMiB.toFixed(0)} MiB`,
    );
    console.log(
      `one target per host (t<i>.localhost, ${perHostRun.targets} targets after ${sizedWarm} untimed; each opens its own connections): ${perHostRun.targetsPerSecond.toFixed(1)} targets/s, scanner CPU ${perHostRun.scannerCpuMsPerTarget.toFixed(2)} ms per target, lab ${perHostRun.labCpuMsPerTarget.toFixed(2)} ms${perHostRun.errors > 0 ? ` (${perHostRun.errors} errors)` : ''}`,
    );
    const [load1] = loadavg();
    console.log(
      `\nCPU per target: ${rows.map((r) => `${r.targets}: scanner ${r.scannerCpuMsPerTarget.toFixed(2)} ms, lab ${r.labCpuMsPerTarget.toFixed(2)} ms`).join('; ')}`,
    );
    const last = rows[rows.length - 1];
    if (last !== undefined) {
      // With the scanner and the lab each on its own core, the busier process bounds throughput.
      const bound = 1000 / Math.max(last.scannerCpuMsPerTarget, last.labCpuMsPerTarget);
      console.log(
        `CPU-bound throughput on ${availableParallelism()} otherwise idle cores: about ${bound.toFixed(0)} targets/s (load average now ${load1?.toFixed(1)}; measured figures above suffer when the machine is shared)`,
      );
    }
    const median = (values: number[]): number => {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = sorted.length >> 1;
      return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
    };
    const pairedRatio = median(pairs.map((pair) => pair.corsight / pair.autocannon));
    const corsightRate = median(pairs.map((pair) => pair.corsight));
    const autocannonRate = median(pairs.map((pair) => pair.autocannon));
    const clientAlone = median(pairs.map((pair) => pair.client));
    const undiciAlone = median(pairs.map((pair) => pair.undici));
    const runtimeAlone = median(pairs.map((pair) => pair.runtime));
    console.log(
      `\nrequest rates, ${ratioRounds} interleaved rounds, each piece in a fresh process (corsight: the last ${ratioSize} targets of a scan of ${ratioWarm + ratioSize}, then autocannon on the same lab: https, keep-alive, ${perHost} connections, ${flag('--raw-seconds', '5')} s after 1 untimed, then corsight's HTTP client alone on the same targets' requests, then undici alone on them, then a scan asking the same probes with no check logic):`,
    );
    for (const pair of pairs) {
      console.log(
        `  corsight ${pair.corsight.toFixed(0)} requests/s, autocannon ${pair.autocannon.toFixed(0)} requests/s: ${(pair.corsight / pair.autocannon).toFixed(2)}; client alone ${pair.client.toFixed(0)} requests/s: ${(pair.client / pair.autocannon).toFixed(2)}; undici alone ${pair.undici.toFixed(0)} requests/s: ${(pair.undici / pair.autocannon).toFixed(2)}; no check logic ${pair.runtime.toFixed(0)} requests/s: ${(pair.runtime / pair.autocannon).toFixed(2)}${pair.errors > 0 ? ` (${pair.errors} errors)` : ''}`,
      );
    }
    console.log(
      `ratio corsight / autocannon, the median of the ${pairs.length} pairs: ${pairedRatio.toFixed(2)} (target >= 0.5); the ratio of the medians: ${corsightRate.toFixed(0)} / ${autocannonRate.toFixed(0)} = ${(corsightRate / autocannonRate).toFixed(2)}`,
    );
    // The same scanner from its first target: the sized runs above are whole scans in fresh processes, V8's warm-up
    // included (it compiles the scanner's code over the first several thousand targets).
    if (last !== undefined) {
      const wholeRun = last.requestsPerSecond;
      console.log(
        `a whole scan of ${last.targets} targets from a cold start (the sized run above) / autocannon: ${wholeRun.toFixed(0)} / ${autocannonRate.toFixed(0)} = ${(wholeRun / autocannonRate).toFixed(2)}`,
      );
    }
    console.log(
      `the HTTP client alone / autocannon: ${clientAlone.toFixed(0)} / ${autocannonRate.toFixed(0)} = ${(clientAlone / autocannonRate).toFixed(2)} (the network layer's ceiling for a scan)`,
    );
    console.log(
      `a scan with no check logic / autocannon: ${runtimeAlone.toFixed(0)} / ${autocannonRate.toFixed(0)} = ${(runtimeAlone / autocannonRate).toFixed(2)} (the ceiling with the scanner's runtime: deadline, probe cache, outcomes, trace, report)`,
    );
    // The rates move with the minute on a shared VM; CPU per request moves much less, and the lab's work per request
    // is fixed, so the quotient compares builds across minutes (lower is better). The rate ratio times the quotient is
    // printed too: it stays near one value on one machine (the scanner process's CPU counts V8's helper threads, and
    // its main thread is not busy all the time), so it says which quotient the 0.5 target needs.
    const cpuQuotient = median(pairs.map((pair) => pair.scannerCpuUs / pair.labCpuUs));
    const calibration = median(
      pairs.map((pair) => (pair.corsight / pair.autocannon) * (pair.scannerCpuUs / pair.labCpuUs)),
    );
    console.log(
      `CPU per request, scanner in the scan / lab under autocannon: ${pairs.map((pair) => `${pair.scannerCpuUs.toFixed(0)} / ${pair.labCpuUs.toFixed(0)} µs`).join(', ')}; median quotient ${cpuQuotient.toFixed(2)}; ratio x quotient ${calibration.toFixed(2)}, so 0.5 needs a quotient of about ${(calibration / 0.5).toFixed(1)} or less`,
    );
    // Each layer's CPU per request in its own process: what the scan spends over its floors (bare undici, then
    // corsight's client, then the runtime with no decisions), each measured in the same rounds.
    const floors = {
      autocannon: median(pairs.map((pair) => pair.autocannonCpuUs)),
      undici: median(pairs.map((pair) => pair.undiciCpuUs)),
      client: median(pairs.map((pair) => pair.clientCpuUs)),
      runtime: median(pairs.map((pair) => pair.runtimeCpuUs)),
      scan: median(pairs.map((pair) => pair.scannerCpuUs)),
    };
    console.log(
      `CPU per request in each piece's own process (medians): autocannon ${floors.autocannon.toFixed(1)}, bare undici ${floors.undici.toFixed(1)}, corsight's client ${floors.client.toFixed(1)}, the scan with no check logic ${floors.runtime.toFixed(1)}, the scan ${floors.scan.toFixed(1)} µs`,
    );
    console.log(
      `the analysis in process over recorded answers (no network), CPU per target, each set alone, ${analysisTargets} targets, median of 3 rounds: ${analysis.map(([name, us]) => `${name} ${us.toFixed(0)} µs`).join('; ')}`,
    );
    if (last !== undefined) {
      console.log(`peak RSS at ${last.targets} targets: ${last.peakRssMiB.toFixed(0)} MiB (target <= 250)`);
    }
    console.log(
      `\n${JSON.stringify({ concurrency, perHost, loadAverage: loadavg(), runs: rows, hostPerTarget: perHostRun, memory, pairs, ratio: pairedRatio, ratioOfMedians: corsightRate / autocannonRate, cpuQuotient, calibration, clientRatio: clientAlone / autocannonRate, undiciRatio: undiciAlone / autocannonRate, runtimeRatio: runtimeAlone / autocannonRate, floors, analysis: Object.fromEntries(analysis) })}`,
    );
    if ([...rows, perHostRun, memory].some((r) => r.errors > 0) || pairs.some((pair) => pair.errors > 0)) {
      process.exitCode = 1;
    }
  } finally {
    child.disconnect();
  }
}

// Child modes: serve the lab until the parent disconnects, or run one measured job and exit. Last in the file, so
// that every declaration above (classes included) is initialized before the top-level await runs.
if (process.argv[2] === '--serve-lab') {
  const lab = await startLab();
  process.send?.({ httpsUrl: lab.httpsUrl, resolve: lab.resolve } satisfies LabInfo);
  // The parent asks for the lab's CPU time around each run.
  process.on('message', () => process.send?.(process.cpuUsage()));
  process.on('disconnect', () => {
    void lab.close().then(() => process.exit(0));
  });
} else if (process.argv[2] === '--job') {
  await serveJob();
} else if (process.argv[2] === '--instructions') {
  await instructions();
} else {
  await main();
}
