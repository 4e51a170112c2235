/**
 * Risks a valid policy can take on purpose, in the one vocabulary the validator and the scanner share: each risk
 * is named by the id of the scanner check that finds it on a live server, with the same title, and one advice
 * text. `validatePolicy` warns with these ids and words; `corsight scan --policy` reports the same trust, when
 * the server applies it as declared, at info with `"declared": true` and the same advice. So `check-policy` and
 * `scan --policy` judge one configuration alike: a declared choice, known and explained, that fails no build.
 *
 * Configurations the validator refuses outright (`null`, `*` with credentials, plain http with credentials,
 * `*.` under a public suffix) are errors, not declarable risks: a policy holding one is not valid, and
 * `scan --policy` refuses it as `check-policy` does.
 */
import { hostSuffixInfo, isLoopbackHost } from '../fetch/origin.js';
import type { OriginPattern } from './origin-pattern.js';

/** The risks a valid policy can declare: scanner check ids. */
export const POLICY_RISKS = {
  'any-subdomain-trusted': { title: 'Every sub-domain trusted' },
  'localhost-trusted': { title: 'Loopback origin trusted' },
  'insecure-origin-trusted': { title: 'Plain-http origin trusted by an https resource' },
  'third-party-origin-trusted': { title: 'Origin where anyone can publish script trusted' },
  'wildcard-origin': { title: 'Any origin may read without credentials (`*`)' },
} as const satisfies Record<string, { title: string }>;

/** A risk's id (the id of the scanner check that reports it). */
export type PolicyRiskId = keyof typeof POLICY_RISKS;

/** One declared risk: which, where, and the advice shared by the validator and the scanner. */
export interface DeclaredRisk {
  id: PolicyRiskId;
  /** The origins entry as written (`https://*.example.com`). */
  entry: string;
  /** The advice, naming the entry: the validator's warning message, and the scanner's note on a declared finding. */
  advice: string;
}

/** Code playgrounds whose result frames run anyone's script (the scanner probes the same ones). */
const playgroundHosts: readonly string[] = ['cdpn.io', 'fiddle.jshell.net'];

type ParsedOrigin = Extract<OriginPattern, { kind: 'origin' }>;

/** The advice text of risk `id` for the origins entry `entry`. */
export function riskAdvice(id: PolicyRiskId, entry: string, credentials: boolean): string {
  const withCredentials = credentials ? ' with credentials' : '';
  switch (id) {
    case 'any-subdomain-trusted':
      return `${POLICY_RISKS[id].title}: "${entry}" lets every matching sub-domain read responses${withCredentials}, including ones nobody configured: one XSS or one dangling DNS record (sub-domain takeover) on any of them reads them too. List the sub-domains that need access, or keep this as a known, accepted choice.`;
    case 'localhost-trusted':
      return `${POLICY_RISKS[id].title}: "${entry}" lets any local web server or local app on a visitor's machine read responses${withCredentials}. Keep development origins out of production configuration.`;
    case 'insecure-origin-trusted':
      return `${POLICY_RISKS[id].title}: "${entry}" is served over plain http, so anyone on the network path (open Wi-Fi, a hostile proxy) can run script as that origin and read responses${withCredentials}. Allow only https origins.`;
    case 'third-party-origin-trusted':
      return `${POLICY_RISKS[id].title}: "${entry}" is on a platform where anyone can publish script, so any user of it can read responses${withCredentials}. Trust only origins you control.`;
    case 'wildcard-origin':
      return `${POLICY_RISKS[id].title}: "${entry}" lets every page read responses without credentials. Right for public, anonymous data; wrong for anything that depends on who asks from where (intranet hosts, IP allowlists).`;
  }
}

/**
 * The risk an origins entry takes (at most one: the most specific), or undefined. `pattern` is the parsed
 * entry (`undefined` for `'*'`).
 */
export function originRisk(pattern: ParsedOrigin | undefined, credentials: boolean): DeclaredRisk | undefined {
  const risk = (id: PolicyRiskId, entry: string): DeclaredRisk => ({
    id,
    entry,
    advice: riskAdvice(id, entry, credentials),
  });
  if (pattern === undefined) return risk('wildcard-origin', '*');
  const { host, text, scheme } = pattern;
  if (isLoopbackHost(host)) return risk('localhost-trusted', text);
  const wildcard = pattern.subdomains || pattern.labelPrefix !== undefined;
  const info = hostSuffixInfo(host);
  // A wildcard directly under a public suffix (allowed only with dangerouslyAllowPublicSuffixWildcards), or a
  // playground: anyone can publish there.
  if ((wildcard && info.publicSuffix === host && info.listedSuffix) || playgroundHosts.includes(host)) {
    return risk('third-party-origin-trusted', text);
  }
  if (scheme === 'http') return risk('insecure-origin-trusted', text);
  if (wildcard) return risk('any-subdomain-trusted', text);
  return undefined;
}
