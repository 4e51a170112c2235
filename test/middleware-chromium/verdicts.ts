/**
 * The three verdicts on one case and how they are compared:
 * - Chromium: how `fetch()` settled, CDP's `corsErrorStatus`, the readable header names, and what reached the
 *   server (the adapter's request log);
 * - the policy: `policy.decide` on exactly the requests Chromium sent (preflight, then actual);
 * - `simulateFetch`: the model of Chromium, fed the adapter's real answers through an undici Transport.
 */
import type { CorsOutcome } from '../../src/browser/index.js';
import type { Policy } from '../../src/policy/index.js';
import type { LoadingFailure, PageFetchResult } from './browser.js';
import type { LoggedRequest } from './servers.js';

/** One request on the wire, reduced to what CORS is about. */
export interface WireSummary {
  method: string;
  preflight: boolean;
  origin: string | undefined;
  acrm: string | undefined;
  acrh: string | undefined;
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(', ') : v);

export function summarizeLogged(r: LoggedRequest): WireSummary {
  const acrm = one(r.headers['access-control-request-method']);
  return {
    method: r.method,
    preflight: r.method === 'OPTIONS' && acrm !== undefined,
    origin: one(r.headers.origin),
    acrm,
    acrh: one(r.headers['access-control-request-headers']),
  };
}

export function summarizeSimulated(outcome: CorsOutcome): WireSummary[] {
  return outcome.requests.map((r) => {
    const get = (name: string) => r.headers.find(([n]) => n.toLowerCase() === name)?.[1];
    const acrm = get('access-control-request-method');
    return {
      method: r.method,
      preflight: r.method === 'OPTIONS' && acrm !== undefined,
      origin: get('origin'),
      acrm,
      acrh: get('access-control-request-headers'),
    };
  });
}

/** Chromium's verdict. */
export interface BrowserVerdict {
  page: PageFetchResult;
  failure: LoadingFailure | undefined;
  /** What Chromium sent, in order (from the server's log). */
  wire: LoggedRequest[];
}

/** The policy's verdict on what Chromium sent. */
export interface PolicyVerdict {
  allowed: boolean;
  why: string;
}

/**
 * Would the policy let script read the response? Every request Chromium sent must be granted (a preflight with
 * a 2xx status, an actual request with `allowed`), and a credentialed request additionally needs
 * `Access-Control-Allow-Credentials: true` from the policy (a `*` policy never grants credentialed access).
 * `decide`, not `evaluate`: an origin resolver is asked (or its cached answer used) as the adapter did.
 */
export async function policyVerdict(
  policy: Policy,
  wire: readonly LoggedRequest[],
  credentialed: boolean,
): Promise<PolicyVerdict> {
  let actual = false;
  for (const r of wire) {
    const d = await policy.decide({ method: r.method, headers: r.headers, url: r.url });
    const label = d.kind === 'preflight' ? 'preflight' : 'actual request';
    if (!d.allowed) return { allowed: false, why: `${label} refused (${d.reason ?? 'no reason'})` };
    if (d.kind === 'preflight' && (d.status === undefined || d.status < 200 || d.status > 299)) {
      return { allowed: false, why: `preflight answered ${d.status}` };
    }
    if (credentialed && d.headers['access-control-allow-credentials'] !== 'true') {
      return { allowed: false, why: `${label} allowed without credentials, but the request is credentialed` };
    }
    if (d.kind !== 'preflight') actual = true;
  }
  return actual
    ? { allowed: true, why: 'every request granted' }
    : { allowed: false, why: 'no actual request reached the server' };
}

const show = (v: unknown) => JSON.stringify(v);

/** Every disagreement between Chromium, the policy, `simulateFetch` and the table's intent (empty = agreement). */
export function disagreements(
  browser: BrowserVerdict,
  policy: PolicyVerdict,
  simulated: CorsOutcome,
  intended: boolean,
  cookies: { expected: boolean },
): string[] {
  const out: string[] = [];
  const resolved = browser.page.settled === 'resolved';
  if (browser.page.settled === 'timeout') out.push('Chromium: fetch timed out (harness problem)');
  if (resolved !== intended) {
    out.push(`intent: the table says ${intended ? 'allowed' : 'refused'}, Chromium ${browser.page.settled}`);
  }
  if (resolved !== policy.allowed) {
    out.push(`policy: ${policy.allowed ? 'allowed' : 'refused'} (${policy.why}), Chromium ${browser.page.settled}`);
  }
  if (resolved !== simulated.allowed) {
    out.push(`simulateFetch: ${simulated.allowed ? 'resolved' : 'rejected'}, Chromium ${browser.page.settled}`);
  }
  if (!resolved && !simulated.allowed) {
    const b = { code: browser.failure?.corsError, parameter: browser.failure?.failedParameter };
    const s = { code: simulated.error?.code, parameter: simulated.error?.parameter };
    if (b.code !== s.code || b.parameter !== s.parameter) {
      out.push(`CORS error: Chromium ${show(b)}, simulateFetch ${show(s)}`);
    }
  }
  if (resolved && simulated.allowed) {
    const b = browser.page.headerNames ?? [];
    const s = simulated.response?.exposedHeaders ?? [];
    if (show(b) !== show(s)) out.push(`readable headers: Chromium ${show(b)}, simulateFetch ${show(s)}`);
    if (browser.page.status !== simulated.response?.status) {
      out.push(`status: Chromium ${browser.page.status}, simulateFetch ${simulated.response?.status}`);
    }
    if (!b.includes('x-request-id')) out.push(`the exposed x-request-id is not readable: ${show(b)}`);
    if (b.includes('x-secret')) out.push(`the unexposed x-secret is readable: ${show(b)}`);
  }
  const wireB = browser.wire.map(summarizeLogged);
  const wireS = summarizeSimulated(simulated);
  if (show(wireB) !== show(wireS)) out.push(`on the wire: Chromium sent ${show(wireB)}, simulateFetch ${show(wireS)}`);
  for (const r of browser.wire) {
    const isPreflight = summarizeLogged(r).preflight;
    const hasCookie = typeof r.headers.cookie === 'string' && r.headers.cookie.includes('sid=');
    if (isPreflight && hasCookie) out.push('a preflight carried cookies');
    if (!isPreflight && hasCookie !== cookies.expected) {
      out.push(
        `cookie on the ${r.method}: expected ${cookies.expected ? 'sent' : 'absent'}, was ${hasCookie ? 'sent' : 'absent'}`,
      );
    }
  }
  return out;
}
