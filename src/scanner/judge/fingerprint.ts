/**
 * Finding fingerprints: a stable identity of "this check found this rule on this target", so a baseline made
 * yesterday (or on another machine, in another order) recognises today's finding. Only what identifies the risk
 * goes in: the target, the check and the rule the server applies. Nothing that varies from run to run does: no
 * time, no order, no probe outcome, no attacker origin chosen among equivalent ones, no severity (a finding whose
 * grade changes is the same finding).
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../types.js';

/** The fingerprint scheme; a baseline written under another one is refused rather than silently mismatched. */
export const fingerprintScheme = 'corsight-finding/v1';

/** A fingerprint as written in reports and ignore files: 32 lower-case hex digits. */
export const fingerprintPattern = /^[0-9a-f]{32}$/;

/**
 * The rule without the sentence on what the answers could not rule out ("; whether a broader rule holds
 * (origin-reflected) is unknown: ... got no answer (timeout after 10000 ms)"): that part depends on which probe
 * happened to time out, not on the server's rule.
 */
export function stableRule(rule: string): string {
  const cut = rule.indexOf('; whether a broader rule holds');
  return cut === -1 ? rule : rule.slice(0, cut);
}

/**
 * The fingerprint of a finding of `check` with `rule` on the target `url` (its identity as the report titles it:
 * the URL, preceded by the method for a target with its own request).
 */
export function fingerprintOf(url: string, check: string, rule: string): string {
  return createHash('sha256')
    .update(`${fingerprintScheme}\n${url}\n${check}\n${stableRule(rule)}`)
    .digest('hex')
    .slice(0, 32);
}

/** The fingerprint of `finding` on the target `url`. */
export function findingFingerprint(url: string, finding: Pick<Finding, 'check' | 'rule'>): string {
  return fingerprintOf(url, finding.check, finding.rule);
}

/**
 * What identifies a target across runs: its URL, preceded by its method when the target came with its own request
 * (`GET /a` and `DELETE /a` of an OpenAPI document are two targets), as the reports title it.
 */
export function targetIdentity(target: { url: string; method?: string | undefined }): string {
  return target.method === undefined ? target.url : `${target.method} ${target.url}`;
}
