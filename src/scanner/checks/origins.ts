/**
 * The origins the checks send: trusted-looking ones derived from the target (to learn what the server
 * trusts and to find the names its rule is built around) and attacker origins built from them.
 *
 * Every attacker origin is a value a real browser sends in `Origin`
 * (https://fetch.spec.whatwg.org/#byte-serializing-a-request-origin: scheme, host, port; no path, no userinfo,
 * lowercase) and that an attacker can really serve a page from: its host's registrable domain (Public Suffix List via
 * tldts, private section included, so `*.github.io` counts) is not the target's, or it is one of a few curated
 * user-content origins. Scheme-less, path-bearing, userinfo and `Null`-cased values, which older scanners send, are
 * never produced (see `probeOriginProblem`).
 */
import { LRUCache } from 'lru-cache';
import { hostSuffixInfo, parseOrigin } from '../../fetch/origin.js';

/** The registrable domain an attacker owns in every probe (any registrable name would do). */
export const ATTACKER_DOMAIN = 'corsight-attacker.com';
/** The label used where a probe needs a sub-domain nobody configured on purpose. */
export const PROBE_LABEL = 'corsight-probe';

/** Why an attacker can (or cannot simply) send a given origin; drives the severity modifiers. */
export type ProbeKind =
  /** A trusted-looking origin derived from the target; not an attack, used to learn the rule. */
  | 'control'
  /** A registrable origin anyone can buy and serve pages from. */
  | 'attacker'
  /** A user-content or code-playground origin where anyone can publish script (`*.github.io`, `cdpn.io`). */
  | 'hosting'
  /** The opaque origin `null`: any page can produce it with a sandboxed iframe. */
  | 'opaque'
  /** A plain-http twin of a trusted https origin: a network attacker (open Wi-Fi, MITM) can answer for it. */
  | 'insecure'
  /** A sub-domain of the target's site: needs XSS or a takeover on any sub-domain. */
  | 'subdomain'
  /** A loopback origin: needs code running on the victim's machine (a dev server, a local app with XSS). */
  | 'local';

/** What the checks know about the target's names. */
export interface TargetNames {
  readonly url: URL;
  /** `https` or `http`. */
  readonly scheme: string;
  /** Host name as in the URL (lowercase; IPv6 in brackets). */
  readonly host: string;
  /** The target's own serialized origin (port included when not the default). */
  readonly ownOrigin: string;
  /** Registrable domain (eTLD+1, private PSL section included), or null for IPs, `localhost`, single labels. */
  readonly domain: string | null;
  /** The public suffix of `host` (e.g. `co.uk`, `github.io`, or the last label of an unlisted TLD). */
  readonly suffix: string | null;
  readonly isIp: boolean;
}

const namesMemo = new WeakMap<URL, TargetNames>();

/** Analyses the target URL's names (once per URL object: every check of a target shares `ctx.url`). */
export function targetNames(url: URL): TargetNames {
  let names = namesMemo.get(url);
  if (names === undefined) {
    names = analyseNames(url);
    namesMemo.set(url, names);
  }
  return names;
}

function analyseNames(url: URL): TargetNames {
  const host = url.hostname.toLowerCase();
  const scheme = url.protocol.slice(0, -1);
  // The PSL's default rule `*` applies to unlisted TLDs (e.g. the reserved `.test`), so a lab host
  // `corsight-lab.test` gets domain `corsight-lab.test`; that is what a sibling there would share.
  const info = hostSuffixInfo(host);
  return {
    url,
    scheme,
    host,
    ownOrigin: url.origin,
    domain: info.registrableDomain,
    suffix: info.publicSuffix,
    isIp: info.isIp,
  };
}

/** A registrable domain look-alikes are derived from, and the scheme its origins were trusted over. */
export interface LookAlikeSource {
  readonly domain: string;
  readonly scheme: string;
  /** Where the domain came from: the target's URL or an `--origin` hint. */
  readonly from: 'target' | 'hint';
}

/**
 * The domains to derive look-alike origins from: the target's registrable domain (none for an IP address,
 * `localhost` or a single label) and that of every `--origin` hint, each once, the target's first. A target
 * given by IP address is thereby probed with its front end's look-alikes (`attackerexample.com`,
 * `xample.com`...) when the owner names that front end.
 */
export function lookAlikeSources(t: TargetNames, hints: readonly string[]): LookAlikeSource[] {
  const out: LookAlikeSource[] = [];
  if (t.domain !== null) out.push({ domain: t.domain, scheme: t.scheme, from: 'target' });
  for (const hint of hints) {
    const parsed = parseOrigin(hint);
    if (parsed?.type !== 'tuple') continue;
    if (parsed.scheme !== 'http' && parsed.scheme !== 'https') continue;
    const domain = registrableDomainOf(parsed.host);
    if (domain === null || out.some((s) => s.domain === domain)) continue;
    out.push({ domain, scheme: parsed.scheme, from: 'hint' });
  }
  return out;
}

/**
 * Reserved or private-use top-level names nobody can register under (RFC 6761, RFC 6762, RFC 8375, ICANN's
 * 2024 `.internal` reservation, and names long squatted on intranets that ICANN will not delegate).
 */
const unregistrableTlds = new Set([
  'internal',
  'local',
  'localhost',
  'invalid',
  'example',
  'lan',
  'corp',
  'home',
  'intranet',
  'private',
]);

/**
 * True when an attacker can register `host`'s registrable domain today: its suffix is on the Public Suffix
 * List (ICANN or private section). `.test` counts too: the lab lives under `corsight-lab.test` and its
 * look-alikes stand in for public names there. Names under reserved private-use TLDs (`.internal`, `.local`,
 * `.corp`...) and under TLDs that do not exist (`app.example.or`) do not: a rule accepting them is flawed,
 * but nobody can serve a page from such an origin until the name can be registered.
 */
export function attackerCanRegister(host: string): boolean {
  const domain = registrableDomainOf(host);
  if (domain === null) return false;
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if (unregistrableTlds.has(tld) || domain.endsWith('.home.arpa')) return false;
  if (tld === 'test') return true;
  return hostSuffixInfo(domain).listedSuffix;
}

/**
 * The truncation of a trusted host that a containment test written backwards accepts:
 * `'https://app.example.com https://admin.example.com'.includes(origin)` passes `https://app.example.co`.
 * Trailing characters are cut (up to three) while the rest is a host under another registrable domain; the
 * first one an attacker can register today wins, else the first that is a plausible name at all (it still
 * shows the flawed rule, graded low). Undefined for IP addresses and when nothing fits.
 */
export function truncationOrigin(host: string, scheme = 'https'): { origin: string; registrable: boolean } | undefined {
  if (hostSuffixInfo(host).isIp) return undefined;
  const own = registrableDomainOf(host);
  let witness: string | undefined;
  for (let cut = 1; cut <= 3 && cut < host.length; cut++) {
    const candidate = host.slice(0, host.length - cut);
    if (candidate.endsWith('.') || candidate.endsWith('-')) continue;
    const domain = registrableDomainOf(candidate);
    if (domain === null || domain === own) continue;
    if (attackerCanRegister(candidate)) return { origin: `${scheme}://${candidate}`, registrable: true };
    witness ??= candidate;
  }
  return witness === undefined ? undefined : { origin: `${scheme}://${witness}`, registrable: false };
}

/**
 * Trusted-looking origins: the target's own origin, its registrable domain and the common siblings
 * `www.`, `app.`, `api.` (on the default port: front ends live there), plus the owner's `--origin` hints.
 * De-duplicated, own origin first.
 */
export function trustedLookingOrigins(
  t: TargetNames,
  hints: readonly string[],
): { own: string; hints: string[]; siblings: string[] } {
  const seen = new Set<string>([t.ownOrigin]);
  const hintList: string[] = [];
  for (const hint of hints) {
    if (!seen.has(hint) && parseOrigin(hint) !== null) {
      seen.add(hint);
      hintList.push(hint);
    }
  }
  const siblings: string[] = [];
  if (t.domain !== null) {
    for (const host of [t.domain, `www.${t.domain}`, `app.${t.domain}`, `api.${t.domain}`]) {
      const origin = `${t.scheme}://${host}`;
      if (host === t.host || seen.has(origin)) continue;
      seen.add(origin);
      siblings.push(origin);
    }
  }
  // Three siblings at most: the registrable domain and two front-end names cover the usual allowlists.
  return { own: t.ownOrigin, hints: hintList, siblings: siblings.slice(0, 3) };
}

/**
 * `https://corsight-attacker.com`: the arbitrary origin whose acceptance means the server trusts anyone.
 * For an http target it is `http://corsight-attacker.com`: an https page may not fetch http resources
 * (Mixed Content), so only an http page could exploit an http target.
 */
export function arbitraryOrigin(scheme = 'https'): string {
  return `${scheme}://${ATTACKER_DOMAIN}`;
}

/** `https://<base>.corsight-attacker.com`: passes a "starts with `https://<base>`" test. */
export function prefixOrigin(baseHost: string, scheme = 'https'): string {
  return `${scheme}://${baseHost}.${ATTACKER_DOMAIN}`;
}

/** `https://attacker<domain>`: a new registrable name that passes an "ends with `<domain>`" test. */
export function suffixOrigin(domain: string, scheme = 'https'): string {
  return `${scheme}://attacker${domain}`;
}

/** `https://attacker<domain>.corsight-attacker.com`: contains `<domain>` but neither starts nor ends with it. */
export function infixOrigin(domain: string, scheme = 'https'): string {
  return `${scheme}://attacker${domain}.${ATTACKER_DOMAIN}`;
}

/** `https://<sub>.<domain>`: a sub-domain nobody configured, to detect "any sub-domain" rules. */
export function subdomainOrigin(domain: string, scheme = 'https'): string {
  return `${scheme}://${PROBE_LABEL}.${domain}`;
}

/**
 * Registrable hosts that are proper substrings of the registrable domain (`arget.tld` for `target.tld`,
 * `target.co` for `target.com`): they pass a containment test written backwards
 * (`'target.tld'.includes(host)`), as Chen et al. found for washingtonpost.com. At most two.
 */
export function substringOrigins(domain: string, scheme = 'https'): string[] {
  const out: string[] = [];
  // Drop leading characters of the first label (keep at least 3 so the name stays plausible).
  const firstDot = domain.indexOf('.');
  for (let cut = 1; cut <= firstDot - 3 && out.length < 1; cut++) {
    const candidate = domain.slice(cut);
    if (isRegistrableHost(candidate) && !candidate.startsWith('-')) out.push(`${scheme}://${candidate}`);
  }
  // Drop trailing characters of the suffix when what is left is itself a registrable name (`target.co`).
  for (let cut = 1; cut < 3 && out.length < 2; cut++) {
    const candidate = domain.slice(0, domain.length - cut);
    if (candidate.endsWith('.')) break;
    if (
      isRegistrableHost(candidate) &&
      hostSuffixInfo(candidate, { privateSuffixes: false }).icannSuffix &&
      candidate !== domain
    ) {
      out.push(`${scheme}://${candidate}`);
      break;
    }
  }
  return out;
}

/**
 * Unescaped-dot probes: for a trusted host `www.target.tld`, `https://wwwxtarget.tld` — what the regex
 * `www.target.tld` also matches, and a name an attacker can register. Only the dot right before the
 * registrable domain and the dots inside a multi-label public suffix (`target.co.uk` ->
 * `targetxco.uk`) yield registrable names; other dots would give sub-domains of the target.
 */
export function unescapedDotOrigins(host: string, scheme = 'https'): string[] {
  const info = hostSuffixInfo(host);
  if (info.isIp || info.registrableDomain === null || info.publicSuffix === null) return [];
  const out: string[] = [];
  const sub = info.subdomain ?? '';
  if (sub !== '') {
    const labels = sub.split('.');
    const last = labels.pop() ?? '';
    const registrable = `${last}x${info.registrableDomain}`;
    if (isRegistrableHost(registrable)) {
      out.push(`${scheme}://${labels.length > 0 ? `${labels.join('.')}.` : ''}${registrable}`);
    }
  }
  if (info.publicSuffix.includes('.')) {
    const candidate = `${info.domainWithoutSuffix ?? ''}x${info.publicSuffix}`;
    if (isRegistrableHost(candidate)) out.push(`${scheme}://${sub !== '' ? `${sub}.` : ''}${candidate}`);
  }
  return out;
}

/** A host-ending character and the browsers whose URL parser keeps it inside a host. */
export interface SpecialChar {
  readonly char: string;
  readonly browsers: readonly string[];
}

/**
 * Characters that end a host in a sloppy server-side parser but that browsers keep in the host, so
 * `https://target.tld_.corsight-attacker.com` is a real page origin. Both are allowed by the URL
 * Standard's host parser (neither is a forbidden host code point), so the origin serializes as sent.
 * `_` is kept by Chromium, Firefox and Safari. `` ` `` was reported as Safari-only (Corben Leo, "Advanced
 * CORS Exploitation Techniques", 2018; fetch-cors.md, "Safari (WebKit)"), but Chromium 156 keeps it too: `poc.test.ts`
 * loads a page at such an origin and reads the lab through it (with the name mapped to loopback, so
 * resolution through public DNS is not covered). It catches parsers for which `_` is a word character.
 */
export const specialChars: readonly SpecialChar[] = [
  { char: '_', browsers: ['Chromium', 'Firefox', 'Safari'] },
  { char: '`', browsers: ['Chromium (observed in 156)', 'Safari'] },
];

/** `https://<base><c>.corsight-attacker.com`. */
export function specialCharOrigin(baseHost: string, char: string, scheme = 'https'): string {
  return `${scheme}://${baseHost}${char}.${ATTACKER_DOMAIN}`;
}

/**
 * Origins anyone can run script on. `*.github.io` (any account), `cdpn.io` (where CodePen renders
 * every pen), `fiddle.jshell.net` (JSFiddle's result frame). An allowlist entry for one of these hands
 * the target to every user of that platform.
 */
export const hostingOrigins: readonly string[] = [
  `https://${PROBE_LABEL}.github.io`,
  'https://cdpn.io',
  'https://fiddle.jshell.net',
];

/** Loopback origins a developer leaves in an allowlist, and the prefix form a sloppy regex accepts. */
export const localOrigins: readonly string[] = ['http://localhost', 'http://localhost:3000'];
/** `http://localhost.corsight-attacker.com`: passes "starts with `http://localhost`" yet is the attacker's. */
export const localhostPrefixOrigin = `http://localhost.${ATTACKER_DOMAIN}`;

/**
 * The registrable domain of `host` (PSL, private section included), or null. Labels holding characters
 * outside `[a-z0-9_-]` (the special-character probes) must sit left of the registrable
 * domain: they are sub-domain labels under the attacker's wildcard DNS, and the rest is parsed alone.
 */
export function registrableDomainOf(host: string): string | null {
  // The same few names (the target's, its look-alikes') come back for every probe of every target on a host.
  const known = registrableCache.peek(host);
  if (known !== undefined) return known === '' ? null : known;
  const domain = lookUpRegistrableDomain(host);
  registrableCache.set(host, domain ?? '');
  return domain;
}

// Read with peek(): no reordering on a hit, oldest out first (see parsedOrigins in src/fetch/origin.ts).
const registrableCache = new LRUCache<string, string>({ max: 4096 });

function lookUpRegistrableDomain(host: string): string | null {
  const labels = host.toLowerCase().split('.');
  let odd = -1;
  labels.forEach((l, i) => {
    if (/[^a-z0-9_-]/.test(l)) odd = i;
  });
  const tail = labels.slice(odd + 1).join('.');
  if (tail === '') return null;
  const info = hostSuffixInfo(tail);
  const domain = info.registrableDomain;
  if (domain === null) return null;
  // An odd label must be a sub-domain label, not part of the registrable name itself.
  if (odd >= 0 && domain !== tail && !tail.endsWith(`.${domain}`)) return null;
  // The PSL's default rule makes the last label a suffix for unlisted TLDs; accept that only for
  // syntactically sane names (a label, a dot, a TLD of letters).
  if (!info.listedSuffix && !/^[a-z0-9-]+\.[a-z][a-z0-9-]+$/.test(domain)) return null;
  return domain;
}

/** True when `host` has a registrable domain per the PSL (ICANN or private section) and is not an IP. */
export function isRegistrableHost(host: string): boolean {
  return registrableDomainOf(host) !== null;
}

/**
 * Returns why `origin` is not an acceptable probe of `kind` against `target`, or null when it is.
 * Every probe must be exactly a serialized origin (it round-trips through the URL parser unchanged);
 * attacker and hosting probes must be registrable and outside the target's registrable domain.
 */
export function probeOriginProblem(origin: string, kind: ProbeKind, target: TargetNames): string | null {
  const parsed = parseOrigin(origin);
  if (parsed === null) return `${JSON.stringify(origin)} is not a serialized origin`;
  if (kind === 'opaque') return parsed.type === 'opaque' ? null : 'opaque probe must be `null`';
  if (parsed.type !== 'tuple') return 'only the opaque probe may be `null`';
  if (parsed.scheme !== 'http' && parsed.scheme !== 'https') return `scheme ${parsed.scheme} is not http(s)`;
  if (kind === 'attacker' || kind === 'hosting') {
    const domain = registrableDomainOf(parsed.host);
    if (domain === null) return `${parsed.host} is not under a registrable domain`;
    if (target.domain !== null && domain === target.domain) return `${parsed.host} belongs to the target's own site`;
  }
  return null;
}
