import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { ExitCode, UsageError } from './exit-codes.js';
import { version } from './version.js';

/** Builds the `corsight` program with every registered sub-command. */
export function buildProgram(): Command {
  const program = new Command('corsight')
    .description(
      'CORS done right: a Chromium-exact browser model, a secure middleware, and a scanner that judges like a browser.',
    )
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return ExitCode.ok;
    }
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; everything else is a usage error.
      if (error.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`corsight: ${error.message}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
}
