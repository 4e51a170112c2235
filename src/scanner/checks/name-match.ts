/**
 * Broken name matching: the allowlist test is a string or regex operation that attacker-registrable
 * names also pass (prefix, suffix, substring, unescaped dot, special characters).
 */
import { ATTACKER_DOMAIN } from './origins.js';
import { trustCheck } from './finding.js';

/** `startsWith('https://target.tld')` or an unanchored regex end. */
export const prefixMatch = trustCheck({
  id: 'prefix-match',
  title: 'Trusted name matched as a prefix',
  definition:
    'The server accepts any origin that starts with a trusted origin, as `origin.startsWith("https://target.tld")` or a regex without an end anchor does, so `https://target.tld.attacker.tld` (a sub-domain of a domain the attacker registers) passes.',
  probes: `\`https://<trusted host>.${ATTACKER_DOMAIN}\` for the target's host and up to two trusted names.`,
  remediation: 'Compare whole serialized origins for equality (or anchor the regex at both ends and escape its dots).',
});

/** `endsWith('target.tld')` without the leading dot. */
export const suffixMatch = trustCheck({
  id: 'suffix-match',
  title: 'Trusted name matched as a suffix',
  definition:
    'The server accepts any origin whose host ends with the trusted domain without requiring a dot before it, as `hostname.endsWith("target.tld")` or `/target\\.tld$/` does, so the registrable name `attackertarget.tld` passes.',
  probes: '`https://attacker<registrable domain>` (e.g. `https://attackertarget.tld`).',
  remediation:
    'Match exact origins; if sub-domains must be allowed, require the dot (`.target.tld`) and list them deliberately.',
});

/** `includes('target.tld')`, or a containment test written backwards. */
export const substringMatch = trustCheck({
  id: 'substring-match',
  title: 'Trusted name matched as a substring',
  definition:
    'The server accepts an origin because a trusted name occurs anywhere in it (`origin.includes("target.tld")`, which `https://attackertarget.tld.attacker.tld` passes), or because the origin\'s host occurs in a trusted string (`"target.tld".includes(host)`, which the registrable `arget.tld` passes).',
  probes: `\`https://attacker<domain>.${ATTACKER_DOMAIN}\` (only when the prefix and suffix probes both passed) and registrable substrings of the domain such as \`https://arget.tld\`.`,
  remediation: 'Replace containment tests with equality against an allowlist of serialized origins.',
});

/** A regex with `.` unescaped. */
export const unescapedDot = trustCheck({
  id: 'unescaped-dot',
  title: 'Unescaped dot in an origin regex',
  definition:
    'The server matches trusted names with a regular expression whose dots are not escaped, so `www.target.tld` also matches `wwwxtarget.tld`, a name anyone can register. Only dots whose replacement yields a registrable name are probed (the one before the registrable domain, and those inside a multi-label public suffix such as `co.uk`).',
  probes:
    "`https://<label>x<domain>` built from the target's host and the trusted names (e.g. `https://wwwxtarget.tld`).",
  remediation: 'Escape dots in origin regexes (`www\\.target\\.tld`) and anchor them, or use exact string comparison.',
});

/** `target.tld_` / `` target.tld` `` ending the host in a sloppy parser. */
export const specialCharBypass = trustCheck({
  id: 'special-char-bypass',
  title: 'Host ended by a special character',
  definition:
    'The server extracts or bounds the host with a parser that stops at characters browsers keep in a host name, so `https://target.tld_.attacker.tld` (sent by Chromium, Firefox and Safari) or `` https://target.tld`.attacker.tld `` (reported for Safari in 2018, and kept in hosts by Chromium 156 as the URL Standard allows) passes as `target.tld`. The finding names the browsers that can send the origin.',
  probes: `\`https://<trusted host>_.${ATTACKER_DOMAIN}\`, then \`https://<trusted host>\\\`.${ATTACKER_DOMAIN}\` only if \`_\` was refused.`,
  remediation:
    'Parse the Origin with a WHATWG URL parser and compare the whole serialized origin, not a regex-extracted host.',
});
