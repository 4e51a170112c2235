/**
 * A whole scan run as the library offers it: the scanner, results in input order, and `--confirm` done here so
 * library users get what the CLI gets. Each step returns new data; nothing is patched after the fact.
 */
import { checks as allChecks } from './checks/index.js';
import { createConfirmer, type ConfirmOptions, type Confirmer } from './confirm.js';
import type { ScanOptions } from './options.js';
import type { ProbeObserver } from './probe-log.js';
import { createScanner, type ScanTargetResult, type Scanner } from './scanner.js';
import { targetKey } from './inputs/request.js';
import type { Check, ScanTarget } from './types.js';

/** Options of a run: the scan options, plus what the run adds on top of scanning. */
export interface ScanRunOptions extends Partial<ScanOptions> {
  /**
   * Run each exploitable finding's proof of concept in headless Chromium and return the result with a
   * `confirmation` on those findings. `true` takes the browser's settings (cookie, --resolve, TLS) from the scan.
   */
  confirm?: boolean | ConfirmOptions;
  /** Called for every request on the wire when it ends (an audit trail of the probes). */
  onProbe?: ProbeObserver;
  /**
   * `'input'` (the default): results in the order the targets came, as every report needs. `'completion'`:
   * each result as soon as its target is done, for a consumer that orders or aggregates by itself.
   */
  order?: 'input' | 'completion';
}

/** A prepared run: the checks it will use, and `scan` to stream targets through it. */
export interface ScanRun {
  readonly checks: readonly Check[];
  readonly scanner: Scanner;
  /**
   * Scans the targets and yields one result per target, in the order the targets came, whatever finished
   * first (unless `order: 'completion'`). At most a bounded number of finished results wait for a slow earlier
   * target: past that, no new target is started until it is done, so memory stays flat however long the list.
   */
  scan(targets: Iterable<ScanTarget> | AsyncIterable<ScanTarget>): AsyncGenerator<ScanTargetResult, void, undefined>;
  /** Closes the connection pools and the browser. */
  close(): Promise<void>;
}

/** Confirms a result's exploitable findings in the browser and returns them as a new result (the input is kept). */
export async function confirmResult(confirmer: Confirmer, result: ScanTargetResult): Promise<ScanTargetResult> {
  const copy = structuredClone(result);
  await confirmer.confirm(copy);
  return copy;
}

/** The confirmer options that follow from the scan's own: same cookie, same --resolve rules, same TLS trust. */
function confirmOptionsOf(options: ScanRunOptions): ConfirmOptions {
  const given = typeof options.confirm === 'object' ? options.confirm : {};
  const derived: ConfirmOptions = { resolve: [...(options.resolve ?? [])], insecure: options.insecure === true };
  if (options.cookie !== undefined) derived.cookie = options.cookie;
  return { ...derived, ...given };
}

/**
 * Yields `scan(targets)`'s results in input order. Results are matched to targets by URL and method (the scanner
 * reports the target URL and, for a target with its own request, the method it was given); `window` bounds the
 * targets started but not yet yielded.
 */
export async function* inInputOrder<T extends ScanTarget>(
  targets: Iterable<T> | AsyncIterable<T>,
  scan: (targets: AsyncIterable<T>) => AsyncIterable<ScanTargetResult>,
  window: number,
): AsyncGenerator<ScanTargetResult, void, undefined> {
  const pending: { key: string; result: ScanTargetResult | undefined }[] = [];
  let release: (() => void) | undefined;
  async function* feed(): AsyncGenerator<T, void, undefined> {
    for await (const target of targets) {
      // Head-of-line: a slow first target holds back output, so it also holds back new work.
      while (pending.length >= window) await new Promise<void>((resolve) => (release = resolve));
      pending.push({ key: targetKey(target), result: undefined });
      yield target;
    }
  }
  for await (const result of scan(feed())) {
    const key = targetKey(result.method === undefined ? result.url : { url: result.url, method: result.method });
    const slot = pending.find((entry) => entry.result === undefined && entry.key === key);
    if (slot === undefined) throw new Error(`scan returned a result for '${result.url}', which was not asked for`);
    slot.result = result;
    for (let head = pending[0]?.result; head !== undefined; head = pending[0]?.result) {
      pending.shift();
      const wake = release;
      release = undefined;
      wake?.();
      yield head;
    }
  }
}

/**
 * Prepares a run: validates the options (throws `ScanOptionError`), and with `confirm` finds and checks the
 * browser before anything is sent (throws `ChromiumMissingError`).
 */
export async function createScanRun(options: ScanRunOptions = {}): Promise<ScanRun> {
  const { confirm, onProbe, order = 'input', ...scanOptions } = options;
  const scanner = createScanner({ ...scanOptions, checks: scanOptions.checks ?? allChecks, onProbe });
  let confirmer: Confirmer | undefined;
  if (confirm !== undefined && confirm !== false) {
    try {
      confirmer = await createConfirmer(confirmOptionsOf(options));
    } catch (error) {
      await scanner.close();
      throw error;
    }
  }
  const window = Math.max(64, scanner.options.concurrency * 4);
  return {
    checks: scanner.checks,
    scanner,
    async *scan(targets) {
      const results =
        order === 'input' ? inInputOrder(targets, (feed) => scanner.scan(feed), window) : scanner.scan(targets);
      for await (const result of results) {
        yield confirmer === undefined ? result : await confirmResult(confirmer, result);
      }
    },
    async close() {
      await scanner.close();
      await confirmer?.close();
    },
  };
}
