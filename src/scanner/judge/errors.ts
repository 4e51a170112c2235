/**
 * A judge input that cannot be used (a malformed ignore file, a baseline from another tool or fingerprint
 * scheme, a policy with errors): the message names the file and what is wrong; the CLI exits 2 with it.
 */
export class JudgeInputError extends Error {
  override name = 'JudgeInputError';
}
