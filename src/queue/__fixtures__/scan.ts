/** Runs `corsight scan` in-process (real streams) and reads its JSONL report, for the queue's tests. */
import { PassThrough } from 'node:stream';
import { runScan, type ScanCommandOptions } from '../../cli/commands/scan.js';
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
  signal?: AbortSignal,
): Promise<Captured> {
  const stdin = new PassThrough();
  stdin.end('');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io = signal === undefined ? { stdin, stdout, stderr } : { stdin, stdout, stderr, signal };
  const code = await runScan(urls, options, io, checks);
  return { code, stdout: out, stderr: err };
}

/** A target record of a JSONL report, with what a comparison needs. */
export interface TargetLine {
  url: string;
  status: string;
  error?: string;
  findings: { check: string; severity: string; attackerOrigin: string }[];
  checks: { id: string; outcome: string }[];
}

/** The target records of a JSONL report (its last line is the summary). */
export function targetLines(text: string): TargetLine[] {
  const lines = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  if (!('summary' in (lines.at(-1) ?? {}))) throw new Error(`no summary line at the end of:\n${text.slice(-500)}`);
  return lines.slice(0, -1) as unknown as TargetLine[];
}

/**
 * What two scans of the same targets must agree on: per target (in report order), its status, and each
 * check's decision and findings (check, severity, attacker origin). Timings and response dates may differ.
 */
export function findingsOf(text: string): unknown[] {
  return targetLines(text).map((t) => ({
    url: t.url,
    status: t.status,
    error: t.error,
    checks: t.checks.map((c) => `${c.id}:${c.outcome}`),
    findings: t.findings.map((f) => `${f.check}:${f.severity}:${f.attackerOrigin}`),
  }));
}
