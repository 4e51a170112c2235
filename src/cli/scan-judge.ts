/**
 * The judge's inputs of `corsight scan`, read and validated before anything is sent: `--policy FILE` (the policy
 * `check-policy` validates), `--baseline FILE` (an earlier JSON report) and the ignore file (`--ignore-file FILE`,
 * else `.corsightignore` in the working directory when there is one). Any problem is a `UsageError` (exit 2)
 * naming the file and what is wrong.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import {
  createJudge,
  declarePolicy,
  declaredCallersCheck,
  JudgeInputError,
  parseBaseline,
  parseIgnoreFile,
  readJudgeFile,
  type DeclaredPolicy,
  type Judge,
} from '../scanner/judge/index.js';
import type { Check } from '../scanner/types.js';
import { loadPolicyFile } from './commands/check-policy.js';
import { UsageError } from './exit-codes.js';

/** The flags this module reads. */
export interface JudgeFlags {
  policy?: string;
  baseline?: string;
  ignoreFile?: string;
}

/** The judge of a run, and what it adds to the scan. */
export interface ScanJudging {
  judge: Judge;
  policy: DeclaredPolicy | undefined;
  /** The checks to run: the given ones, plus `declared-caller-refused` with --policy. */
  checks: readonly Check[];
  /** Origins the policy declares, to add to the --origin hints (the owner trusts them). */
  trustedOrigins: string[];
  /** The ignore file in use, for messages. */
  ignoreFile: string | undefined;
}

/** A baseline report may be large (evidence, PoCs); past this, it is not one this machine should parse. */
const maxBaselineBytes = 512 * 1024 * 1024;
const maxIgnoreBytes = 1024 * 1024;
/** The declared origins added as hints at most (each hint adds look-alike probes to every target). */
const maxPolicyHints = 8;

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** Reads and validates the judge's inputs; throws `UsageError` for any problem with them. */
export async function prepareJudging(flags: JudgeFlags, cwd: string, checks: readonly Check[]): Promise<ScanJudging> {
  try {
    let policy: DeclaredPolicy | undefined;
    if (flags.policy !== undefined) {
      const loaded = await loadPolicyFile(path.resolve(cwd, flags.policy));
      if ('error' in loaded) throw new JudgeInputError(`--policy: ${loaded.error}`);
      policy = declarePolicy(loaded.config, flags.policy);
    }
    const baseline =
      flags.baseline === undefined
        ? undefined
        : parseBaseline(
            await readJudgeFile(path.resolve(cwd, flags.baseline), '--baseline', maxBaselineBytes),
            flags.baseline,
          );
    const defaultIgnore = path.join(cwd, '.corsightignore');
    const ignoreFile =
      flags.ignoreFile ?? ((await exists(defaultIgnore)) ? path.relative(cwd, defaultIgnore) : undefined);
    const known = [
      ...checks.map((check) => check.id as string),
      ...(policy === undefined ? [] : ['declared-caller-refused']),
    ];
    const ignore =
      ignoreFile === undefined
        ? undefined
        : parseIgnoreFile(
            await readJudgeFile(path.resolve(cwd, ignoreFile), 'ignore file', maxIgnoreBytes),
            ignoreFile,
            known,
          );
    const trustedOrigins = (policy?.callers ?? [])
      .filter((caller) => caller.exact)
      .map((caller) => caller.origin)
      .slice(0, maxPolicyHints);
    return {
      judge: createJudge({ policy, baseline, ignore }),
      policy,
      checks: policy === undefined ? checks : [...checks, declaredCallersCheck(policy)],
      trustedOrigins,
      ignoreFile,
    };
  } catch (error) {
    if (error instanceof JudgeInputError) throw new UsageError(error.message);
    throw error;
  }
}
