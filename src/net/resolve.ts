/**
 * `--resolve` rules: which address a host name connects to, as curl's `--resolve` says it
 * (https://curl.se/docs/manpage.html#--resolve). Connections go to the address; the URL, the Host header and
 * TLS SNI keep the name. The same parsed rules drive the HTTP client (`findResolveRule`) and Chromium
 * (`resolveMappings` in src/chromium/host-resolver-rules.ts turns them into `--host-resolver-rules`, ranked as
 * `findResolveRule` ranks them), so `scan`, `explain` and `--confirm` reach the same server.
 */
import { isIP } from 'node:net';
import { NetOptionError } from './errors.js';

/** One parsed `--resolve` entry. */
export interface ResolveRule {
  /** Lower-case host name; `*.suffix` for every sub-domain of `suffix`; `*` for every host. */
  host: string;
  /** Port the rule is limited to, or undefined for every port. */
  port: number | undefined;
  /** The address connections go to (the first of `addresses`), IPv6 without brackets. */
  address: string;
  family: 4 | 6;
  /** Every address given (curl accepts `ADDR1,ADDR2`); connections use the first. */
  addresses: readonly string[];
}

const hostName = /^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

function stripBrackets(value: string): string {
  return value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
}

/**
 * Parses one `--resolve` value. Accepted forms (IPv6 addresses bracketed or not; bracket them when a port
 * is given, as `host:1:2::3` would otherwise read as an address):
 * - `HOST:ADDRESS` — every port of HOST (corsight's short form);
 * - `HOST:PORT:ADDRESS[,ADDRESS...]` — curl's form, that port only;
 * - `*.HOST:…` — every sub-domain of HOST (not HOST itself), with or without a port;
 * - `*:PORT:ADDRESS` — every host on that port (curl 7.75's wildcard);
 * - a leading `+` (curl's "time out this entry") is accepted and ignored: a scan is short.
 * Throws a `NetOptionError` naming what is wrong.
 */
export function parseResolveRule(entry: string): ResolveRule {
  const bad = (why: string) =>
    new NetOptionError(
      `bad --resolve '${entry}': ${why} (expected HOST:ADDRESS or HOST:PORT:ADDRESS, e.g. api.example.test:8443:127.0.0.1)`,
    );
  let text = entry.trim();
  if (text.startsWith('-')) throw bad('removing an entry (a leading -) means nothing here');
  if (text.startsWith('+')) text = text.slice(1);
  const colon = text.indexOf(':');
  if (colon <= 0) throw bad('no HOST: before the address');
  const host = text.slice(0, colon).toLowerCase().replace(/\.$/, '');
  let rest = text.slice(colon + 1);
  if (host !== '*' && !hostName.test(host)) throw bad(`'${host}' is not a host name`);
  let port: number | undefined;
  const [, portText, afterPort] = /^(\d{1,5}):(.+)$/.exec(rest) ?? [];
  if (portText !== undefined && afterPort !== undefined && isIP(stripBrackets(rest)) === 0) {
    port = Number(portText);
    if (port < 1 || port > 65535) throw bad(`port ${portText} is out of range`);
    rest = afterPort;
  } else if (/^\d{1,5}:$/.test(rest)) {
    throw bad('no address after the port');
  }
  if (host === '*' && port === undefined) throw bad('a * rule needs a port (*:PORT:ADDRESS)');
  if (rest === '') throw bad('no address');
  const addresses = rest.split(',').map((part) => {
    const address = stripBrackets(part.trim());
    if (isIP(address) === 0) throw bad(`'${part}' is not an IPv4 or IPv6 address`);
    return address;
  });
  const [address = ''] = addresses;
  return { host, port, address, family: isIP(address) as 4 | 6, addresses };
}

/** Parses every `--resolve` value (see {@link parseResolveRule}). */
export function parseResolveRules(entries: readonly string[]): ResolveRule[] {
  return entries.map(parseResolveRule);
}

/**
 * How specific a rule is: an exact host beats a wildcard, a longer suffix a shorter one, a port any port.
 * src/chromium/host-resolver-rules.ts orders Chromium's rules by the same ranking; its test checks that
 * Chromium's first match and `findResolveRule` pick the same rule for every form.
 */
function specificity(rule: ResolveRule): number {
  const hostRank = rule.host === '*' ? 0 : rule.host.startsWith('*.') ? 1 + rule.host.length : 1_000;
  return hostRank * 2 + (rule.port === undefined ? 0 : 1);
}

function matches(rule: ResolveRule, host: string, port: number): boolean {
  if (rule.port !== undefined && rule.port !== port) return false;
  if (rule.host === '*') return true;
  if (rule.host.startsWith('*.')) {
    const suffix = rule.host.slice(1);
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return rule.host === host;
}

/**
 * Finds the rule for a host and port: the most specific match (exact host, then the longest `*.suffix`, then
 * `*`; a rule naming the port before one for every port); among equals, the first given.
 */
export function findResolveRule(
  rules: readonly ResolveRule[],
  hostname: string,
  port: number,
): ResolveRule | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  let best: ResolveRule | undefined;
  for (const rule of rules) {
    if (!matches(rule, host, port)) continue;
    if (best === undefined || specificity(rule) > specificity(best)) best = rule;
  }
  return best;
}
