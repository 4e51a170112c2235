/**
 * `corsight check-policy FILE`: validates a CORS policy configuration (JSON or YAML) and prints every problem.
 */
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { KNOWN_OPTIONS } from '../../policy/options.js';
import { validatePolicy, type PolicyProblem } from '../../policy/index.js';
import { ExitCode } from '../exit-codes.js';
import { painter, useColor } from '../output.js';
import type { Register } from './register.js';

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

/** A policy file is a few hundred bytes; anything past this is not one (and is not read into memory). */
const MAX_FILE_BYTES = 1 << 20;
/**
 * A policy nests three levels at most (`{ origins: [...] }`, `originCache: { max }`); deeper values are refused
 * before anything walks them recursively (printing, JSON output), which would overflow the stack.
 */
const MAX_DEPTH = 16;

/** How deeply `value` nests arrays and objects, counted without recursion, stopping past `limit`. */
function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, depth] = top;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Whether the text opens more than `limit` flow collections (`[`, `{`) at once, outside quoted strings. Checked
 * before parsing: JSON.parse and the YAML parser recurse per level, and a stack overflow caught inside them can
 * leave V8 too short of stack to compile a regular expression later in the process (a fatal error, not an
 * exception). Brackets inside plain YAML scalars count too, which only refuses files no policy resembles.
 */
function flowDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '[' || c === '{') {
      if (++depth > limit) return true;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return false;
}

/**
 * Reads the file. Only a regular file is opened for reading: a FIFO, a device or a directory would block or
 * stream forever, so it is refused by its type (checked on the opened handle, so it cannot change in between).
 */
async function readPolicyText(file: string): Promise<{ text: string } | { error: string }> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO without a writer must not block before its type can be checked.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { error: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a FIFO' : 'not a regular file';
      return { error: `cannot read ${file}: ${kind}; give the path of a JSON or YAML policy file` };
    }
    if (stat.size > MAX_FILE_BYTES) {
      return { error: `cannot read ${file}: ${stat.size} bytes; a policy file is at most ${MAX_FILE_BYTES} bytes` };
    }
    return { text: await handle.readFile('utf8') };
  } catch (e) {
    return { error: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  } finally {
    await handle.close();
  }
}

/**
 * Reads and parses a policy file: `.json` as JSON, anything else as YAML (a superset of JSON). Also used by
 * `explain --policy FILE`.
 */
export async function loadPolicyFile(file: string): Promise<{ config: unknown } | { error: string }> {
  const read = await readPolicyText(file);
  if ('error' in read) return read;
  if (flowDepthExceeds(read.text, MAX_DEPTH)) {
    return { error: `cannot parse ${file}: values nested too deeply (a policy nests at most ${MAX_DEPTH} levels)` };
  }
  let config: unknown;
  try {
    config = file.toLowerCase().endsWith('.json') ? JSON.parse(read.text) : parseYaml(read.text);
  } catch (e) {
    // JSON.parse and the YAML parser recurse per level; the YAML parser wraps the RangeError in its own error.
    if (e instanceof RangeError || (e as Error).message.includes('Maximum call stack size exceeded')) {
      return { error: `cannot parse ${file}: values nested too deeply (a policy nests at most ${MAX_DEPTH} levels)` };
    }
    return { error: `cannot parse ${file}: ${(e as Error).message.split('\n')[0]}` };
  }
  if (depthExceeds(config, MAX_DEPTH)) {
    return {
      error: `cannot check ${file}: values nested more than ${MAX_DEPTH} levels deep; a policy nests at most 3`,
    };
  }
  return { config };
}

function show(value: unknown): string {
  let s: string;
  try {
    // JSON.stringify returns undefined for undefined and functions, whatever its declared type says.
    const json: unknown = JSON.stringify(value);
    s = typeof json === 'string' ? json : String(value);
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
  const loaded = await loadPolicyFile(file);
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
    if (problems.some((p) => p.code === 'unknown-option')) lines.push(`known options: ${KNOWN_OPTIONS.join(', ')}`);
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
