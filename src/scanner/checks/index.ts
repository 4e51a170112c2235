/**
 * The scanner's checks: one misconfiguration class each, with its id, definition, the probes it sends
 * and its logic. The runtime (`src/scanner/`) runs every one of them on every target; probes are shared
 * through the `ProbeContext`, and the trust checks share one analysis (see `trust.ts`).
 */
import type { Check } from '../types.js';
import type { DescribedCheck } from './finding.js';
import type { DeclaredCallerId } from '../judge/callers.js';
import { invalidAcao } from './invalid-acao.js';
import { missingVaryOrigin } from './missing-vary.js';
import { prefixMatch, specialCharBypass, substringMatch, suffixMatch, unescapedDot } from './name-match.js';
import { permissivePreflight } from './permissive-preflight.js';
import { privateNetworkAccess } from './private-network.js';
import { nullOriginTrusted, originReflected } from './reflection.js';
import {
  anySubdomainTrusted,
  insecureOriginTrusted,
  localhostTrusted,
  thirdPartyOriginTrusted,
} from './trusted-origins.js';
import { wildcardOrigin, wildcardWithCredentials } from './wildcard.js';

/** Every check, in report order (the trust classes first, hygiene last). */
export const checks = [
  originReflected,
  nullOriginTrusted,
  prefixMatch,
  suffixMatch,
  substringMatch,
  unescapedDot,
  specialCharBypass,
  insecureOriginTrusted,
  anySubdomainTrusted,
  thirdPartyOriginTrusted,
  localhostTrusted,
  wildcardOrigin,
  wildcardWithCredentials,
  invalidAcao,
  missingVaryOrigin,
  privateNetworkAccess,
  permissivePreflight,
] as const satisfies readonly DescribedCheck<string>[];

/**
 * A check's id: one of the ids of {@link checks} (the list is the only place they are written down), or the id of
 * the check `scan --policy` adds (src/scanner/judge/callers.ts), which runs only against a declared policy.
 */
export type CheckId = (typeof checks)[number]['id'] | DeclaredCallerId;

/** The ids of the checks the trust analysis decides (kind 'trust'). */
export type TrustCheckId = Extract<(typeof checks)[number], { readonly kind: 'trust' }>['id'];

/** The ids of every check, in the same order. */
export const checkIds: readonly CheckId[] = checks.map((c): CheckId => c.id);

/** Looks a check up by id (`--confirm` asks whether a finding's check is confirmable). */
export function checkById(id: string): Check | undefined {
  return checks.find((c): boolean => c.id === id);
}

export type { DescribedCheck } from './finding.js';
