/**
 * Where a scan's reports go: the main report (`--format`, to stdout or `--output FILE`) and any number of
 * extra reports (`--report FORMAT:FILE`), all fed from the same scan, each streamed with backpressure so a
 * slow reader keeps memory flat.
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { createReporter, reportFormats, type ReportFormat, type Reporter } from '../scanner/report/index.js';
import type { Severity } from '../scanner/types.js';
import { UsageError } from './exit-codes.js';
import { painter, useColor } from './output.js';

/** One report being written. */
export interface ReportOutput {
  format: ReportFormat;
  reporter: Reporter;
  /** `undefined` for stdout. */
  file: string | undefined;
  stream: Writable & { isTTY?: boolean };
  /** The first write error (EPIPE, ENOSPC...), after which nothing more is written to this output. */
  error: NodeJS.ErrnoException | undefined;
}

/** An extra report asked for with `--report FORMAT:FILE`. */
export interface ReportRequest {
  format: ReportFormat;
  file: string;
}

/** Parses the `--report` values; throws `UsageError` naming the bad one, or a file written twice. */
export function parseReportRequests(values: readonly string[], mainOutput: string | undefined): ReportRequest[] {
  const seen = new Map<string, string>();
  if (mainOutput !== undefined) seen.set(path.resolve(mainOutput), '--output');
  return values.map((value) => {
    const colon = value.indexOf(':');
    const format = colon === -1 ? value : value.slice(0, colon);
    const file = colon === -1 ? '' : value.slice(colon + 1);
    if (!(reportFormats as readonly string[]).includes(format)) {
      throw new UsageError(
        `bad --report '${value}': expected FORMAT:FILE with FORMAT one of ${reportFormats.join(', ')}`,
      );
    }
    if (file === '') throw new UsageError(`bad --report '${value}': no FILE after '${format}:'`);
    const resolved = path.resolve(file);
    const previous = seen.get(resolved);
    if (previous !== undefined) {
      throw new UsageError(`bad --report '${value}': ${file} is already written by ${previous}`);
    }
    seen.set(resolved, `--report ${value}`);
    return { format: format as ReportFormat, file };
  });
}

/**
 * Opens an output: stdout as given, or a file created (truncated) now. Colour follows `useColor`: only on a
 * TTY (so never in a file), never with NO_COLOR or `color: false`. Rejects with `UsageError` when the
 * file cannot be opened, so nothing is sent before every report has somewhere to go.
 */
export async function openReportOutput(
  format: ReportFormat,
  file: string | undefined,
  stdout: Writable & { isTTY?: boolean },
  options: {
    color: boolean | undefined;
    redact: string[] | ReadonlySet<string>;
    flag: string;
    onError: () => void;
    /** The repository file SARIF locations point at. */
    sarifArtifact?: string;
    /** The run's --fail-on (JUnit failures follow it). */
    failOn?: Severity | 'none';
  },
): Promise<ReportOutput> {
  const stream: Writable & { isTTY?: boolean } = file === undefined ? stdout : createWriteStream(file);
  if (file !== undefined) {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error: NodeJS.ErrnoException) =>
        reject(new UsageError(`cannot write ${options.flag} ${file}: ${error.code ?? error.message}`)),
      );
    });
  }
  const output: ReportOutput = {
    format,
    reporter: createReporter(format, {
      paint: painter(useColor(stream, options.color)),
      redact: options.redact,
      ...(options.sarifArtifact === undefined ? {} : { sarifArtifact: options.sarifArtifact }),
      ...(options.failOn === undefined ? {} : { failOn: options.failOn }),
    }),
    file,
    stream,
    error: undefined,
  };
  stream.on('error', (error: NodeJS.ErrnoException) => {
    output.error ??= error;
    options.onError();
  });
  return output;
}

/** Writes to an output with backpressure; a no-op once the output has failed. */
export async function emit(output: ReportOutput, text: string): Promise<void> {
  const stream = output.stream;
  if (text === '' || output.error !== undefined || stream.destroyed) return;
  if (!stream.write(text)) {
    // Errors are recorded by the 'error' listener above; here they only end the wait.
    await new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        resolve();
      };
      stream.once('drain', done);
      stream.once('error', done);
      stream.once('close', done);
    });
  }
}

/** Ends a file output (flushes and closes it); stdout is left open. */
export async function closeReportOutput(output: ReportOutput): Promise<void> {
  if (output.file === undefined || output.error !== undefined) return;
  await new Promise<void>((resolve) => output.stream.end(() => resolve()));
}

/** Closes outputs opened before a failure, without waiting for writes that will not come. */
export function discardReportOutputs(outputs: readonly ReportOutput[]): void {
  for (const output of outputs) if (output.file !== undefined) output.stream.destroy();
}
