/**
 * `corsight lab [--port N] [--https-port N] [--host ADDRESS]`: serves the deliberately vulnerable CORS lab on
 * loopback until interrupted, and prints its endpoints with the checks a scan must report on each.
 */
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { startLab, type Lab } from '../../lab/index.js';
import { UsageError } from '../exit-codes.js';
import { painter, useColor } from '../output.js';
import type { Register } from './register.js';

/** Options of `corsight lab` as parsed. */
export interface LabCommandOptions {
  port?: string;
  httpsPort?: string;
  host?: string;
  /** `false` for `--no-color`. */
  color?: boolean;
}

function parsePort(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`${flag} must be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** The text `corsight lab` prints once the servers listen. */
export function describeLab(lab: Lab, color = false): string {
  const paint = painter(color);
  const lines = [
    paint('bold', 'corsight lab: deliberately vulnerable CORS endpoints (loopback only; lab-only TLS certificate)'),
    `  http   ${lab.httpUrl}`,
    `  https  ${lab.httpsUrl}`,
    `  resolve ${lab.resolve.map((r) => `--resolve ${r}`).join(' ')}`,
    `  app    ${lab.appUrl}  (an application behind a login: open it in a browser, record a HAR, scan --har it)`,
    '',
    paint('bold', 'Endpoints (expected checks on the https URL):'),
  ];
  const width = Math.max(...lab.endpoints.map((e) => e.path.length));
  for (const e of lab.endpoints) {
    const expected = e.expected.length > 0 ? e.expected.join(', ') : 'nothing';
    const tag = e.secureControl ? paint('green', ' [secure control]') : '';
    lines.push(`  ${e.path.padEnd(width)}  ${paint('cyan', expected)}${tag}`);
    lines.push(`  ${' '.repeat(width)}  ${paint('dim', e.description)}`);
  }
  lines.push('', `Numbered copies for benchmarks: ${lab.httpsUrl}/t/<n>/<endpoint>.`);
  lines.push(
    `Scan it: corsight scan --insecure ${lab.resolve.map((r) => `--resolve ${r}`).join(' ')} ${lab.httpsUrl}/prefix`,
  );
  lines.push('Press Ctrl-C to stop.', '');
  return lines.join('\n');
}

/**
 * Starts the lab, prints it to `stdout`, and resolves once `signal` aborts (the CLI wires it to SIGINT and
 * SIGTERM), after the servers closed.
 */
export async function runLab(
  options: LabCommandOptions,
  stdout: Writable & { isTTY?: boolean },
  signal: AbortSignal,
): Promise<void> {
  const port = parsePort('--port', options.port);
  const httpsPort = parsePort('--https-port', options.httpsPort);
  let lab: Lab;
  try {
    lab = await startLab({
      ...(port !== undefined ? { port } : {}),
      ...(httpsPort !== undefined ? { httpsPort } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      throw new UsageError(`cannot listen: ${e.message}`);
    }
    throw error;
  }
  stdout.write(describeLab(lab, useColor(stdout, options.color)));
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await lab.close();
}

/** Registers `corsight lab`. */
export const registerLab: Register = (program: Command) => {
  program
    .command('lab')
    .description('serve the deliberately vulnerable CORS lab on loopback (http and https) until Ctrl-C')
    .option('--port <n>', 'http port (default: a free port)')
    .option('--https-port <n>', 'https port (default: a free port)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--no-color', 'no ANSI colours')
    .action(async (opts: LabCommandOptions) => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runLab(opts, process.stdout, controller.signal);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
};
