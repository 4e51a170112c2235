/**
 * `corsight scan [URL...] [--input FILE|-] ...`: scans targets for CORS misconfigurations and prints a report.
 * A thin shell: it parses flags, calls the library (`createScanRun`: input order, --confirm) and writes the
 * reports. Results go to stdout (or --output FILE) in input order; progress, probes (--verbose) and warnings go to
 * stderr. Exit 0 when no finding reaches --fail-on (default high), 1 when one does, 2 for a usage error, 3 with
 * --fail-on-error when a target could not be scanned or was scanned only partly.
 */
import { constants as fsConstants, createReadStream, createWriteStream } from 'node:fs';
import { access, open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { PlaywrightMissingError } from '../../chromium/index.js';
import {
  ChromiumMissingError,
  createScanRun,
  defaultScanOptions,
  describeProbe,
  InputFileError,
  normalizeTarget,
  notTextReason,
  parseHeader,
  readTargets,
  ScanOptionError,
  TargetListError,
  type ProbeRecord,
  type ScanOptions,
  type ScanRun,
  type ScanTarget,
} from '../../scanner/index.js';
import { checks as allChecks } from '../../scanner/checks/index.js';
import {
  addBaselineOutcome,
  addToSummary,
  artifactUri,
  count,
  defaultRedactedHeaders,
  defaultSarifArtifact,
  emptySummary,
  escapeLine,
  isIncomplete,
  reachesThreshold,
  reportFormats,
  type ReportFormat,
  type Reporter,
  type Summary,
} from '../../scanner/report/index.js';
import type { Check, Severity } from '../../scanner/types.js';
import { severities } from '../../scanner/types.js';
import { ExitCode, UsageError } from '../exit-codes.js';
import {
  closeReportOutput,
  discardReportOutputs,
  emit,
  openReportOutput,
  parseReportRequests,
  type ReportOutput,
} from '../report-outputs.js';
import { findConfigFile, mergeScanConfig, readScanConfig } from '../config.js';
import { readSources, type Sources } from '../scan-sources.js';
import { prepareJudging } from '../scan-judge.js';
import { version } from '../version.js';
import type { Register } from './register.js';
import { checkQueueFlags, openQueueRun, type QueueFlags } from './scan-queue.js';

/** The flags of `scan`, as commander parses them (numbers still strings, validated here). */
export interface ScanCommandOptions extends QueueFlags {
  input?: string;
  format?: string;
  output?: string;
  header?: string[];
  cookie?: string;
  origin?: string[];
  method?: string;
  resolve?: string[];
  concurrency?: string;
  perHost?: string;
  rate?: string;
  timeout?: string;
  retries?: string;
  maxRetryAfter?: string;
  insecure?: boolean;
  proxy?: string;
  followRedirects?: boolean;
  checks?: string;
  failOn?: string;
  /** `false` for `--no-color`. */
  color?: boolean;
  quiet?: boolean;
  /** Keep Cookie, Authorization and --header values in the report's evidence (redacted by default). */
  showSecrets?: boolean;
  /** Run each exploitable finding's PoC in headless Chromium and record whether the read succeeded. */
  confirm?: boolean;
  /** Extra reports from the same scan, `FORMAT:FILE` each. */
  report?: string[];
  /** Exit 3 when a target could not be scanned or stayed partial (and no finding reached --fail-on). */
  failOnError?: boolean;
  /** Print every probe (origin, method, status, CORS headers) on stderr. */
  verbose?: boolean;
  /** Write every probe as a JSON line to this file. */
  log?: string;
  /** The repository file SARIF locations point at (default: the --input file, else the SARIF file). */
  sarifArtifact?: string;
  // Application inputs (issue 11): a HAR limited by --scope, an OpenAPI document joined to --base-url, a config file.
  /** A HAR file: each distinct (method, URL) is a target with that request's own headers. */
  har?: string;
  /** Host patterns of the HAR to scan (repeatable, comma-separated); default the HAR's page hosts. */
  scope?: string[];
  /** An OpenAPI 3.x or Swagger 2.0 document: each operation is a target. */
  openapi?: string;
  /** The base URL of the OpenAPI operations (default: the document's first server). */
  baseUrl?: string;
  /** A config file to read instead of the corsight.config.yaml/.json found upward (`false` for `--no-config`). */
  config?: string | false;
  // The judge (src/cli/scan-judge.ts): what the findings mean for this team.
  /** Judge the server against this policy file (the YAML/JSON `check-policy` validates). */
  policy?: string;
  /** An earlier JSON report: its findings are marked baseline and do not count for --fail-on. */
  baseline?: string;
  /** The ignore file (default: `.corsightignore` in the working directory, when there is one). */
  ignoreFile?: string;
  /** Check ids never to run (comma-separated). */
  excludeChecks?: string;
}

/** Where the command reads and writes (the process streams, or test doubles that are real streams). */
export interface ScanIO {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /** Cancels the run (Ctrl-C): no new target starts, the report is completed with what finished. */
  signal?: AbortSignal;
  /** The directory relative paths are taken from (the repository root in CI); default `process.cwd()`. */
  cwd?: string;
  /**
   * Whether option `name` (commander's attribute name) was given on the command line, so it overrides the config
   * file. Without it, every option with a value (not an empty list) counts as given.
   */
  given?: (name: string) => boolean;
}

const failOnValues = [...severities, 'none'] as const;

function integer(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw new UsageError(`bad ${flag} '${value}': expected a whole number${min > 0 ? ` of at least ${min}` : ''}`);
  }
  return Number(value);
}

function decimal(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`bad ${flag} '${value}': expected a number, 0 or more`);
  }
  return n;
}

/** Turns the flags into scanner options; throws `UsageError` naming the first bad flag. */
export function scanOptionsFromFlags(
  options: ScanCommandOptions,
  checks: readonly Check[] = allChecks,
): Partial<ScanOptions> & { checks: readonly Check[] } {
  const headers = (options.header ?? []).map((line) => {
    try {
      return parseHeader(line);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
  const select = options.checks
    ?.split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (select?.length === 0) {
    throw new UsageError(`bad --checks '${options.checks}': name at least one check id`);
  }
  const scan: Partial<ScanOptions> & { checks: readonly Check[] } = {
    checks,
    headers,
    trustedOrigins: options.origin ?? [],
    resolve: options.resolve ?? [],
    insecure: options.insecure === true,
    followRedirects: options.followRedirects === true,
  };
  if (select !== undefined) scan.select = select;
  if (options.excludeChecks !== undefined) {
    const exclude = options.excludeChecks
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    if (exclude.length === 0) {
      throw new UsageError(`bad --exclude-checks '${options.excludeChecks}': name at least one check id`);
    }
    scan.exclude = exclude;
  }
  if (options.cookie !== undefined) scan.cookie = options.cookie;
  if (options.method !== undefined) scan.method = options.method;
  if (options.proxy !== undefined) scan.proxy = options.proxy;
  const numbers: [keyof ScanOptions, number | undefined][] = [
    ['concurrency', integer('--concurrency', options.concurrency, 1)],
    ['perHost', integer('--per-host', options.perHost, 1)],
    ['rate', decimal('--rate', options.rate)],
    ['timeout', integer('--timeout', options.timeout, 1)],
    ['retries', integer('--retries', options.retries, 0)],
    ['maxRetryAfter', integer('--max-retry-after', options.maxRetryAfter, 0)],
  ];
  for (const [key, value] of numbers) if (value !== undefined) (scan as Record<string, unknown>)[key] = value;
  return scan;
}

/** A one-line progress display on a TTY stderr, redrawn at most ten times a second. */
class Progress {
  private done = 0;
  private findings = 0;
  private errors = 0;
  private partial = 0;
  private last = 0;
  private shown = false;
  private readonly started = performance.now();

  constructor(
    private readonly stream: ScanIO['stderr'],
    private readonly total: number | undefined,
  ) {}

  update(result: { status: string; findings: unknown[] }): void {
    this.done++;
    this.findings += result.findings.length;
    if (result.status === 'error') this.errors++;
    if (result.status === 'partial') this.partial++;
    const now = performance.now();
    if (now - this.last < 100 && this.done !== this.total) return;
    this.last = now;
    this.draw();
  }

  private draw(): void {
    const rate = this.done / Math.max(0.001, (performance.now() - this.started) / 1000);
    const partial = this.partial > 0 ? `${this.partial} partial, ` : '';
    const counts = `${count(this.findings, 'finding')}, ${partial}${count(this.errors, 'error')}, ${rate.toFixed(1)} targets/s`;
    let line: string;
    if (this.total !== undefined && this.total > 0) {
      const width = 24;
      const filled = Math.round((this.done / this.total) * width);
      line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} targets, ${counts}`;
    } else {
      line = `${this.done} targets, ${counts}`;
    }
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r\u001b[2K${line.slice(0, Math.max(20, columns - 1))}`);
    this.shown = true;
  }

  /** Removes the line (before the report writes to the same terminal, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\u001b[2K');
    this.shown = false;
  }
}

/** Warnings about skipped targets: the first `limit` printed (escaped), the rest only counted. */
class Warnings {
  private shown = 0;
  private hidden = 0;

  constructor(
    private readonly write: (message: string) => void,
    private readonly limit = 20,
  ) {}

  skipped(where: string, reason: string): void {
    if (this.shown < this.limit) {
      this.shown++;
      this.write(`${escapeLine(where)}: ${escapeLine(reason)} (skipped)`);
    } else {
      this.hidden++;
    }
  }

  /** The count of warnings not printed, once, at the end. */
  finish(): void {
    if (this.hidden > 0) {
      this.write(`${count(this.hidden, 'more target')} skipped (only the first ${this.limit} warnings are shown)`);
    }
  }
}

/** Refuses an --input file that is not text before anything is sent (its first 64 KiB decide). */
async function checkInputFile(file: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    await access(file, fsConstants.R_OK);
    if ((await stat(file)).isDirectory()) throw new UsageError(`cannot read --input ${file}: it is a directory`);
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const reason = notTextReason(buffer.subarray(0, bytesRead), bytesRead < buffer.length);
    if (reason !== undefined) throw new UsageError(`cannot read --input ${file}: ${reason}`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read --input ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  } finally {
    await handle?.close();
  }
}

/**
 * The repository file SARIF locations point at: --sarif-artifact, else the --input (or --har, --openapi) file, else the SARIF
 * report's own file, relative to the working directory (run from the repository root, as CI does).
 */
function sarifArtifact(options: ScanCommandOptions, sarifFile: string | undefined, cwd: string): string {
  const relative = (file: string) => path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join('/');
  if (options.sarifArtifact !== undefined) {
    const candidate = relative(options.sarifArtifact);
    try {
      artifactUri(candidate);
      return candidate;
    } catch {
      throw new UsageError(
        `bad --sarif-artifact '${options.sarifArtifact}': expected a file path inside the repository (the working directory)`,
      );
    }
  }
  // The file the targets came from: --input, else the HAR or OpenAPI document the scan was set up from.
  for (const file of [options.input === '-' ? undefined : options.input, options.har, options.openapi, sarifFile]) {
    if (file === undefined) continue;
    const candidate = relative(file);
    try {
      artifactUri(candidate);
      return candidate;
    } catch {
      // Outside the working directory: try the next candidate.
    }
  }
  return defaultSarifArtifact;
}

/**
 * Runs a scan as the CLI does and returns the exit code. `checks` replaces the built-in check set (tests).
 * Throws `UsageError` for bad flags (exit 2).
 */
export async function runScan(
  urls: readonly string[],
  options: ScanCommandOptions,
  io: ScanIO,
  checks?: readonly Check[],
): Promise<number> {
  ({ urls, options } = await withScanConfig(urls, options, io));
  const format = (options.format ?? 'text') as ReportFormat;
  if (!reportFormats.includes(format)) {
    throw new UsageError(`bad --format '${options.format}': expected one of ${reportFormats.join(', ')}`);
  }
  const failOn = (options.failOn ?? 'high') as Severity | 'none';
  if (!(failOnValues as readonly string[]).includes(failOn)) {
    throw new UsageError(`bad --fail-on '${options.failOn}': expected one of ${failOnValues.join(', ')}`);
  }
  const extraReports = parseReportRequests(options.report ?? [], options.output);
  checkQueueFlags(options);
  const hasInput = options.input !== undefined || options.har !== undefined || options.openapi !== undefined;
  if (options.resultsOnly === true && (urls.length > 0 || hasInput)) {
    throw new UsageError('--results-only reports a stored scan: give no URLs, --input, --har or --openapi');
  }
  if (urls.length === 0 && !hasInput && options.resultsOnly !== true) {
    throw new UsageError('no targets: give one or more URLs, --input FILE (- for stdin), --har FILE or --openapi FILE');
  }
  // --har and --openapi are read whole before anything is sent: a malformed file is exit 2 with nothing scanned.
  const sources: Sources = await readSources(options);
  if (options.input !== undefined && options.input !== '-') await checkInputFile(options.input);
  const sarifFile = format === 'sarif' ? options.output : extraReports.find((r) => r.format === 'sarif')?.file;
  const artifact = sarifArtifact(options, sarifFile, io.cwd ?? process.cwd());

  // Ends the run early: Ctrl-C (io.signal), or the report's reader went away (EPIPE, e.g. `| head`).
  const stop = new AbortController();
  if (io.signal !== undefined) {
    if (io.signal.aborted) stop.abort();
    else io.signal.addEventListener('abort', () => stop.abort(), { once: true });
  }
  const warn = (message: string) => io.stderr.write(`corsight: ${message}\n`);

  // --policy, --baseline and the ignore file are read and validated before anything is sent.
  const judging = await prepareJudging(options, io.cwd ?? process.cwd(), checks ?? allChecks);

  // --log FILE: every probe as a JSON line; opened before anything is sent, like the reports.
  let log: Writable | undefined;
  if (options.log !== undefined) {
    const file = options.log;
    const stream = createWriteStream(file);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error: NodeJS.ErrnoException) =>
        reject(new UsageError(`cannot write --log ${file}: ${error.code ?? error.message}`)),
      );
    });
    stream.on('error', (error: NodeJS.ErrnoException) =>
      warn(`cannot write --log ${file}: ${error.code ?? error.message}`),
    );
    log = stream;
  }
  const onProbe =
    options.verbose === true || log !== undefined
      ? (record: ProbeRecord) => {
          if (options.verbose === true) io.stderr.write(`corsight: probe ${escapeLine(describeProbe(record))}\n`);
          log?.write(`${JSON.stringify(record)}\n`);
        }
      : undefined;

  // --queue: the coordinator stands in for the local run (same reports, summary and exit codes).
  let run: Pick<ScanRun, 'checks' | 'scan' | 'close'>;
  try {
    const flags = scanOptionsFromFlags(options, judging.checks);
    // The policy's exact origins are trusted-origin hints too (--policy).
    const hints = [...(flags.trustedOrigins ?? [])];
    for (const origin of judging.trustedOrigins) if (!hints.includes(origin)) hints.push(origin);
    const scanOptions = { ...flags, trustedOrigins: hints };
    run =
      options.queue !== undefined
        ? await openQueueRun(options, scanOptions, options.confirm === true, io, stop.signal)
        : await createScanRun({
            ...scanOptions,
            signal: stop.signal,
            ...(options.confirm === true ? { confirm: true } : {}),
            ...(onProbe === undefined ? {} : { onProbe }),
          });
  } catch (error) {
    log?.destroy();
    // Bad option values and a missing browser or browser driver (--confirm; playwright-core is optional) are the
    // caller's to fix: exit 2 with one line, nothing sent.
    if (
      error instanceof ScanOptionError ||
      error instanceof ChromiumMissingError ||
      error instanceof PlaywrightMissingError
    ) {
      throw new UsageError(error.message);
    }
    throw error;
  }

  const warnings = new Warnings(warn);
  let valid = 0;
  let invalid = 0;
  let inputError: string | undefined;
  async function* targets(): AsyncGenerator<ScanTarget> {
    let index = 0;
    for (const url of urls) {
      index++;
      const target = normalizeTarget(url.trim());
      if ('url' in target) {
        valid++;
        yield target.url;
      } else {
        invalid++;
        warnings.skipped(`argument ${index}`, target.reason);
      }
    }
    for (const target of sources.targets) {
      valid++;
      yield target;
    }
    if (options.input !== undefined) {
      const name = options.input === '-' ? 'stdin' : options.input;
      const stream = options.input === '-' ? io.stdin : createReadStream(options.input);
      try {
        for await (const url of readTargets(stream, (bad) => {
          invalid++;
          warnings.skipped(`${name}:${bad.line}`, bad.reason);
        })) {
          valid++;
          // A JSONL line's headers are the user's own, like --header values: redacted from here on.
          if (typeof url !== 'string' && redact instanceof Set) {
            for (const [header] of url.headers ?? []) redact.add(header.toLowerCase());
          }
          yield url;
        }
      } catch (error) {
        // Binary data part-way through: stop reading, finish the report of what was read, exit 2.
        if (!(error instanceof TargetListError)) throw error;
        inputError = `cannot read --input ${name}: ${error.message}`;
      } finally {
        if (stream !== io.stdin) stream.destroy();
      }
    }
  }

  // The user's own credentials and --header values stay out of reports unless asked for, and so do the values of
  // headers taken from a HAR or a JSONL target list (a Set, so names found while --input streams in are added).
  const redact: string[] | Set<string> =
    options.showSecrets === true
      ? []
      : new Set([
          ...defaultRedactedHeaders,
          ...(options.header ?? []).map((line) => (line.split(':')[0] ?? '').trim().toLowerCase()),
          ...sources.headerNames,
        ]);
  for (const note of sources.notes) warn(note);
  // Every report must have somewhere to go before anything is sent. A file that cannot be written ends the
  // run (exit 2); stdout's reader going away (`| head`) ends it only when no report file is still being written.
  const outputs: ReportOutput[] = [];
  const onError = () => {
    if (
      outputs.some((o) => o.error !== undefined && o.file !== undefined) ||
      outputs.every((o) => o.error !== undefined)
    ) {
      stop.abort();
    }
  };
  try {
    outputs.push(
      await openReportOutput(format, options.output, io.stdout, {
        color: options.color,
        redact,
        sarifArtifact: artifact,
        failOn,
        flag: '--output',
        onError,
      }),
    );
    // Extra reports are files: never coloured.
    for (const extra of extraReports) {
      outputs.push(
        await openReportOutput(extra.format, extra.file, io.stdout, {
          color: false,
          redact,
          sarifArtifact: artifact,
          failOn,
          flag: '--report',
          onError,
        }),
      );
    }
  } catch (error) {
    discardReportOutputs(outputs);
    await run.close();
    log?.destroy();
    throw error;
  }
  const [main] = outputs;
  if (main === undefined) throw new Error('no report output');
  const emitAll = async (render: (reporter: Reporter) => string) => {
    for (const output of outputs) await emit(output, render(output.reporter));
  };
  // Probe lines on stderr (--verbose) and a redrawn progress line would garble each other: verbose wins.
  // With --queue, the coordinator prints its own progress lines (workers alive, done/total, targets/s).
  const progress =
    options.quiet !== true && options.verbose !== true && options.queue === undefined && io.stderr.isTTY === true
      ? new Progress(io.stderr, options.input === undefined ? urls.length + sources.targets.length : undefined)
      : undefined;
  // When the report and the progress line share a terminal, clear the line before each block of report text.
  const sharesTerminal = progress !== undefined && main.file === undefined && io.stdout.isTTY === true;

  const startedAt = new Date();
  const started = performance.now();
  const summary: Summary = emptySummary();
  try {
    const meta = { tool: 'corsight', version, startedAt, checks: run.checks, baseline: options.baseline !== undefined };
    await emitAll((reporter) => reporter.begin(meta));
    for await (const scanned of run.scan(targets())) {
      const result = judging.judge.target(scanned);
      addToSummary(summary, result);
      if (sharesTerminal) progress.clear();
      await emitAll((reporter) => reporter.target(result));
      progress?.update(result);
    }
  } finally {
    progress?.clear();
    await run.close();
    if (log !== undefined) {
      const stream = log;
      await new Promise<void>((resolve) => stream.end(() => resolve()));
    }
  }
  summary.durationMs = Math.round(performance.now() - started);
  if (sources.skipped.length > 0) summary.skipped = sources.skipped;
  if (options.baseline !== undefined) addBaselineOutcome(summary, judging.judge.resolved());
  for (const entry of judging.judge.unusedIgnoreEntries()) {
    warn(`${escapeLine(entry.where)} matched no finding in this scan (remove it if the risk is gone)`);
  }
  const finishedAt = new Date();
  await emitAll((reporter) => reporter.end(summary, finishedAt));
  for (const output of outputs) await closeReportOutput(output);
  warnings.finish();
  let failed = false;
  for (const output of outputs) {
    const error = output.error;
    // A reader that stops early (`| head`) is not an error of the scan; a full disk or a closed file is.
    if (error === undefined || (error.code === 'EPIPE' && output.file === undefined)) continue;
    warn(
      `cannot write the ${output.format} report${output.file === undefined ? '' : ` to ${output.file}`}: ${error.code ?? error.message}`,
    );
    failed = true;
  }
  if (failed) return ExitCode.usage;
  if (main.error !== undefined) return reachesThreshold(summary.highest, failOn) ? ExitCode.findings : ExitCode.ok;
  if (inputError !== undefined) throw new UsageError(inputError);

  if (valid === 0 && invalid > 0) throw new UsageError(`no valid targets (${invalid} skipped)`);
  // Interrupted: the report is complete for what finished, but the scan is not (128 + SIGINT, as shells do).
  if (io.signal?.aborted === true) return 130;
  if (reachesThreshold(summary.highest, failOn)) return ExitCode.findings;
  // --fail-on-error: a target not scanned, or scanned with checks undecided, is a gap a CI gate may refuse.
  if (options.failOnError === true && isIncomplete(summary)) return ExitCode.incomplete;
  return ExitCode.ok;
}

/** The options `scan` defines (what a config file may hold), read from the command itself. */
function scanOptionList(): readonly Option[] {
  const program = new Command();
  registerScan(program);
  return program.commands[0]?.options ?? [];
}

/**
 * The flags merged over the config file: --config FILE, else corsight.config.yaml/.yml/.json found upward from the
 * working directory (none with --no-config). Throws `UsageError` naming the file and where for a bad one.
 */
async function withScanConfig(
  urls: readonly string[],
  options: ScanCommandOptions,
  io: ScanIO,
): Promise<{ urls: readonly string[]; options: ScanCommandOptions }> {
  if (options.config === false) return { urls, options };
  const cwd = io.cwd ?? process.cwd();
  const file = typeof options.config === 'string' ? path.resolve(cwd, options.config) : await findConfigFile(cwd);
  if (file === undefined) return { urls, options };
  let config;
  try {
    config = await readScanConfig(file, scanOptionList());
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(`config ${error.message}`);
    throw error;
  }
  const given =
    io.given ??
    ((name: string) => {
      const value = (options as Record<string, unknown>)[name];
      return value !== undefined && !(Array.isArray(value) && value.length === 0);
    });
  return mergeScanConfig(config, urls, options, given);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers `corsight scan`. */
export const registerScan: Register = (program: Command) => {
  const d = defaultScanOptions;
  program
    .command('scan')
    .description('scan URLs for CORS misconfigurations; results on stdout, progress on stderr')
    .argument('[url...]', 'target URLs (http or https; a bare host means https)')
    .option(
      '-i, --input <file>',
      'read targets from FILE, one per line (- for stdin): URL, METHOD URL, or JSON {"url","method","headers"}; # starts a comment',
    )
    .option('--har <file>', 'scan the requests of a HAR (DevTools, Burp, ZAP, mitmproxy), each with its own headers')
    .option(
      '--scope <hosts>',
      'hosts of the HAR to scan, e.g. api.example.com,*.example.com (repeatable; none: the hosts of its pages)',
      collect,
      [],
    )
    .option('--openapi <file>', 'scan every operation of an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML)')
    .option('--base-url <url>', 'base URL of the OpenAPI operations (default: the first server of the document)')
    .addOption(new Option('-f, --format <format>', 'report format').choices([...reportFormats]).default('text'))
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .option(
      '--report <format:file>',
      'also write a report in FORMAT to FILE, from the same scan, e.g. sarif:corsight.sarif (repeatable)',
      collect,
      [],
    )
    .option('-H, --header <header>', "send 'Name: value' with every request (repeatable)", collect, [])
    .option('--cookie <cookie>', "send 'Cookie: a=b; c=d' with every request (credentialed probes)")
    .option('--origin <origin>', 'an origin the owner trusts, e.g. https://app.example.com (repeatable)', collect, [])
    .option('-X, --method <method>', `method of the simple probes (default: ${d.method})`)
    .option(
      '--resolve <host:address>',
      'connect to ADDRESS for HOST, keeping the name for Host and TLS, as curl does (repeatable)',
      collect,
      [],
    )
    // Defaults live once, in the library (defaultScanOptions): flags left out are left to it, help shows them.
    .option('-c, --concurrency <n>', `targets scanned at once (default: ${d.concurrency})`)
    .option('--per-host <n>', `requests in flight to one host at once (default: ${d.perHost})`)
    .option('--rate <n>', `requests per second across the run, 0 = unlimited (default: ${d.rate})`)
    .option(
      '-t, --timeout <ms>',
      `per-request timeout in milliseconds: connect, headers and capped body (default: ${d.timeout})`,
    )
    .option(
      '--retries <n>',
      `retries after connection failures and 429/503 answers, with backoff (default: ${d.retries})`,
    )
    .option(
      '--max-retry-after <ms>',
      `longest Retry-After of a 429/503 to wait out before retrying; a longer one gives up (default: ${d.maxRetryAfter})`,
    )
    .option('-k, --insecure', 'accept any TLS certificate (self-signed labs)')
    .option('--proxy <url>', 'send every request through this http(s) proxy')
    .option('-L, --follow-redirects', 'follow redirects of the target within its site (never to another site)')
    .option('--checks <ids>', 'run only these checks (comma-separated ids)')
    .option('--exclude-checks <ids>', 'never run these checks (comma-separated ids)')
    .option(
      '--policy <file>',
      'judge the server against this CORS policy (the YAML/JSON check-policy validates): declared trust is info, drift keeps its severity, refused declared callers are reported',
    )
    .option(
      '--baseline <file>',
      'an earlier JSON report: findings it has are marked baseline and do not count for --fail-on; gone ones are listed as resolved',
    )
    .option(
      '--ignore-file <file>',
      "accepted risks, one 'FINGERPRINT # reason' or 'CHECK URL-GLOB # reason' per line (default: ./.corsightignore if present)",
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding reaches this severity')
        .choices([...failOnValues])
        .default('high'),
    )
    .option(
      '--fail-on-error',
      'exit 3 when a target could not be scanned (unreachable, timed out...) or only partly (checks undecided), and no finding reached --fail-on',
    )
    .option('-v, --verbose', 'print every probe on stderr: method, URL, Origin, status and CORS response headers')
    .option('--log <file>', 'write every probe to FILE as JSON lines (an audit trail of what was sent and seen)')
    .option(
      '--sarif-artifact <path>',
      'the repository file SARIF results point at (default: the --input file, else the SARIF file itself)',
    )
    .option(
      '--config <file>',
      'read scan options from FILE (YAML or JSON; default: corsight.config.yaml, .yml or .json here or in a parent directory); flags override it',
    )
    .option('--no-config', 'read no config file')
    .option('--no-color', 'never colour the text report (NO_COLOR is honoured too)')
    .option('-q, --quiet', 'no progress display on stderr')
    .option(
      '--confirm',
      "run each exploitable finding's PoC in headless Chromium ($CORSIGHT_CHROMIUM or /usr/bin/chromium) and record whether the read succeeded",
    )
    .option(
      '--show-secrets',
      'keep Cookie, Authorization and --header values in the report evidence (redacted by default)',
    )
    // Distributed scanning (src/queue, docs/distributed.md).
    .option(
      '--queue <url>',
      'scan on the workers of this Redis (corsight worker): redis://host:port or rediss:// for TLS',
    )
    .option('--scan-id <id>', 'name the --queue scan; the same command with the same id resumes it (default: a new id)')
    .option('--results-only', 'print the report of a finished --queue scan (with --scan-id), scanning nothing')
    .option(
      '--keep <duration>',
      "how long a --queue scan's results stay in Redis after it ends, e.g. 12h (default: 7d)",
    )
    .addHelpText(
      'after',
      `\nChecks: ${allChecks.map((check) => check.id).join(', ')}\nExit status: 0 no finding at or above --fail-on, 1 at least one, 2 usage error or unwritable report, 3 a target could not be scanned or was partial (only with --fail-on-error), 130 interrupted (Ctrl-C).`,
    )
    .action(async (urls: string[], options: ScanCommandOptions, command: Command) => {
      // The first Ctrl-C ends the scan cleanly (a valid, complete report of what finished); a second one kills.
      const controller = new AbortController();
      const onInterrupt = () => {
        process.stderr.write('\ncorsight: interrupted; finishing the report (Ctrl-C again to quit now)\n');
        controller.abort();
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGINT', onInterrupt);
      try {
        process.exitCode = await runScan(urls, options, {
          stdin: process.stdin,
          stdout: process.stdout,
          stderr: process.stderr,
          signal: controller.signal,
          // A flag typed on the command line (or from the environment) overrides the config file; defaults do not.
          given: (name) => ['cli', 'env'].includes(command.getOptionValueSource(name) ?? ''),
        });
      } finally {
        process.off('SIGINT', onInterrupt);
      }
    });
};
