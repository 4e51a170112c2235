/**
 * The configuration change that lets a refused request through, named in the policy's own words ("add
 * `x-client-version` to `requestHeaders`") instead of as response headers to add by hand: a corsight policy
 * writes its headers itself, so the configuration is the one place to change.
 *
 * Two sources: the `corsight-debug` reason a policy in debug mode sends on a refused preflight (one change),
 * or the configuration itself, re-evaluated after each change until the requests pass (every change, checked).
 */
import { createPolicy } from './policy.js';
import { SAFELISTED_METHODS } from './tokens.js';
import type { PolicyConfig, PolicyRequest } from './types.js';

/** One change to a policy configuration. */
export interface PolicyChange {
  /** The option to change. */
  option: 'origins' | 'methods' | 'requestHeaders' | 'credentials' | 'privateNetwork';
  /** The value to add to the list, or to set. */
  value: string | boolean;
  /** One imperative sentence: "add `PATCH` to `methods`". */
  text: string;
}

const REASON = /^(?:preflight|request) refused at step "([a-z-]+)": (.*)$/;
const QUOTED = /"((?:[^"\\]|\\.)*)"/;

function change(option: PolicyChange['option'], value: string | boolean): PolicyChange {
  const text = typeof value === 'boolean' ? `set \`${option}: ${value}\`` : `add \`${value}\` to \`${option}\``;
  return { option, value, text };
}

/**
 * The change a `corsight-debug` reason calls for, or null when the reason names none (an overlong header
 * list, a value that is not a valid token, or text that is not a corsight reason).
 */
export function changeForDebugReason(reason: string): PolicyChange | null {
  const m = REASON.exec(reason.trim());
  if (m === null) return null;
  const [, step, detail = ''] = m;
  if (step === 'private-network') return change('privateNetwork', true);
  const quoted = QUOTED.exec(detail)?.[1];
  // Escaped values (\xHH) are not what the browser sent: name no value rather than a wrong one.
  if (quoted === undefined || quoted.includes('\\')) return null;
  if (step === 'origin') return change('origins', quoted);
  if (step === 'method') return change('methods', quoted);
  if (step === 'headers') return change('requestHeaders', quoted.toLowerCase());
  return null;
}

/** The requests a browser sends for one fetch(), as the policy sees them. */
export interface FetchRequests {
  origin: string;
  method: string;
  /** Request header names the script sets (`content-type`, `x-client-version` ...). */
  headerNames: readonly string[];
  /** Whether the browser preflights (the caller knows: it ran the browser model). */
  preflight: boolean;
  /** `credentials: 'include'`. */
  credentials: boolean;
  /** Whether the preflight asks for private network access. */
  privateNetwork?: boolean;
}

/** `config` with one change applied. */
export function applyPolicyChange(config: PolicyConfig, c: PolicyChange): PolicyConfig {
  switch (c.option) {
    case 'credentials':
      return { ...config, credentials: true };
    case 'privateNetwork':
      return { ...config, privateNetwork: true };
    case 'origins':
      return { ...config, origins: [...config.origins.filter((o) => o !== '*'), String(c.value)] };
    case 'methods':
      return { ...config, methods: [...(config.methods ?? []), String(c.value)] };
    case 'requestHeaders':
      return {
        ...config,
        requestHeaders: [...(config.requestHeaders === '*' ? ['*'] : (config.requestHeaders ?? [])), String(c.value)],
      };
  }
}

/**
 * Every change `config` needs for the browser's requests to pass, found by evaluating them with the policy
 * itself (in debug mode, which names the failing step) and applying one change at a time. Returns the
 * changes and whether the changed configuration lets the requests through (false when a change is outside
 * what a configuration can say, or the configuration is invalid).
 */
export function policyChangesFor(
  config: PolicyConfig,
  requests: FetchRequests,
): { changes: PolicyChange[]; verified: boolean } {
  const changes: PolicyChange[] = [];
  let current = config;
  for (let round = 0; round < 8; round++) {
    // `'*'` with credentials is refused by the validator: the origin must be listed instead.
    if (requests.credentials && current.credentials !== true) {
      const c = change('credentials', true);
      changes.push(c);
      current = applyPolicyChange(current, c);
      if (current.origins.includes('*')) {
        const o = change('origins', requests.origin);
        changes.push({ ...o, text: `replace \`'*'\` in \`origins\` with \`${requests.origin}\`` });
        current = applyPolicyChange(current, o);
      }
      continue;
    }
    let policy;
    try {
      policy = createPolicy({ ...current, debug: true });
    } catch {
      return { changes, verified: false };
    }
    const checks: PolicyRequest[] = [];
    if (requests.preflight) {
      const headers: Record<string, string> = {
        origin: requests.origin,
        'access-control-request-method': requests.method,
      };
      const unsafe = requests.headerNames.map((n) => n.toLowerCase()).sort();
      if (unsafe.length > 0) headers['access-control-request-headers'] = unsafe.join(',');
      if (requests.privateNetwork === true) headers['access-control-request-private-network'] = 'true';
      checks.push({ method: 'OPTIONS', headers });
    }
    checks.push({ method: requests.method, headers: { origin: requests.origin } });
    const refused = checks.map((r) => policy.evaluate(r)).find((d) => !d.allowed);
    if (refused === undefined) return { changes, verified: true };
    const next = changeForDebugReason(refused.reason ?? '');
    if (next === null || changes.some((c) => c.option === next.option && c.value === next.value)) {
      return { changes, verified: false };
    }
    // A safelisted method never needs listing; a refusal naming one is not something `methods` can fix.
    if (next.option === 'methods' && SAFELISTED_METHODS.has(String(next.value))) return { changes, verified: false };
    changes.push(next);
    current = applyPolicyChange(current, next);
  }
  return { changes, verified: false };
}
