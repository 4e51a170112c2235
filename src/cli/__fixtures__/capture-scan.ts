/** Runs CLI commands in-process on real streams and captures what they write, for the CLI's, lab's and queue's tests. */
import { PassThrough } from 'node:stream';
import { runScan, type ScanCommandOptions, type ScanIO } from '../commands/scan.js';
import type { Check } from '../../scanner/index.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command's streams, and what it has written to stdout and stderr so far. */
export interface CapturedIO {
  io: ScanIO;
  stdout: () => string;
  stderr: () => string;
}

/** Real streams for a command: stdin holds `stdin` (default nothing) and ends; stdout and stderr are captured. */
export function captureIO(env: { stdin?: string; signal?: AbortSignal; cwd?: string } = {}): CapturedIO {
  const { stdin: text = '', ...rest } = env;
  const stdin = new PassThrough();
  stdin.end(text);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { io: { stdin, stdout, stderr, ...rest }, stdout: () => out, stderr: () => err };
}

export async function captureScan(
  urls: string[],
  options: ScanCommandOptions,
  checks?: readonly Check[],
  env: { signal?: AbortSignal; cwd?: string } = {},
): Promise<Captured> {
  const captured = captureIO(env);
  const code = await runScan(urls, options, captured.io, checks);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}
