/**
 * Chromium's `--host-resolver-rules`: how the browser reaches the stand-in for a page's origin, and the
 * addresses `--resolve` gives. Chromium applies the first MAP rule whose pattern matches the host, or else the
 * `host:port` pair (net/base/host_mapping_rules.cc, `HostMappingRules::RewriteHost`); an EXCLUDE rule keeps a
 * host away from every MAP rule. A replacement without a port keeps the request's port.
 */
import { isIP } from 'node:net';

/**
 * One `--resolve` rule as the network layer parses it (curl's forms `host:address`, `host:port:address`,
 * `*.host:address`): `host` is lower-case, or `*.`-prefixed for every subdomain; no port means every port.
 */
export interface ResolveRule {
  host: string;
  port?: number | undefined;
  address: string;
}

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
 * Where a rule ranks when several match one host: an exact host before a `*.` pattern, on the exact host a
 * port-specific rule before an any-port one, and a longer `*.` suffix before a shorter one. This is the order
 * corsight's own HTTP client picks a rule in, so Chromium, applying the first match, picks the same one.
 */
function precedence(rule: ResolveRule): number {
  if (!rule.host.startsWith('*.')) return rule.port === undefined ? 1 : 0;
  return 2 + 1 / rule.host.length;
}

/** The MAP rules of `--resolve` rules, ordered so Chromium's first match is the rule corsight's client uses. */
export function resolveMappings(rules: readonly ResolveRule[]): string[] {
  return [...rules]
    .sort((a, b) => precedence(a) - precedence(b))
    .map((rule) => mapRule(hostPattern(rule.host, rule.port), rule.address));
}

/**
 * The `--host-resolver-rules` switch of a rule list, or undefined for none. A comma separates rules, so a host
 * with a comma or whitespace in it cannot be named: that is an error, never a silently different rule.
 */
export function hostResolverRulesSwitch(rules: readonly string[]): string | undefined {
  if (rules.length === 0) return undefined;
  for (const rule of rules) {
    if (rule.includes(',') || !/^(MAP \S+ \S+|EXCLUDE \S+)$/.test(rule)) {
      throw new Error(`Chromium's host-resolver rules cannot express '${rule}' (a comma or whitespace in a host)`);
    }
  }
  return `--host-resolver-rules=${rules.join(', ')}`;
}

/** Whether Chromium's host mapping can name `host` at all (no comma, no whitespace). */
export function mappableHost(host: string): boolean {
  return !/[\s,]/.test(host);
}
