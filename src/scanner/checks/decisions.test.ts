/**
 * The property of issue 10: for random server rules and random probe failures (resets and 429s), a target
 * is `ok` only if every check was decided, and nothing reported contradicts the answered probes:
 *
 * - every trust finding names an attacker origin the server's rule really accepts;
 * - a check is `clear` under failures only where the same server without failures gives no finding for it
 *   (a failed probe never turns into "not trusted");
 * - a server that accepts the arbitrary origin is never cleared of `origin-reflected`;
 * - a narrower class reported where the failure-free scan reports a broader one says the broader rule is
 *   unknown (a dropped reflection probe must not turn reflection into `prefix-match`).
 *
 * The server is in-process behind the transport seam the runtime's `ProbeContext` is built on, so thousands
 * of probes cost milliseconds; the loopback versions of these servers are in `src/scanner/outcomes.test.ts`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getHeader } from '../../fetch/headers.js';
import { createProbeContext } from '../context.js';
import { ProbeError } from '../errors.js';
import { interferenceOf, statusOf } from '../target-status.js';
import type { ProbeTransport, TransportRequest } from '../transport.js';
import type { CheckDecision, CheckId, Finding, TargetStatus } from '../types.js';
import { checks } from './index.js';
import { arbitraryOrigin } from './origins.js';

type Rule = (origin: string, own: string) => boolean;

const ruleArb: fc.Arbitrary<[string, Rule]> = fc.constantFrom<[string, Rule]>(
  ['none', () => false],
  ['reflect-all', () => true],
  ['own only', (o, own) => o === own],
  ['startsWith own', (o, own) => o.startsWith(own.replace(/:\d+$/, ''))],
  ['includes domain', (o, own) => o.includes(new URL(own).hostname.split('.').slice(-2).join('.'))],
  ['/example\\.com/', (o) => /example\.com/.test(o)], // eslint-disable-line @typescript-eslint/prefer-includes -- the regex is the rule under test, as `cors({ origin: /example\.com/ })` applies it
  ["endsWith('example.com')", (o) => o.endsWith('example.com')],
  [
    "'https://app.example.com https://admin.example.com'.includes",
    (o) => 'https://app.example.com https://admin.example.com'.includes(o),
  ],
  ['null and own', (o, own) => o === 'null' || o === own],
  ['github.io', (o) => o.endsWith('.github.io')],
);

const targetArb = fc.constantFrom(
  'https://api.target.com/me',
  'http://127.0.0.1:5002/api/me',
  'https://corsight-lab.test:8443/p',
  'http://localhost:3000/x',
);

/** How probes fail: each probe fails with probability `rate` (decided by a hash, so identical probes agree). */
const failureArb = fc.record({
  rate: fc.constantFrom(0, 0.1, 0.3, 0.6, 1),
  kind: fc.constantFrom('reset', '429', 'mixed'),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

function hash(seed: number, text: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) >>> 0;
  return (h % 10_000) / 10_000;
}

function serverTransport(rule: Rule, failure?: { rate: number; kind: string; seed: number }): ProbeTransport {
  return {
    async send(request: TransportRequest) {
      await Promise.resolve();
      const origin = getHeader(request.headers, 'origin');
      if (failure !== undefined) {
        const key = `${request.method} ${origin ?? '-'} ${getHeader(request.headers, 'access-control-request-method') ?? ''}`;
        const roll = hash(failure.seed, key);
        if (roll < failure.rate) {
          const limited = failure.kind === '429' || (failure.kind === 'mixed' && roll < failure.rate / 2);
          if (limited) {
            return {
              response: { status: 429, headers: [['Retry-After', '1']], bodySnippet: '' },
              attempts: 1,
            };
          }
          throw new ProbeError('connection-reset', `connection reset by ${request.url.host}`);
        }
      }
      const headers: [string, string][] = [['Vary', 'Origin']];
      if (origin !== null && rule(origin, request.url.origin)) {
        headers.push(['Access-Control-Allow-Origin', origin], ['Access-Control-Allow-Credentials', 'true']);
        if (request.method === 'OPTIONS') headers.push(['Access-Control-Allow-Methods', 'GET, PUT']);
      }
      return { response: { status: 200, headers, bodySnippet: '{}' }, attempts: 1 };
    },
    close: () => Promise.resolve(),
    destroy: () => Promise.resolve(),
    stats: { requests: 0, retries: 0, rateLimited: 0 },
  };
}

interface Run {
  decisions: CheckDecision[];
  findings: Finding[];
  status: TargetStatus;
}

async function scanWith(url: string, hints: string[], transport: ProbeTransport): Promise<Run> {
  const ctx = createProbeContext({ url: new URL(url), transport, trustedOrigins: hints });
  const reports = await Promise.all(checks.map((check) => check.run(ctx)));
  const decisions = reports.map((r, i): CheckDecision => ({ id: checks[i]!.id, outcome: r.outcome }));
  const findings = reports.flatMap((r) => r.findings);
  const { interference, originFailure } = interferenceOf(ctx);
  const { status } = statusOf(decisions, findings.length, interference, originFailure, ctx.failure);
  return { decisions, findings, status };
}

const trustIds = new Set<CheckId>(checks.filter((c) => c.kind === 'trust').map((c) => c.id));

describe('decisions under probe failures (property)', () => {
  it('ok only when every check is decided; nothing reported contradicts the answered probes', async () => {
    await fc.assert(
      fc.asyncProperty(
        targetArb,
        ruleArb,
        fc.constantFrom<string[]>([], ['https://app.example.com']),
        failureArb,
        async (url, [, rule], hints, failure) => {
          const own = new URL(url).origin;
          const clean = await scanWith(url, hints, serverTransport(rule));
          const run = await scanWith(url, hints, serverTransport(rule, failure));
          const undecided = run.decisions.filter((d) => d.outcome === 'inconclusive');
          expect(run.status === 'ok').toBe(undecided.length === 0);
          if (failure.rate === 0) expect(run.decisions).toEqual(clean.decisions);
          for (const f of run.findings) {
            if (trustIds.has(f.check) && f.check !== 'localhost-trusted') {
              expect(rule(f.attackerOrigin, own), `${f.check} via ${f.attackerOrigin}`).toBe(true);
            }
          }
          run.decisions.forEach((d, i) => {
            const control = clean.decisions[i]!;
            if (d.outcome === 'clear') expect(control.outcome, `${d.id} cleared under failures`).not.toBe('finding');
            if (d.outcome === 'finding' && control.outcome === 'not-applicable' && trustIds.has(d.id)) {
              const finding = run.findings.find((f) => f.check === d.id)!;
              expect(finding.rule, `${d.id} reported where the clean scan covers it`).toMatch(/is unknown/);
            }
          });
          if (rule(arbitraryOrigin(new URL(url).protocol.slice(0, -1)), own)) {
            expect(run.decisions.find((d) => d.id === 'origin-reflected')?.outcome).not.toBe('clear');
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
