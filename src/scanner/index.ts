/**
 * The scanner: targets in, probes on the wire, findings out. `scanTarget` for one URL, `scan` for a stream of
 * them (results as each finishes), `createScanner` to reuse one keep-alive pool set across calls.
 *
 * Flow (data goes one way): target -> baseline (redirects reported, followed only within the site on request)
 * -> every check asks for probes through one de-duplicating `ProbeContext` -> findings -> reporters.
 */
import { checks as allChecks } from './checks/index.js';
import { createScanRun, type ScanRunOptions } from './run.js';
import type { ScanTargetResult } from './scanner.js';
import type { Check, ScanTarget } from './types.js';

export * from './types.js';
export { ProbeError, ScanOptionError, type ProbeErrorCode } from './errors.js';
export { createProbeContext, type ProbeContextOptions, type TargetProbeContext } from './context.js';
export { createScanner, parseTarget, type Scanner, type ScanTargetResult } from './scanner.js';
export { confirmResult, createScanRun, inInputOrder, type ScanRun, type ScanRunOptions } from './run.js';
export { describeProbe, observeTransport, type ProbeObserver, type ProbeRecord } from './probe-log.js';
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
  type ProbeTransport,
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
// Per-target requests: HAR, OpenAPI, `METHOD URL` and JSONL lines, --scope.
export { InputFileError, jsonPointer } from './inputs/errors.js';
export { readHar, type HarContents } from './inputs/har.js';
export { readOpenApi, type OpenApiContents, type OpenApiOptions } from './inputs/openapi.js';
export { parseTargetLine } from './inputs/lines.js';
export { isCopiedHeader, targetRequest, TargetRequestError } from './inputs/request.js';
export { applyScope, createScope, scopePatterns, type Scope, type SkippedHost } from './inputs/scope.js';
export { checks, checkIds } from './checks/index.js';
// The judge: declared policy, baseline, accepted risks and the site view, applied to results before the reports.
export {
  createJudge,
  declarePolicy,
  declaredCallersCheck,
  findingFingerprint,
  fingerprintScheme,
  JudgeInputError,
  parseBaseline,
  parseIgnoreFile,
  type Baseline,
  type DeclaredPolicy,
  type IgnoreList,
  type Judge,
  type JudgeOptions,
  type ResolvedFinding,
} from './judge/index.js';
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

/** The full check set of `./checks/` (what a scan runs unless told otherwise). */
export function defaultChecks(): readonly Check[] {
  return allChecks;
}

/**
 * Scans one target (a URL, or a URL with the application's own request: see `TargetRequest`) with every check (or `options.checks` / `options.select`); with `confirm`, its
 * exploitable findings are also tried in headless Chromium. Never rejects for a target failure: a server that
 * times out, resets or speaks garbage yields `status: 'error'` with the reason. Rejects only for a bad option
 * (`ScanOptionError`) or, with `confirm`, a missing browser (`ChromiumMissingError`).
 */
export async function scanTarget(target: ScanTarget, options: ScanRunOptions = {}): Promise<ScanTargetResult> {
  const run = await createScanRun(options);
  try {
    for await (const result of run.scan([target])) return result;
    throw new Error(`no result for ${typeof target === 'string' ? target : target.url}`);
  } finally {
    await run.close();
  }
}

/**
 * Scans targets (any iterable, e.g. lines streamed from a file) with bounded concurrency and yields one result
 * per target as each finishes (`order: 'input'` yields them in the order the targets came, as the reports do:
 * a slow target then holds back at most a bounded number of finished ones). Breaking out of the loop cancels
 * the targets in flight.
 */
export async function* scan(
  targets: Iterable<ScanTarget> | AsyncIterable<ScanTarget>,
  options: ScanRunOptions = {},
): AsyncGenerator<ScanTargetResult, void, undefined> {
  const run = await createScanRun({ order: 'completion', ...options });
  try {
    yield* run.scan(targets);
  } finally {
    await run.close();
  }
}
