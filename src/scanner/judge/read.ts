/**
 * Reading the judge's input files (baseline report, ignore file): regular files only, with a size cap, so a
 * FIFO or a device cannot hang the run and a wrong path cannot fill memory; every failure is a `JudgeInputError`.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { JudgeInputError } from './errors.js';

/** Reads `file` as UTF-8 text; `what` names it in errors ("--baseline", "ignore file"). */
export async function readJudgeFile(file: string, what: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO without a writer must not block before its type can be checked.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new JudgeInputError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new JudgeInputError(`cannot read ${what} ${file}: not a regular file`);
    if (stat.size > maxBytes) {
      throw new JudgeInputError(`cannot read ${what} ${file}: ${stat.size} bytes, more than the ${maxBytes} allowed`);
    }
    const bytes = await handle.readFile();
    if (bytes.includes(0)) throw new JudgeInputError(`cannot read ${what} ${file}: binary data (a NUL byte)`);
    // A byte order mark (editors on Windows write one) is not part of the text.
    const text = bytes.toString('utf8');
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } catch (error) {
    if (error instanceof JudgeInputError) throw error;
    throw new JudgeInputError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  } finally {
    await handle.close();
  }
}
