/** Exit codes shared by every command. */
export const ExitCode = {
  /** Success; for `scan`, no finding reached `--fail-on`. */
  ok: 0,
  /** The command ran and found a problem (a finding at or above `--fail-on`, an invalid policy...). */
  findings: 1,
  /** The command line or its input was unusable, or a report could not be written. */
  usage: 2,
  /** `scan --fail-on-error`: at least one target could not be scanned (and no finding reached `--fail-on`). */
  incomplete: 3,
} as const;

/** Thrown by a command for a problem with how it was called; printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
