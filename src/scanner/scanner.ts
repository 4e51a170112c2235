import { setMaxListeners } from 'node:events';
import { createProbeContext, type TargetProbeContext } from './context.js';
import { Deadline, onAbort } from '../net/index.js';
import { ProbeError } from './errors.js';
import { observeTransport, type ProbeObserver } from './probe-log.js';
import { CheckView, traceChecks } from './probe-trace.js';
import { resolveScanOptions, selectedChecks, type ScanOptions } from './options.js';
import { isSchemelesslySameSite } from '../fetch/origin.js';
import { isRedirectStatus } from '../fetch/status.js';
import { maxRedirects, redirectLocation } from './redirects.js';
import { createTransport, type ProbeTransport, type TransportStats } from './transport.js';
import { interferenceOf, statusOf } from './target-status.js';
import {
  severities,
  type Check,
  type CheckDecision,
  type CheckReport,
  type CheckProbes,
  type Finding,
  type HeaderList,
  type ScanTarget,
  type TargetRequest,
  type TargetResult,
} from './types.js';
import { isCorsSafelistedMethod } from '../fetch/methods.js';

/** A `TargetResult` with what the runtime adds beyond the contract (all optional, so the contract holds). */
export interface ScanTargetResult extends TargetResult {
  /** The URL the checks ran against when --follow-redirects moved it (absent when it is `url`). */
  finalUrl?: string;
  /** Checks that were decided (finding, clear or not applicable), for the report. */
  checksRun?: number;
  /** The probes the checks relied on (a table, and indexes into it per check), for the JSON reports. */
  checkProbes?: CheckProbes;
}

/** A scanner bound to one transport (one keep-alive pool set): scan many targets, then close it. */
export interface Scanner {
  /**
   * Scans one target: a URL, or a URL with the application's own request (its method, headers and preflight).
   * Never rejects: failures become a result with `status: 'error'`.
   */
  scanTarget(target: ScanTarget): Promise<ScanTargetResult>;
  /** Scans targets with the configured concurrency, yielding each result as its target finishes. */
  scan(targets: Iterable<ScanTarget> | AsyncIterable<ScanTarget>): AsyncGenerator<ScanTargetResult, void, undefined>;
  /** The checks this scanner runs (after `select`). */
  readonly checks: readonly Check[];
  /** The validated options. */
  readonly options: Readonly<ScanOptions>;
  readonly stats: Readonly<TransportStats>;
  /** Closes the keep-alive pools. */
  close(): Promise<void>;
}

/** Parses a target: an absolute http(s) URL without user info. Returns an error message when unusable. */
export function parseTarget(input: string): URL | string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return `invalid URL '${input}'`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `unsupported scheme '${url.protocol}' in '${input}' (http or https only)`;
  }
  if (url.username !== '' || url.password !== '') return `a target URL has no user info: '${input}'`;
  url.hash = '';
  return url;
}

function severityRank(finding: Finding): number {
  return severities.indexOf(finding.severity);
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Waits for `work` or for `signal` to abort, whichever comes first: undefined when the work finished, else the
 * abort's reason as an Error (the work is left to settle on its own).
 */
function untilAborted(work: Promise<unknown>, signal: AbortSignal): Promise<Error | undefined> {
  const reasonOf = (): Error => (signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
  if (signal.aborted) return Promise.resolve(reasonOf());
  return new Promise((resolve) => {
    const stop = onAbort(signal, () => resolve(reasonOf()));
    void work.then(() => {
      stop();
      resolve(undefined);
    });
  });
}

/**
 * Creates a scanner. `options.checks` must be given here (the package entry point fills in the default set);
 * other options default as documented on `ScanOptions`. Throws a `ScanOptionError` for a bad option.
 */
export function createScanner(
  input: Partial<ScanOptions> & { checks: readonly Check[]; onProbe?: ProbeObserver | undefined },
): Scanner {
  const options = resolveScanOptions(input);
  const checks = selectedChecks(options);
  // onProbe sees every request on the wire (--verbose, --log); the transport is unchanged without it.
  const transport: ProbeTransport = observeTransport(createTransport(options), input.onProbe);
  const targetTimeout = options.targetTimeout ?? options.timeout * 6;
  const commonHeaders: HeaderList = [...options.headers];
  if (options.cookie !== undefined) {
    const existing = commonHeaders.findIndex(([name]) => name.toLowerCase() === 'cookie');
    const entry = commonHeaders[existing];
    if (entry !== undefined) {
      const [name, value] = entry;
      commonHeaders[existing] = [name, `${value}; ${options.cookie}`];
    } else {
      commonHeaders.push(['Cookie', options.cookie]);
    }
  }

  function context(url: URL, signal: AbortSignal, request: TargetRequest | undefined): TargetProbeContext {
    return createProbeContext({
      url,
      transport,
      trustedOrigins: options.trustedOrigins,
      method: probeMethodOf(request),
      headers: request?.headers === undefined ? commonHeaders : targetHeaders(request.headers),
      userAgent: options.userAgent,
      signal,
      ...(request?.preflight === undefined ? {} : { preflight: request.preflight }),
    });
  }

  /**
   * The method of a target's baseline and simple probes: the application's own when a browser sends it without a
   * preflight (GET, HEAD, POST); a PUT or DELETE is only ever asked for in preflights (the scanner never replays a
   * state-changing request the preflight would have to allow first), so those targets keep the run's --method.
   */
  function probeMethodOf(request: TargetRequest | undefined): string {
    const method = request?.method;
    return method !== undefined && isCorsSafelistedMethod(method) ? method : options.method;
  }

  /** The run's headers (--header, --cookie) first, then the target's own under other names: the user's flags win. */
  function targetHeaders(own: HeaderList): HeaderList {
    const given = new Set(commonHeaders.map(([name]) => name.toLowerCase()));
    return [...commonHeaders, ...own.filter(([name]) => !given.has(name.toLowerCase()))];
  }

  async function runChecks(
    ctx: TargetProbeContext,
    signal: AbortSignal,
  ): Promise<{ findings: Finding[]; decisions: CheckDecision[]; probes: CheckProbes }> {
    // Each check runs on a view of the context that notes the probes it relies on (for the JSON report), and
    // settles into its own slot: when the target's deadline ends the run, the checks that finished keep their
    // decision and the others are inconclusive with the deadline's reason. One race for the whole set, not one
    // per check (three promises less per check, per target).
    const views = checks.map((): CheckView => new CheckView(ctx));
    const settled: (PromiseSettledResult<CheckReport> | undefined)[] = checks.map(() => undefined);
    const runs = checks.map(async (check, index) => {
      try {
        settled[index] = { status: 'fulfilled', value: await check.run(views[index]!) };
      } catch (reason) {
        settled[index] = { status: 'rejected', reason };
      }
    });
    // A check that never settles (a bug) must not hold the run: the target deadline ends the wait.
    const stopped = await untilAborted(Promise.all(runs), signal);
    const findings: Finding[] = [];
    const decisions: CheckDecision[] = [];
    settled.forEach((outcome, index) => {
      const check = checks[index];
      if (check === undefined) return;
      outcome ??= { status: 'rejected', reason: stopped };
      if (outcome.status === 'fulfilled') {
        const report = outcome.value as unknown;
        if (
          report === null ||
          typeof report !== 'object' ||
          !Array.isArray((report as { findings?: unknown }).findings)
        ) {
          decisions.push({ id: check.id, outcome: 'inconclusive', reason: `check ${check.id} returned no report` });
          return;
        }
        const { outcome: decided, reason, findings: found } = outcome.value;
        findings.push(...found);
        decisions.push(
          reason === undefined ? { id: check.id, outcome: decided } : { id: check.id, outcome: decided, reason },
        );
      } else {
        const reason = outcome.reason as unknown;
        decisions.push({
          id: check.id,
          outcome: 'inconclusive',
          reason: reason instanceof ProbeError ? reason.message : `check ${check.id} failed: ${errorMessage(reason)}`,
        });
      }
    });
    const probes: CheckProbes = traceChecks(
      checks.map((check) => check.id),
      views.map((view) => view.used),
    );
    // Severity descending, then the checks' own order: the report reads worst first.
    findings.sort((a, b) => severityRank(b) - severityRank(a));
    return { findings, decisions, probes };
  }

  // The reason in-flight probes of a finished target are stopped with; nobody reads it, so one instance serves all.
  const targetFinished = new ProbeError('aborted', 'target finished');

  async function scanTarget(given: ScanTarget, runSignal?: AbortSignal): Promise<ScanTargetResult> {
    const request = typeof given === 'string' ? undefined : given;
    const target = typeof given === 'string' ? given : given.url;
    const method = request?.method === undefined ? {} : { method: request.method };
    const parsed = parseTarget(target);
    if (typeof parsed === 'string') {
      return {
        url: target,
        ...method,
        status: 'error',
        error: parsed,
        findings: [],
        checks: [],
        probes: { sent: 0, answered: 0, failed: 0, rateLimited: 0, retried: 0 },
        requests: 0,
      };
    }
    // The target's deadline: its clock stops while all its probes wait for a place (--rate, --per-host,
    // Retry-After), so a slowed-down scan is never a failed one.
    const controller = new Deadline(
      targetTimeout,
      () => new ProbeError('timeout', `target timeout: no complete answer within ${targetTimeout} ms`),
    );
    // Probes waiting for a place watch the target's signal through onAbort (one real listener however many
    // wait), except for a --rate token: p-queue adds a listener per waiting probe, and a target can have dozens.
    if (options.rate > 0) setMaxListeners(0, controller.signal);
    const signals = [runSignal, options.signal].filter((s): s is AbortSignal => s !== undefined);
    const onRunAbort = () => controller.abort(new ProbeError('aborted', 'scan cancelled'));
    // Every target in flight watches the run's signals: one shared listener each (onAbort), not one per target.
    const unsubscribe: (() => void)[] = [];
    for (const s of signals) {
      if (s.aborted) onRunAbort();
      else unsubscribe.push(onAbort(s, onRunAbort));
    }
    let requests = 0;
    let ctx: TargetProbeContext | undefined;
    const result: ScanTargetResult = {
      url: target,
      ...method,
      status: 'ok',
      findings: [],
      checks: [],
      probes: { sent: 0, answered: 0, failed: 0, rateLimited: 0, retried: 0 },
      requests: 0,
    };
    try {
      let url = parsed;
      ctx = context(url, controller.signal, request);
      let baseline = await ctx.baseline();
      const hops = [url.href];
      while (isRedirectStatus(baseline.response.status)) {
        const location = redirectLocation(baseline.response, url);
        if (location === undefined) break;
        const next = location.url;
        if (!options.followRedirects || next === undefined || !isSchemelesslySameSite(url, next)) {
          // Reported, not followed: a cross-site hop would scan someone else's server.
          result.redirect = { status: baseline.response.status, location: next?.href ?? location.raw };
          break;
        }
        if (hops.includes(next.href)) {
          throw new ProbeError('redirect', `redirect loop: ${[...hops, next.href].join(' -> ')}`);
        }
        if (hops.length > maxRedirects) {
          throw new ProbeError('redirect', `too many redirects (more than ${maxRedirects}) starting at ${hops[0]}`);
        }
        hops.push(next.href);
        requests += ctx.requests;
        url = next;
        ctx = context(url, controller.signal, request);
        baseline = await ctx.baseline();
      }
      if (url.href !== parsed.href) result.finalUrl = url.href;
      const { findings, decisions, probes } = await runChecks(ctx, controller.signal);
      result.findings = findings;
      result.checks = decisions;
      result.checkProbes = probes;
      result.checksRun = decisions.filter((d) => d.outcome !== 'inconclusive').length;
      const { interference, originFailure } = interferenceOf(ctx);
      if (interference !== undefined) result.interference = interference;
      const status = statusOf(decisions, findings.length, interference, originFailure, ctx.failure);
      result.status = status.status;
      if (status.status === 'error') result.error = status.line;
      else if (status.status === 'partial') result.reason = status.line;
    } catch (error) {
      result.status = 'error';
      result.error = errorMessage(error);
    } finally {
      controller.stop();
      for (const stop of unsubscribe) stop();
      // Stop anything still in flight for this target (checks may have left probes nobody awaits). Usually
      // nothing is, and an abort (an Error and an event dispatch per target) would be pure overhead.
      if (!controller.signal.aborted && (ctx === undefined || ctx.inFlight > 0)) controller.abort(targetFinished);
    }
    result.requests = requests + (ctx?.requests ?? 0);
    if (ctx !== undefined) result.probes = { ...ctx.counts };
    return result;
  }

  async function* scanAll(
    targets: Iterable<ScanTarget> | AsyncIterable<ScanTarget>,
  ): AsyncGenerator<ScanTargetResult, void, undefined> {
    const iterator: AsyncIterator<ScanTarget> | Iterator<ScanTarget> =
      Symbol.asyncIterator in targets ? targets[Symbol.asyncIterator]() : targets[Symbol.iterator]();
    const run = new AbortController();
    setMaxListeners(0, run.signal);
    const finished: ScanTargetResult[] = [];
    let running = 0;
    let exhausted = false;
    let wake: (() => void) | undefined;
    let woken = new Promise<void>((resolve) => (wake = resolve));
    const notify = () => {
      const current = wake;
      woken = new Promise<void>((resolve) => (wake = resolve));
      current?.();
    };
    const start = (target: ScanTarget) => {
      running++;
      void scanTarget(target, run.signal).then((result) => {
        running--;
        finished.push(result);
        notify();
      });
    };
    let pull: Promise<IteratorResult<ScanTarget>> | undefined;
    try {
      for (;;) {
        // Fill free places with new targets, but yield finished results as soon as there are any: the input may
        // be a slow pipe, and results must not wait for the next line.
        while (!exhausted && running < options.concurrency && finished.length === 0) {
          // A cancelled run (options.signal) starts no new target; those in flight end as 'scan cancelled'.
          if (options.signal?.aborted === true) {
            exhausted = true;
            break;
          }
          pull ??= Promise.resolve(iterator.next());
          const woke = woken.then(() => 'woke' as const);
          const next = await Promise.race([pull, woke]);
          if (next === 'woke') break;
          pull = undefined;
          if (next.done === true) exhausted = true;
          else start(next.value);
        }
        for (let next = finished.shift(); next !== undefined; next = finished.shift()) yield next;
        if (exhausted && running === 0) return;
        if (exhausted || running >= options.concurrency) await woken;
      }
    } finally {
      if (running > 0) run.abort(new ProbeError('aborted', 'scan cancelled'));
      if (!exhausted) await iterator.return?.();
    }
  }

  return {
    checks,
    options,
    stats: transport.stats,
    scanTarget: (url) => scanTarget(url),
    scan: scanAll,
    close: () => transport.close(),
  };
}
