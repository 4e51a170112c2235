import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { captureIO } from '../__fixtures__/capture-scan.js';
import { describe, expect, it } from 'vitest';
import { labEndpoints } from '../../lab/index.js';
import { runDemo } from './demo.js';

describe('corsight demo', () => {
  it('scans every lab endpoint over https with --resolve and --insecure, prints the report, exits 0', async () => {
    const captured = captureIO();
    const dir = mkdtempSync(path.join(tmpdir(), 'corsight-demo-'));
    const htmlFile = path.join(dir, 'report.html');
    let code: number;
    let html: string;
    try {
      code = await runDemo({ output: htmlFile }, captured.io);
      html = readFileSync(htmlFile, 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const out = captured.stdout();
    const err = captured.stderr();
    expect(code).toBe(0);
    // It ends by writing the HTML report and naming it on the last stderr line (stdout is only the report).
    expect(err.trimEnd().split('\n').at(-1)).toBe(`corsight demo: HTML report written to ${htmlFile}`);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`${labEndpoints.length} targets (${labEndpoints.length} ok, 0 with errors)`);
    expect(out).not.toContain('<!doctype html>');
    expect(err).toMatch(/corsight scan --resolve corsight-lab\.test:127\.0\.0\.1 --insecure/);
    // Every endpoint is in the report, in the lab's order, and none failed (TLS and --resolve worked).
    const reported = [...out.matchAll(/^[✓✗!] https:\/\/corsight-lab\.test:\d+(\/\S*)/gmu)].map((m) => m[1]);
    expect(reported).toEqual(labEndpoints.map((e) => e.path));
    expect(out).not.toMatch(/^! /m);
    expect(out).toMatch(
      new RegExp(`Summary: ${labEndpoints.length} targets \\(${labEndpoints.length} ok, 0 errors\\), \\d+ findings`),
    );
    expect(out).toContain('origin-reflected');
    expect(out).not.toContain('\u001b[');
  });
});
