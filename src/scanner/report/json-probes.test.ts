/**
 * The JSON report lists, per check, the probes its decision relied on and what became of each (issue 10):
 * a clean server's checks show the origins tried, all answered; behind a WAF that drops every request carrying
 * Origin, the undecided checks show those probes as failed. Each probe is written once, in the target's `trace`;
 * a check's `probes` are indexes into it. Real servers on loopback, the full default checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpServer, type TestServer } from '../__fixtures__/servers.js';
import { arbitraryOrigin } from '../checks/origins.js';
import { noDomainReason } from '../checks/trust.js';
import { scanTarget } from '../index.js';
import type { ScanTargetResult } from '../scanner.js';
import type { ProbeTrace } from '../types.js';
import { createReporter } from './index.js';

/** A check as the JSON report prints it. */
interface PrintedCheck {
  id: string;
  outcome: string;
  reason?: string;
  probes: number[];
}

interface PrintedTarget {
  checks: PrintedCheck[];
  trace: ProbeTrace[];
}

/** A check with its probe indexes looked up in the target's trace. */
interface JsonCheck extends Omit<PrintedCheck, 'probes'> {
  probes: ProbeTrace[];
}

/** Looks up each check's indexes in the trace, failing on an index that points nowhere. */
function resolved(target: PrintedTarget): JsonCheck[] {
  return target.checks.map((check) => ({
    ...check,
    probes: check.probes.map((index) => {
      const trace = target.trace[index];
      if (trace === undefined) throw new Error(`${check.id}: probe index ${index} is not in the trace`);
      return trace;
    }),
  }));
}

/** The target as the JSON report prints it (parsed back from the report text). */
function jsonTarget(result: ScanTargetResult): PrintedTarget {
  const reporter = createReporter('json');
  const text = [
    reporter.begin({ tool: 'corsight', version: '0.0.0', startedAt: new Date(0), checks: [] }),
    reporter.target(result),
    reporter.end({ targets: 1, ok: 1, partial: 0, errors: 0, findings: 0, bySeverity: {} } as never, new Date(0)),
  ].join('');
  const doc = JSON.parse(text) as { targets: PrintedTarget[] };
  const [target] = doc.targets;
  if (target === undefined) throw new Error('no target in the report');
  return target;
}

/** The target's checks with the probes each relied on. */
function jsonChecks(result: ScanTargetResult): JsonCheck[] {
  return resolved(jsonTarget(result));
}

function byId(checks: JsonCheck[], id: string): JsonCheck {
  const check = checks.find((c) => c.id === id);
  if (check === undefined) throw new Error(`no check ${id}`);
  return check;
}

function keyOf(p: ProbeTrace): string {
  return `${p.method} ${p.origin ?? '(none)'} ${p.requestMethod ?? ''}`;
}

const hint = 'https://app.example.com';
const servers: TestServer[] = [];
let clean: TestServer;
let waf: TestServer;

beforeAll(async () => {
  // No CORS headers at all: nothing is trusted, every check can decide.
  clean = await httpServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  // Drops every request carrying an Origin; answers the rest.
  waf = await httpServer((req, res) => {
    if (req.headers.origin !== undefined) {
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  servers.push(clean, waf);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('JSON report: the probes behind each check', () => {
  it('a clean target: every decided check lists the origins it tried, each answered', async () => {
    const result = await scanTarget(`${clean.url}/api`, { retries: 0, trustedOrigins: [hint] });
    const checks = jsonChecks(result);
    const clear = checks.filter((c) => c.outcome === 'clear');
    expect(clear.length).toBeGreaterThan(10);
    for (const check of clear) {
      expect(check.probes.length, check.id).toBeGreaterThan(0);
      for (const p of check.probes) {
        expect(p, check.id).toMatchObject({ outcome: 'answered', status: 200 });
        expect(p.reason, check.id).toBeUndefined();
      }
      // Deduplicated and in a fixed order: baseline first, then by origin, method, asked method.
      const keys = check.probes.map(keyOf);
      expect(new Set(keys).size, check.id).toBe(keys.length);
      const origins = check.probes.map((p) => p.origin);
      const ordered = [...origins].sort((a, b) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1));
      expect(origins, check.id).toEqual(ordered);
    }

    // Each trust class lists the probes that decide it, not the whole analysis.
    const arbitrary = arbitraryOrigin('http');
    const reflected = byId(checks, 'origin-reflected');
    expect(reflected.outcome).toBe('clear');
    expect(reflected.probes).toContainEqual({ origin: arbitrary, method: 'GET', outcome: 'answered', status: 200 });
    expect(reflected.probes).toContainEqual({
      origin: arbitrary,
      method: 'OPTIONS',
      requestMethod: 'PUT',
      outcome: 'answered',
      status: 200,
    });
    expect(reflected.probes.map((p) => p.origin)).not.toContain('null');
    const nullTrusted = byId(checks, 'null-origin-trusted');
    expect(nullTrusted.probes.map((p) => p.origin)).toContain('null');
    expect(nullTrusted.probes.map((p) => p.origin)).not.toContain(arbitrary);
    const suffix = byId(checks, 'suffix-match');
    expect(suffix.outcome).toBe('clear');
    expect(suffix.probes.some((p) => p.origin?.endsWith('example.com') === true && p.origin !== hint)).toBe(true);
    // The hygiene check that compares answers with and without Origin lists the no-Origin baseline first.
    const vary = byId(checks, 'missing-vary-origin');
    expect(vary.probes[0]).toEqual({ origin: null, method: 'GET', outcome: 'answered', status: 200 });

    // Deterministic: a second scan reports the same probes per check.
    const again = jsonChecks(await scanTarget(`${clean.url}/api`, { retries: 0, trustedOrigins: [hint] }));
    expect(again.map((c) => [c.id, c.probes])).toEqual(checks.map((c) => [c.id, c.probes]));
  });

  it('the trace holds each probe once, in order, and every probe in it is one some check relied on', async () => {
    const target = jsonTarget(await scanTarget(`${clean.url}/api`, { retries: 0, trustedOrigins: [hint] }));
    const keys = target.trace.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    expect(target.trace[0]).toEqual({ origin: null, method: 'GET', outcome: 'answered', status: 200 });
    const used = new Set(target.checks.flatMap((c) => c.probes));
    expect([...used].sort((a, b) => a - b)).toEqual(target.trace.map((_, index) => index));
    for (const check of target.checks) {
      expect(check.probes, check.id).toEqual([...check.probes].sort((a, b) => a - b));
    }
  });

  it("behind a WAF dropping Origin: the undecided checks list their probes as 'failed', with why", async () => {
    // As in outcomes.test.ts (no --origin: fewer probes, each of which the WAF makes slow to fail).
    const result = await scanTarget(`${waf.url}/api`, { retries: 0 });
    expect(result.status).toBe('partial');
    const checks = jsonChecks(result);
    // On an IP address the name classes have no look-alikes to try (they say so, and list no failed probe).
    const undecided = checks.filter((c) => c.outcome === 'inconclusive' && c.reason !== noDomainReason);
    expect(undecided.length).toBeGreaterThan(5);
    for (const check of undecided) {
      const failed = check.probes.filter((p) => p.outcome === 'failed');
      expect(failed.length, check.id).toBeGreaterThan(0);
      for (const p of failed) {
        expect(p.origin, check.id).not.toBeNull();
        expect(p.reason, check.id).toMatch(/\S/);
        expect(p.status, check.id).toBeUndefined();
      }
    }
    const reflected = byId(checks, 'origin-reflected');
    expect(reflected.outcome).toBe('inconclusive');
    expect(reflected.probes).toContainEqual(
      expect.objectContaining({ origin: arbitraryOrigin('http'), method: 'GET', outcome: 'failed' }),
    );
    // The baseline (no Origin) still got through, and says so where a check relied on it.
    const vary = byId(checks, 'missing-vary-origin');
    expect(vary.probes[0]).toEqual({ origin: null, method: 'GET', outcome: 'answered', status: 200 });
  }, 120_000);

  it('JSONL carries the same probes; the text report does not', async () => {
    const result = await scanTarget(`${clean.url}/api`, { retries: 0, trustedOrigins: [hint] });
    const line = createReporter('jsonl').target(result);
    const parsed = JSON.parse(line) as PrintedTarget;
    expect(resolved(parsed).map((c) => c.probes)).toEqual(jsonChecks(result).map((c) => c.probes));
    const text = createReporter('text').target(result);
    expect(text).not.toContain('"probes"');
    expect(text).not.toContain('"trace"');
    expect(text).not.toContain(arbitraryOrigin('http'));
  });
});
