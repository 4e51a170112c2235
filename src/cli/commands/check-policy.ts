/**
 * `corsight check-policy FILE`: validates a CORS policy configuration (JSON or YAML) and prints every problem.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { validatePolicy, type PolicyProblem } from '../../policy/index.js';
import { ExitCode } from '../exit-codes.js';
import { painter, useColor } from '../output.js';
import type { Register } from './index.js';

/** Options of `check-policy`. */
export interface CheckPolicyOptions {
  format?: 'text' | 'json';
  /** `false` for `--no-color`. */
  color?: boolean;
}

/** Where the command writes. */
export interface CheckPolicyIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/** Reads and parses the file: `.json` as JSON, anything else as YAML (a superset of JSON). */
async function load(file: string): Promise<{ config: unknown } | { error: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { error: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  try {
    return { config: file.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text) };
  } catch (e) {
    return { error: `cannot parse ${file}: ${(e as Error).message.split('\n')[0]}` };
  }
}

function show(value: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

/**
 * Validates the policy in `file` and prints the problems. Returns the exit code: 0 valid (warnings allowed),
 * 1 at least one error, 2 unreadable or unparsable file.
 */
export async function checkPolicy(file: string, options: CheckPolicyOptions, io: CheckPolicyIO): Promise<number> {
  const format = options.format ?? 'text';
  const loaded = await load(file);
  if ('error' in loaded) {
    if (format === 'json') io.stdout.write(JSON.stringify({ file, valid: false, error: loaded.error }, null, 2) + '\n');
    io.stderr.write(`corsight: ${loaded.error}\n`);
    return ExitCode.usage;
  }
  const problems: PolicyProblem[] = validatePolicy(loaded.config);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (format === 'json') {
    io.stdout.write(JSON.stringify({ file, valid: errors === 0, errors, warnings, problems }, null, 2) + '\n');
  } else {
    const paint = painter(useColor(io.stdout as never, options.color));
    const lines: string[] = [];
    for (const p of problems) {
      const tag = p.severity === 'error' ? paint('red', 'error  ') : paint('yellow', 'warning');
      lines.push(`${tag} ${paint('bold', p.code)} at ${p.path || '(root)'} = ${show(p.value)}`);
      lines.push(`        ${p.message}`);
    }
    const summary =
      problems.length === 0
        ? paint('green', `${file}: valid CORS policy`)
        : `${file}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${errors === 0 ? paint('green', ' (valid)') : ''}`;
    lines.push(summary);
    io.stdout.write(lines.join('\n') + '\n');
  }
  return errors > 0 ? ExitCode.findings : ExitCode.ok;
}

/** Registers `check-policy` on the program. */
export const registerCheckPolicy: Register = (program: Command) => {
  program
    .command('check-policy')
    .description('validate a CORS policy file (JSON or YAML) and list every problem; exit 1 on errors, 2 if unreadable')
    .argument(
      '<file>',
      'policy configuration: { origins, credentials, methods, requestHeaders, exposeHeaders, maxAge, ... }',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'no ANSI colours')
    .action(async (file: string, opts: { format: 'text' | 'json'; color: boolean }) => {
      process.exitCode = await checkPolicy(
        file,
        { format: opts.format, color: opts.color },
        { stdout: process.stdout, stderr: process.stderr },
      );
    });
};
