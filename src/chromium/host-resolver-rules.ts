/**
 * Chromium's `--host-resolver-rules`: how the browser reaches the stand-in for a page's origin, and the
 * addresses `--resolve` gives. Chromium applies the first MAP rule whose pattern matches the host, or else the
 * `host:port` pair (net/base/host_mapping_rules.cc, `HostMappingRules::RewriteHost`); an EXCLUDE rule keeps a
 * host away from every MAP rule. A replacement without a port keeps the request's port.
 */
import { isIP } from 'node:net';
import type { ResolveRule as NetResolveRule } from '../net/index.js';

/** What Chromium needs of a `--resolve` rule parsed by src/net (`parseResolveRules`). */
export type ResolveRule = Pick<NetResolveRule, 'host' | 'address'> & { port?: number | undefined };

function bracketed(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/** A rule's host pattern: the host (an IPv6 literal bracketed when a port follows), with `:port` if given. */
export function hostPattern(host: string, port?: number): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return port === undefined ? bare : `${bracketed(bare)}:${port}`;
}

/** `MAP pattern replacement`: requests to the pattern go to `address` (and `port`, when given). */
export function mapRule(pattern: string, address: string, port?: number): string {
  return `MAP ${pattern} ${port === undefined ? bracketed(address) : `${bracketed(address)}:${port}`}`;
}

/** The last rule of a locked-down browser: every host no earlier rule mapped fails to resolve. */
export const unresolvableRest = 'MAP * ~NOTFOUND';

/** Keeps `host` (an IP literal) away from every MAP rule, {@link unresolvableRest} included. */
export function excludeRule(host: string): string {
  return `EXCLUDE ${host.replace(/^\[|\]$/g, '')}`;
}

/**
 * How specific a rule is, the order corsight's own HTTP client picks a rule in: an exact host beats a `*.`
 * pattern, a longer `*.` suffix a shorter one, both beat `*`; on equal hosts a rule naming the port beats one
 * for every port.
 */
function specificity(rule: ResolveRule): number {
  const hostRank = rule.host === '*' ? 0 : rule.host.startsWith('*.') ? 1 + rule.host.length : 1_000;
  return hostRank * 2 + (rule.port === undefined ? 0 : 1);
}

/**
 * The MAP rules of `--resolve` rules, the most specific first (among equals, the first given), so that
 * Chromium, applying the first rule that matches, picks the rule the HTTP client picks.
 */
export function resolveMappings(rules: readonly ResolveRule[]): string[] {
  return rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => specificity(b.rule) - specificity(a.rule) || a.index - b.index)
    .map(({ rule }) => mapRule(hostPattern(rule.host, rule.port), rule.address));
}

/**
 * The `--host-resolver-rules` switch of a rule list, or undefined for none. A comma separates rules, so a host
 * with a comma or whitespace in it cannot be named: that is an error, never a silently different rule.
 */
export function hostResolverRulesSwitch(rules: readonly string[]): string | undefined {
  const joined = rules.filter((rule) => rule !== '').join(', ');
  if (joined === '') return undefined;
  // Checked after joining, so a list already joined by the network layer is checked rule by rule too.
  for (const rule of joined.split(',')) {
    if (!/^(MAP \S+ \S+|EXCLUDE \S+)$/.test(rule.trim())) {
      throw new Error(
        `Chromium's host-resolver rules cannot express '${rule.trim()}' (a comma or whitespace in a host)`,
      );
    }
  }
  return `--host-resolver-rules=${joined}`;
}

/** Whether Chromium's host mapping can name `host` at all (no comma, no whitespace). */
export function mappableHost(host: string): boolean {
  return !/[\s,]/.test(host);
}
