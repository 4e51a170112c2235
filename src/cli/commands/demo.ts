/**
 * `corsight demo` (what `npm start` runs): starts the vulnerable lab on loopback, scans every endpoint over
 * https exactly as a user would (`--resolve` for the lab's name, no /etc/hosts edit; `--insecure` for its
 * self-signed certificate), prints the text report and, from the same scan (`--report html:FILE`), writes the
 * HTML report (`./corsight-demo-report.html` unless `--output` says otherwise), then stops the lab. The HTML
 * report's path is the last line on stderr, so stdout stays exactly the report in the chosen format. Exit 0:
 * the findings are the point.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { startLab } from '../../lab/index.js';
import { ExitCode } from '../exit-codes.js';
import { runScan, type ScanCommandOptions, type ScanIO } from './scan.js';
import type { Register } from './register.js';

/** Options of the demo. */
export interface DemoOptions {
  /** `false` for `--no-color`. */
  color?: boolean;
  /** Report format (text by default; any `scan` format works). */
  format?: string;
  /** Where the HTML report is written (default `corsight-demo-report.html` in the current directory). */
  output?: string;
}

/** The HTML report's default file name, in the current directory. */
export const demoReportFile = 'corsight-demo-report.html';

/** Runs the demo and returns the exit code (0 unless the lab cannot start). */
export async function runDemo(options: DemoOptions, io: ScanIO): Promise<number> {
  const lab = await startLab();
  try {
    const urls = lab.endpoints.map((endpoint) => `${lab.httpsUrl}${endpoint.path}`);
    const htmlFile = path.resolve(options.output ?? demoReportFile);
    io.stderr.write(
      `corsight demo: the lab serves ${urls.length} endpoints at ${lab.httpsUrl}; scanning them as\n` +
        `  corsight scan ${lab.resolve.map((entry) => `--resolve ${entry}`).join(' ')} --insecure --concurrency 1 --report html:${path.basename(htmlFile)} ${lab.httpsUrl}/...\n\n`,
    );
    const scan: ScanCommandOptions = {
      resolve: lab.resolve,
      insecure: true,
      // One target at a time keeps the report in the lab's order; each target's probes still run in parallel.
      concurrency: '1',
      failOn: 'none',
      format: options.format ?? 'text',
      quiet: true,
      // One scan feeds both reports: the chosen format on stdout and the HTML page in a file.
      report: [`html:${htmlFile}`],
    };
    if (options.color !== undefined) scan.color = options.color;
    await runScan(urls, scan, io);
    io.stderr.write(`\ncorsight demo: HTML report written to ${htmlFile}\n`);
    return ExitCode.ok;
  } finally {
    await lab.close();
  }
}

/** Registers `corsight demo`. */
export const registerDemo: Register = (program: Command) => {
  program
    .command('demo')
    .description(
      'start the vulnerable lab, scan it over https with --resolve and --insecure, print the report and write an HTML report',
    )
    .option('-f, --format <format>', 'report format: text, json, jsonl, sarif, markdown, html, junit', 'text')
    .option('-o, --output <file>', `where to write the HTML report (default ./${demoReportFile})`)
    .option('--no-color', 'never colour the report (NO_COLOR is honoured too)')
    .action(async (options: DemoOptions) => {
      process.exitCode = await runDemo(options, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });
};
