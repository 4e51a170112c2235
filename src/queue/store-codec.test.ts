/**
 * How a target's result is stored in Redis: compressed JSON, read back as it was written; a result written by an
 * earlier corsight (a probe list per check, before the trace and its indexes) is still reported, without them.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createReporter } from '../scanner/report/index.js';
import type { ScanTargetResult } from '../scanner/scanner.js';
import { decodeResult, encodeResult } from './store.js';

const result: ScanTargetResult = {
  url: 'https://api.example.com/me',
  status: 'ok',
  findings: [],
  checks: [
    { id: 'origin-reflected', outcome: 'clear' },
    { id: 'null-origin-trusted', outcome: 'clear' },
  ],
  probes: { sent: 2, answered: 2, failed: 0, rateLimited: 0, retried: 0 },
  requests: 2,
  checkProbes: {
    trace: [
      { origin: 'https://corsight-attacker.com', method: 'GET', outcome: 'answered', status: 200 },
      { origin: 'null', method: 'GET', outcome: 'answered', status: 200 },
    ],
    byCheck: { 'origin-reflected': [0], 'null-origin-trusted': [1] },
  },
};

describe('stored results', () => {
  it('read back exactly as written', () => {
    expect(decodeResult(encodeResult(result))).toEqual(result);
  });

  it('a result from an earlier corsight (probe lists per check) is reported without the lists', () => {
    const earlier = {
      ...result,
      checkProbes: { 'origin-reflected': [{ origin: 'https://corsight-attacker.com', method: 'GET' }] },
    };
    const decoded = decodeResult(deflateRawSync(JSON.stringify(earlier)));
    expect(decoded.checkProbes).toBeUndefined();
    const line = JSON.parse(createReporter('jsonl').target(decoded)) as { checks: unknown[]; trace?: unknown };
    expect(line.checks).toEqual([
      { id: 'origin-reflected', outcome: 'clear' },
      { id: 'null-origin-trusted', outcome: 'clear' },
    ]);
    expect(line.trace).toBeUndefined();
  });
});
