/**
 * `declared-caller-refused` (only with `scan --policy`): callers the policy declares that the server refuses.
 * Each declared origin (an exact entry, or one name under a wildcard entry) sends the simple request the target
 * is probed with; then the first caller the server accepts asks, through a preflight per declared method, for the
 * declared methods and request headers. Answers are judged as Chromium judges them (the CORS check,
 * https://fetch.spec.whatwg.org/#concept-cors-check, and the CORS-preflight fetch's checks,
 * https://fetch.spec.whatwg.org/#cors-preflight-fetch), with the credentials mode the policy declares. A refusal
 * is a broken caller: the front end the owner meant to serve gets a CORS error.
 */
import { corsCheck } from '../../browser/cors-check.js';
import { checkPreflightResponse } from '../../browser/preflight.js';
import { buildPoc } from '../checks/poc.js';
import { decide, Gaps, probeLabel } from '../checks/probes.js';
import type { DescribedCheck } from '../checks/finding.js';
import type { Exchange, Finding, ProbeContext } from '../types.js';
import type { DeclaredCaller, DeclaredPolicy } from './policy.js';

/** The id of the check (listed in `CheckId` beside the checks every scan runs). */
export const declaredCallerId = 'declared-caller-refused' as const;
export type DeclaredCallerId = typeof declaredCallerId;

/** Callers probed at most per target, and methods asked for at most (each costs one request per target). */
const maxCallers = 8;
const maxMethods = 4;
/** Methods a page sends without a preflight (https://fetch.spec.whatwg.org/#cors-safelisted-method). */
const safelistedMethods = new Set(['GET', 'HEAD', 'POST']);

const info = {
  id: declaredCallerId,
  kind: 'hygiene' as const,
  // The browser would show a refusal, not a read: nothing for --confirm to attempt.
  confirmable: false,
  title: 'Caller the policy declares refused',
  definition:
    'With `--policy`: an origin, method or request header the declared policy allows is refused by the server, so the front end it was meant for gets a CORS error (a broken caller: the deployment and the policy disagree).',
  probes:
    'Each declared origin (one name under each wildcard entry) as a simple request; the first accepted one as a preflight per declared method, asking for the declared request headers.',
  remediation:
    'Deploy the declared policy (or correct the policy): the server must answer the declared origins, methods and headers as the policy says.',
};

function brokenCaller(
  ctx: ProbeContext,
  caller: DeclaredCaller,
  evidence: Exchange,
  via: 'simple' | 'preflight',
  what: string,
  scenario: { method: string; headers: [string, string][]; credentials: 'include' | 'omit' },
): Finding {
  const advice = `The policy declares ${what}; the server refuses it, so that caller gets a CORS error.`;
  return {
    check: declaredCallerId,
    severity: 'low',
    title: info.title,
    detail: `${advice} A broken caller is no security risk by itself, but the deployment does not match the policy it is judged by.`,
    attackerOrigin: caller.origin,
    via,
    rule: `refuses ${what}`,
    evidence,
    poc: buildPoc({
      check: declaredCallerId,
      title: info.title,
      url: ctx.url.href,
      attackerOrigin: caller.origin,
      via,
      scenario,
    }),
    remediation: info.remediation,
    policy: { verdict: 'broken-caller', entry: caller.entry, advice, assessed: 'low' },
  };
}

/** The check for `policy`'s declared callers. */
export function declaredCallersCheck(policy: DeclaredPolicy): DescribedCheck<DeclaredCallerId> {
  const credentials = policy.credentials ? 'include' : 'omit';
  const methods = policy.methods.filter((m) => m !== '*' && !safelistedMethods.has(m)).slice(0, maxMethods);
  const headers = policy.requestHeaders.filter((h) => h !== '*').sort();
  return {
    ...info,
    async run(ctx) {
      const gaps = new Gaps();
      const findings: Finding[] = [];
      let accepted: DeclaredCaller | undefined;
      for (const caller of policy.callers.slice(0, maxCallers)) {
        const outcome = await ctx.outcome({ method: ctx.method, origin: caller.origin });
        gaps.note(probeLabel('simple', caller.origin), outcome);
        if (outcome.kind !== 'answered') continue;
        const verdict = corsCheck({ headers: outcome.exchange.response.headers, origin: caller.origin, credentials });
        if (verdict.ok) {
          accepted ??= caller;
          continue;
        }
        findings.push(
          brokenCaller(ctx, caller, outcome.exchange, 'simple', `the origin \`${caller.origin}\` (${caller.entry})`, {
            method: ctx.method,
            headers: [],
            credentials,
          }),
        );
      }
      // Methods and headers are asked for by a caller the server accepts, so a refusal is theirs, not the origin's.
      if (accepted !== undefined && (methods.length > 0 || headers.length > 0)) {
        const caller = accepted;
        for (const method of methods.length > 0 ? methods : ['GET']) {
          const asked: [string, string][] = [['Access-Control-Request-Method', method]];
          if (headers.length > 0) asked.push(['Access-Control-Request-Headers', headers.join(',')]);
          const outcome = await ctx.outcome({ method: 'OPTIONS', origin: caller.origin, headers: asked });
          gaps.note(probeLabel('preflight', caller.origin), outcome);
          if (outcome.kind !== 'answered') continue;
          const response = outcome.exchange.response;
          const verdict = checkPreflightResponse({
            status: response.status,
            headers: response.headers,
            url: ctx.url.href,
            method,
            unsafeHeaderNames: headers,
            credentials,
            origin: caller.origin,
          });
          if (verdict.ok) continue;
          // A server that refuses a preflight as a whole (403, no CORS headers) does not say whether the method or
          // the headers were the problem: the same preflight without the headers tells them apart.
          let step = verdict.step;
          if (headers.length > 0 && (step === 'cors-check' || step === 'status')) {
            const bare = await ctx.outcome({ method: 'OPTIONS', origin: caller.origin, headers: asked.slice(0, 1) });
            if (bare.kind === 'answered') {
              const alone = checkPreflightResponse({
                status: bare.exchange.response.status,
                headers: bare.exchange.response.headers,
                url: ctx.url.href,
                method,
                unsafeHeaderNames: [],
                credentials,
                origin: caller.origin,
              });
              step = alone.ok ? 'headers' : 'method';
            }
          }
          const what =
            step === 'method' || step === 'allow-methods'
              ? `the method ${method} (methods) for \`${caller.origin}\``
              : step === 'headers' || step === 'allow-headers'
                ? `the request header${headers.length > 1 ? 's' : ''} ${headers.join(', ')} (requestHeaders) for \`${caller.origin}\``
                : `a ${method} from \`${caller.origin}\` (${caller.entry}) through its preflight (${verdict.code})`;
          findings.push(
            brokenCaller(ctx, caller, outcome.exchange, 'preflight', what, {
              method,
              headers: headers.map((name): [string, string] => [name, 'x']),
              credentials,
            }),
          );
        }
      }
      return decide(findings, gaps);
    },
  };
}
