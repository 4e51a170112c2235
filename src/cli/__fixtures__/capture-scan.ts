/** Runs `corsight scan` in-process on real streams and captures what it writes, for the CLI's and the queue's tests. */
import { PassThrough } from 'node:stream';
import { runScan, type ScanCommandOptions } from '../commands/scan.js';
import type { Check } from '../../scanner/index.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

export async function captureScan(
  urls: string[],
  options: ScanCommandOptions,
  checks?: readonly Check[],
  env: { signal?: AbortSignal; cwd?: string } = {},
): Promise<Captured> {
  const stdin = new PassThrough();
  stdin.end('');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runScan(urls, options, { stdin, stdout, stderr, ...env }, checks);
  return { code, stdout: out, stderr: err };
}
