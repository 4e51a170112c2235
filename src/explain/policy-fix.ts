/**
 * `explain` for a server that runs corsight: the fix is a change to the policy's configuration, not response
 * headers added by hand (corsight writes the headers itself and would refuse again). Recognised from the
 * `corsight-debug` header a policy in debug mode sends on refused preflights, or from the configuration
 * given to `explain --policy FILE`; in the second case the changes are checked by running the browser model
 * against answers from the changed policy.
 */
import {
  simulateFetch,
  type CorsRequest,
  type ProfileName,
  type SimulateOptions,
  type Transport,
} from '../browser/index.js';
import { getHeader, splitHeaderValue } from '../fetch/headers.js';
import { createPolicy } from '../policy/index.js';
import { applyPolicyChange, changeForDebugReason, policyChangesFor, type PolicyChange } from '../policy/fix.js';
import type { PolicyConfig } from '../policy/types.js';
import type { BrowserExchange, Fix, FixStep } from './types.js';

/** The response of a corsight-run server, from the configuration: CORS headers the policy's, the rest as seen. */
function policyTransport(config: PolicyConfig, seen: readonly BrowserExchange[]): Transport {
  const policy = createPolicy(config);
  return (req) => {
    const headers = Object.fromEntries(req.headers.map(([n, v]) => [n.toLowerCase(), v]));
    const d = policy.evaluate({ method: req.method, headers });
    const lines = Object.entries(d.headers).map(([n, v]): [string, string] => [n, v]);
    if (d.kind === 'preflight') return Promise.resolve({ status: d.status ?? 204, headers: lines });
    const same = seen.find((e) => e.request.url === req.url && e.request.method === req.method && e.response !== null);
    const rest = (same?.response?.headers ?? []).filter(
      ([n]) => !n.toLowerCase().startsWith('access-control-') && n.toLowerCase() !== 'vary',
    );
    return Promise.resolve({ status: same?.response?.status ?? 200, headers: [...rest, ...lines] });
  };
}

function stepOf(c: PolicyChange, request: CorsRequest, why: string): FixStep {
  return {
    action: 'configure',
    on: 'preflight',
    method: request.method ?? 'GET',
    url: request.url,
    text: `in the corsight policy, ${c.text}`,
    why,
  };
}

/** The request header names the browser announced in its preflight (what `requestHeaders` must allow). */
function announcedHeaders(log: readonly BrowserExchange[]): string[] {
  const preflight = log.find((e) => e.role === 'preflight');
  const value = preflight === undefined ? null : getHeader(preflight.request.headers, 'access-control-request-headers');
  return value === null
    ? []
    : splitHeaderValue(value)
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

/**
 * The corsight fix, or null when the server does not look like corsight (no debug header, no configuration)
 * or the configuration needs no change (the failure is elsewhere, e.g. a redirect).
 */
export async function corsightFix(
  request: CorsRequest,
  main: { preflighted: boolean; log: readonly BrowserExchange[]; why: string },
  exchanges: readonly BrowserExchange[],
  profiles: readonly ProfileName[],
  options: { policy?: PolicyConfig; simulate: (profile: ProfileName) => SimulateOptions },
): Promise<Fix | null> {
  if (options.policy !== undefined) {
    const { changes, verified } = policyChangesFor(options.policy, {
      origin: request.origin,
      method: request.method ?? 'GET',
      headerNames: announcedHeaders(main.log),
      preflight: main.preflighted,
      credentials: request.credentials === 'include',
    });
    if (changes.length === 0) return null;
    const passes: ProfileName[] = [];
    if (verified) {
      let changed: PolicyConfig = options.policy;
      for (const c of changes) changed = applyPolicyChange(changed, c);
      for (const profile of profiles) {
        const outcome = await simulateFetch(request, policyTransport(changed, exchanges), options.simulate(profile));
        if (outcome.allowed) passes.push(profile);
      }
    }
    return {
      steps: changes.map((c) => stepOf(c, request, main.why)),
      verified: verified && passes.length === profiles.length,
      passes,
      notes: [],
    };
  }
  for (const e of exchanges) {
    if (e.response === null || e.source !== 'network') continue;
    const reason = getHeader(e.response.headers, 'corsight-debug');
    if (reason === null) continue;
    const c = changeForDebugReason(reason);
    if (c === null) return null;
    return {
      steps: [stepOf(c, request, main.why)],
      verified: false,
      passes: [],
      notes: [
        `from the server's corsight-debug header ("${reason}"); corsight checks one step at a time, so after this change it may name the next one (give the configuration with --policy FILE to get every change, checked)`,
      ],
    };
  }
  return null;
}
