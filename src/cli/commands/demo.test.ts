import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { labEndpoints } from '../../lab/index.js';
import { runDemo } from './demo.js';

describe('corsight demo', () => {
  it('scans every lab endpoint over https with --resolve and --insecure, prints the report, exits 0', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await runDemo({}, { stdin: new PassThrough(), stdout, stderr });
    expect(code).toBe(0);
    expect(err).toMatch(/corsight scan --resolve corsight-lab\.test:127\.0\.0\.1 --insecure/);
    // Every endpoint is in the report, in the lab's order, and none failed (TLS and --resolve worked).
    const reported = [...out.matchAll(/^[✓✗!] https:\/\/corsight-lab\.test:\d+(\/\S*)/gmu)].map((m) => m[1]);
    expect(reported).toEqual(labEndpoints.map((e) => e.path));
    expect(out).not.toMatch(/^! /m);
    expect(out).toMatch(new RegExp(`Summary: ${labEndpoints.length} targets \\(${labEndpoints.length} ok, 0 errors\\), \\d+ findings`));
    expect(out).toContain('origin-reflected');
    expect(out).not.toContain('\u001b[');
  });
});
