/**
 * The scanner's checks: one misconfiguration class each, with its id, definition, the probes it sends
 * and its logic. The runtime (`src/scanner/`) runs every one of them on every target; probes are shared
 * through the `ProbeContext`, and the trust checks share one analysis (see `trust.ts`).
 */
import type { Check, CheckId } from '../types.js';
import type { DescribedCheck } from './finding.js';
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
export const checks: readonly DescribedCheck[] = [
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
];

/** The ids of every check, in the same order. */
export const checkIds: readonly CheckId[] = checks.map((c) => c.id);

/** Looks a check up by id (`--confirm` asks whether a finding's check is confirmable). */
export function checkById(id: string): Check | undefined {
  return checks.find((c) => c.id === id);
}

export type { DescribedCheck } from './finding.js';
