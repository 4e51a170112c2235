/**
 * `corsight worker --queue redis://... [--concurrency N]`: takes targets from the queue and scans them with
 * the options their coordinator (`corsight scan --queue`) stored, until SIGTERM or Ctrl-C, which finish the
 * targets in flight and exit 0. Logs go to stderr; a worker prints nothing on stdout.
 */
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { QueueUsageError, redactQueueUrl, startQueueWorker, type QueueWorker } from '../../queue/index.js';
import { UsageError } from '../exit-codes.js';
import type { Register } from './register.js';

export interface WorkerCommandOptions {
  queue?: string;
  concurrency?: string;
  stalledInterval?: string;
}

function wholeNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`bad ${flag} '${value}': expected a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

/** Starts a worker as the CLI does; resolves once `signal` aborts and the targets in flight are done. */
export async function runWorker(
  options: WorkerCommandOptions,
  io: { stderr: Writable; signal: AbortSignal },
): Promise<number> {
  if (options.queue === undefined) throw new UsageError('no --queue: give the Redis URL, e.g. redis://127.0.0.1:6379');
  const concurrency = wholeNumber('--concurrency', options.concurrency, 1, 10_000);
  const stalledInterval = wholeNumber('--stalled-interval', options.stalledInterval, 100, 3_600_000);
  const log = (line: string) => io.stderr.write(`corsight worker: ${line}\n`);
  let worker: QueueWorker;
  try {
    worker = await startQueueWorker({
      queue: options.queue,
      log,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(stalledInterval === undefined ? {} : { stalledInterval }),
    });
  } catch (error) {
    if (error instanceof QueueUsageError) throw new UsageError(error.message);
    throw error;
  }
  log(`${worker.id} taking targets from ${redactQueueUrl(options.queue)} (${concurrency ?? 16} at once)`);
  if (!io.signal.aborted) await new Promise((resolve) => io.signal.addEventListener('abort', resolve, { once: true }));
  log('stopping: finishing the targets in flight');
  await worker.close();
  log(`stopped (${worker.stats.scanned} targets scanned)`);
  return 0;
}

/** Registers `corsight worker`. */
export const registerWorker: Register = (program: Command) => {
  program
    .command('worker')
    .description('take scan targets from a Redis queue (corsight scan --queue) and scan them; logs on stderr')
    .option('--queue <url>', 'the Redis of the scans: redis://[user:pass@]host:port[/db], or rediss:// for TLS')
    .option('-c, --concurrency <n>', 'targets scanned at once (default: 16)')
    .option(
      '--stalled-interval <ms>',
      'how often to look for targets of workers that died (their lock lasts twice this); default 30000',
    )
    .addHelpText(
      'after',
      '\nSIGTERM or Ctrl-C: finish the targets in flight, then exit 0. A worker killed outright loses nothing: its\ntargets go to another worker once their lock expires. See docs/distributed.md.',
    )
    .action(async (options: WorkerCommandOptions) => {
      const controller = new AbortController();
      const stop = () => {
        controller.abort();
        // A second signal quits at once (the targets in flight go to another worker).
        process.once('SIGTERM', () => process.exit(143));
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      try {
        process.exitCode = await runWorker(options, { stderr: process.stderr, signal: controller.signal });
      } finally {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      }
    });
};
