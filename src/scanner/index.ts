/**
 * The scanner: targets in, probes on the wire, findings out. `scanTarget` for one URL, `scan` for a stream of
 * them (results as each finishes), `createScanner` to reuse one keep-alive pool set across calls.
 *
 * Flow (data goes one way): target -> baseline (redirects reported, followed only within the site on request)
 * -> every check asks for probes through one de-duplicating `ProbeContext` -> findings -> reporters.
 */
import { checks as allChecks } from './checks/index.js';
import { createScanner, type ScanTargetResult } from './scanner.js';
import type { ScanOptions } from './options.js';
import type { Check } from './types.js';

export * from './types.js';
export { ProbeError, ScanOptionError, type ProbeErrorCode } from './errors.js';
export { createProbeContext, type ProbeContextOptions, type TargetProbeContext } from './context.js';
export { createScanner, parseTarget, type Scanner, type ScanTargetResult } from './scanner.js';
export {
  defaultScanOptions,
  parseHeader,
  parseResolve,
  parseTrustedOrigin,
  type ResolveRule,
  type ScanOptions,
} from './options.js';
export {
  createTransport,
  type Transport,
  type TransportRequest,
  type TransportResult,
  type TransportStats,
} from './transport.js';
export {
  maxLineBytes,
  normalizeTarget,
  notTextReason,
  readTargets,
  TargetListError,
  type InvalidTarget,
} from './input.js';
export { checks, checkIds } from './checks/index.js';
export {
  ChromiumMissingError,
  chromiumPath,
  createConfirmer,
  defaultChromiumPath,
  isExploitable,
  type AttackerRequest,
  type ConfirmOptions,
  type Confirmer,
} from './confirm.js';

function withDefaults(options: Partial<ScanOptions>): Partial<ScanOptions> & { checks: readonly Check[] } {
  return { ...options, checks: options.checks ?? allChecks };
}

/**
 * Scans one target URL with every check (or `options.checks` / `options.select`). Never rejects for a target
 * failure: a server that times out, resets or speaks garbage yields `status: 'error'` with the reason. Rejects
 * only for a bad option (`ScanOptionError`).
 */
export async function scanTarget(url: string, options: Partial<ScanOptions> = {}): Promise<ScanTargetResult> {
  const scanner = createScanner(withDefaults(options));
  try {
    return await scanner.scanTarget(url);
  } finally {
    await scanner.close();
  }
}

/**
 * Scans targets (any iterable, e.g. lines streamed from a file) with bounded concurrency and yields each
 * result as its target finishes, so memory stays flat however long the list. Breaking out of the loop cancels
 * the targets in flight.
 */
export async function* scan(
  targets: Iterable<string> | AsyncIterable<string>,
  options: Partial<ScanOptions> = {},
): AsyncGenerator<ScanTargetResult, void, undefined> {
  const scanner = createScanner(withDefaults(options));
  try {
    yield* scanner.scan(targets);
  } finally {
    await scanner.close();
  }
}
