/**
 * The `--queue` part of `corsight scan`: its flags, and the coordinator (src/queue) opened in place of a local
 * run, so the reports, summary and exit codes are the local scan's own.
 */
import type { Writable } from 'node:stream';
import { defaultKeepSeconds, openQueueScan, QueueUsageError, type QueueScan } from '../../queue/index.js';
import { ScanOptionError, type Check, type ScanOptions } from '../../scanner/index.js';
import { UsageError } from '../exit-codes.js';

/** The flags of `scan` that drive a distributed scan. */
export interface QueueFlags {
  queue?: string;
  scanId?: string;
  resultsOnly?: boolean;
  keep?: string;
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Parses `--keep`: seconds, or a number with s, m, h or d (`7d`, `12h`). */
export function parseKeep(value: string | undefined): number {
  if (value === undefined) return defaultKeepSeconds;
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  const seconds =
    match === null ? NaN : Number(match[1]) * (units[match[2] === '' || match[2] === undefined ? 's' : match[2]] ?? 1);
  if (!Number.isSafeInteger(seconds) || seconds < 60 || seconds > 365 * 86_400) {
    throw new UsageError(`bad --keep '${value}': expected a duration from 1m to 365d, e.g. 7d, 12h or 3600 (seconds)`);
  }
  return seconds;
}

/** Refuses the flag combinations a distributed scan cannot honour, naming them. */
export function checkQueueFlags(flags: QueueFlags & { verbose?: boolean; log?: string; policy?: string }): void {
  if (flags.queue === undefined) {
    for (const [name, given] of [
      ['--scan-id', flags.scanId !== undefined],
      ['--results-only', flags.resultsOnly === true],
      ['--keep', flags.keep !== undefined],
    ] as const) {
      if (given) throw new UsageError(`${name} needs --queue (it names a scan stored in Redis)`);
    }
    return;
  }
  if (flags.resultsOnly === true && flags.scanId === undefined) {
    throw new UsageError('--results-only needs the --scan-id of the scan to report');
  }
  // Probes are sent by the workers: their log is not the coordinator's to print.
  if (flags.verbose === true) {
    throw new UsageError('--verbose is not available with --queue (the workers send the probes)');
  }
  if (flags.log !== undefined) {
    throw new UsageError('--log is not available with --queue (the workers send the probes)');
  }
  // The declared-caller check is built from the policy in this process; workers run only the named checks.
  if (flags.policy !== undefined) {
    throw new UsageError(
      '--policy is not available with --queue yet: the declared-caller check it adds runs only in a local scan',
    );
  }
}

/** Opens the coordinator; bad flags, a bad Redis URL or an unreachable Redis are usage errors (exit 2). */
export async function openQueueRun(
  flags: QueueFlags & { quiet?: boolean; showSecrets?: boolean },
  scan: Partial<ScanOptions> & { checks: readonly Check[] },
  confirm: boolean,
  io: { stderr: Writable },
  signal: AbortSignal,
): Promise<QueueScan> {
  const { checks, ...options } = scan;
  try {
    return await openQueueScan({
      queue: flags.queue ?? '',
      ...(flags.scanId === undefined ? {} : { scanId: flags.scanId }),
      resultsOnly: flags.resultsOnly === true,
      keep: parseKeep(flags.keep),
      scan: options,
      confirm,
      showSecrets: flags.showSecrets === true,
      checks,
      signal,
      log: (line) => io.stderr.write(`corsight: ${line}\n`),
      progressEvery: flags.quiet === true ? 0 : 2_000,
    });
  } catch (error) {
    if (error instanceof QueueUsageError || error instanceof ScanOptionError) throw new UsageError(error.message);
    throw error;
  }
}
