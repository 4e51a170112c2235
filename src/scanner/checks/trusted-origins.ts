/**
 * Risky trust: origins the server trusts on purpose that others can speak for (plain http twins,
 * every sub-domain, shared hosting and playgrounds, loopback).
 */
import { ATTACKER_DOMAIN, hostingOrigins, localOrigins, PROBE_LABEL } from './origins.js';
import { trustCheck } from './finding.js';
// The titles of the risks a policy can declare are the validator's words too (one vocabulary, src/policy/risks.ts).
import { POLICY_RISKS } from '../../policy/risks.js';

/** An https resource trusts an http origin. */
export const insecureOriginTrusted = trustCheck({
  id: 'insecure-origin-trusted',
  title: POLICY_RISKS['insecure-origin-trusted'].title,
  definition:
    'An https resource trusts the http version of a trusted origin (e.g. `http://target.tld`). A network attacker (open Wi-Fi, a hostile proxy) can inject script into any http page of that origin and read the https resource through it, which undoes TLS. HSTS on the target, once a browser has seen it, stops the http page from loading; the finding says whether the target sends it.',
  probes: '`http://<target host>` and `http://<trusted host>` (only for https targets).',
  remediation: 'Allow only https origins (and send Strict-Transport-Security with includeSubDomains).',
});

/** Any sub-domain is trusted. */
export const anySubdomainTrusted = trustCheck({
  id: 'any-subdomain-trusted',
  title: POLICY_RISKS['any-subdomain-trusted'].title,
  definition:
    'The server trusts any sub-domain of its registrable domain, including ones nobody configured. One XSS or one dangling DNS record (sub-domain takeover) anywhere on the domain then reads this resource; and same-site pages carry even SameSite=Lax/Strict cookies.',
  probes: `\`https://${PROBE_LABEL}.<registrable domain>\`.`,
  remediation: 'List the sub-domains that need access instead of a wildcard.',
});

/** Shared hosting or code playgrounds trusted. */
export const thirdPartyOriginTrusted = trustCheck({
  id: 'third-party-origin-trusted',
  title: POLICY_RISKS['third-party-origin-trusted'].title,
  definition:
    "The server trusts an origin on a platform where anyone can run script: a shared-hosting suffix such as `*.github.io` (any account) or a code playground's result origin (`cdpn.io` for CodePen, `fiddle.jshell.net` for JSFiddle). Any user of that platform can read the resource.",
  probes: hostingOrigins.map((o) => `\`${o}\``).join(', ') + '.',
  remediation: 'Trust only origins you control; for previews, use your own domain.',
});

/** Loopback origins trusted. */
export const localhostTrusted = trustCheck({
  id: 'localhost-trusted',
  title: POLICY_RISKS['localhost-trusted'].title,
  definition:
    'The server trusts a loopback origin (`http://localhost`, `http://localhost:3000`), usually a development leftover: any local web server or local app with an XSS on the victim\'s machine can read the resource. When the test is a prefix (`startsWith("http://localhost")`), the registrable `http://localhost.attacker.tld` passes too and anyone can.',
  probes: `${localOrigins.map((o) => `\`${o}\``).join(', ')} and \`http://localhost.${ATTACKER_DOMAIN}\`.`,
  remediation: 'Keep development origins out of production configuration; compare exact origins.',
});
