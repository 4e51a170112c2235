/**
 * Trust analysis: which origins the server lets read its responses, and the rule that explains it.
 *
 * One analysis per target (memoized on the `ProbeContext`) feeds the eleven trust checks, so their
 * probes are planned together and sent once:
 *
 * 1. Round one (in parallel): the target's own origin and `--origin` hints, the arbitrary origin
 *    `https://corsight-attacker.com`, `null`, the suffix / substring / sub-domain / hosting / loopback
 *    probes, the plain-http twin of the target, and the prefix and `_` probes built on the target's host.
 * 2. Only when neither the own origin nor a hint is trusted: the siblings (`D`, `www.D`, `app.D`), to find
 *    a trusted name to build bypasses around (an allowlist of front ends typically does not hold the API's
 *    own origin).
 * 3. Probes built on each trusted name (at most two): prefix, `_`, then `` ` `` only when `_` failed,
 *    unescaped-dot variants, the http twin; and the infix probe only when both prefix and suffix passed
 *    (to tell one `includes()` from a `startsWith()` plus an `endsWith()`).
 *
 * Preflights: the own origin, the arbitrary origin, `null` (and the trusted sibling, if that is what
 * the server trusts) are also sent as preflights. Only if a preflight trusts one of them where the
 * simple probe did not (or adds credentials) is the whole plan re-run through preflights: servers that
 * answer CORS only on `OPTIONS` get the full treatment, and the usual server, whose two paths agree,
 * costs three or four extra requests.
 *
 * How findings relate (no misleading duplicates): a class is reported when its probe passed and no
 * broader rule that also accepts that probe holds. `origin-reflected` (anyone) covers every name-based
 * class but not `null-origin-trusted` (a different vector that survives a fix to an allowlist);
 * `substring-match` in its `includes()` form covers prefix, suffix, unescaped-dot, special-char,
 * any-subdomain and the http twin; `suffix-match` covers unescaped-dot probes ending in the domain,
 * any-subdomain and the http twin (its rule then says "over http or https"); `prefix-match` covers the
 * special-character probes built on the same name.
 */
import type { CheckId, Exchange, ProbeContext } from '../types.js';
import {
  arbitraryOrigin,
  hostingOrigins,
  infixOrigin,
  localOrigins,
  localhostPrefixOrigin,
  prefixOrigin,
  specialCharOrigin,
  specialChars,
  subdomainOrigin,
  substringOrigins,
  suffixOrigin,
  targetNames,
  trustedLookingOrigins,
  unescapedDotOrigins,
  type ProbeKind,
  type TargetNames,
} from './origins.js';
import { sendOn, sendPreflight, verdictOf, type Channel, type Verdict } from './probes.js';

/** The checks decided by the trust analysis. */
export type TrustCheckId = Extract<
  CheckId,
  | 'origin-reflected'
  | 'null-origin-trusted'
  | 'prefix-match'
  | 'suffix-match'
  | 'substring-match'
  | 'unescaped-dot'
  | 'special-char-bypass'
  | 'insecure-origin-trusted'
  | 'any-subdomain-trusted'
  | 'third-party-origin-trusted'
  | 'localhost-trusted'
>;

/** A class that holds on one channel: the origin that proves it and the rule inferred. */
export interface TrustHit {
  readonly check: TrustCheckId;
  readonly verdict: Verdict;
  readonly kind: ProbeKind;
  readonly rule: string;
  /** Extra sentence for the finding's detail (e.g. which browsers accept the host). */
  readonly note?: string;
}

/** The analysis of one channel. */
export interface ChannelTrust {
  readonly channel: Channel;
  /** Every origin probed on this channel, with why an attacker can (or cannot simply) send it. */
  readonly kinds: ReadonlyMap<string, ProbeKind>;
  /** Every answer, by probe origin. */
  readonly verdicts: ReadonlyMap<string, Verdict>;
  /** Trusted-looking origins the server trusts. */
  readonly trusted: readonly string[];
  /** Classes that hold, after the subsumption rules. */
  readonly hits: ReadonlyMap<TrustCheckId, TrustHit>;
}

/** The whole trust analysis of a target. */
export interface TrustAnalysis {
  readonly names: TargetNames;
  readonly simple: ChannelTrust;
  /** Present when preflights were answered differently and the plan was re-run through them. */
  readonly preflight?: ChannelTrust;
  /** Preflight answers to the reference origins (own, arbitrary, `null`, trusted sibling). */
  readonly preflightRefs: ReadonlyMap<string, Verdict>;
}

const memo = new WeakMap<ProbeContext, Promise<TrustAnalysis>>();

/** The trust analysis of `ctx`'s target, computed once per context. */
export function analyzeTrust(ctx: ProbeContext): Promise<TrustAnalysis> {
  let pending = memo.get(ctx);
  if (pending === undefined) {
    pending = runAnalysis(ctx);
    memo.set(ctx, pending);
  }
  return pending;
}

function hostOf(origin: string): string {
  return new URL(origin).hostname;
}

/**
 * Markdown inline code; text holding a backtick gets a longer fence (https://spec.commonmark.org/0.31.2/#code-spans).
 */
function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

async function runAnalysis(ctx: ProbeContext): Promise<TrustAnalysis> {
  const names = targetNames(ctx.url);
  const simple = await analyzeChannel(ctx, names, 'simple');
  const arbitrary = arbitraryOrigin(names.scheme);
  // `null` too: an opaque origin is what a sandboxed attacker page sends, and a rule for it is not a name rule
  // the other references would reveal.
  const refs = [names.ownOrigin, arbitrary, 'null'];
  const sibling = simple.trusted.find((o) => o !== names.ownOrigin);
  if (sibling !== undefined && !simple.trusted.includes(names.ownOrigin)) refs.push(sibling);
  const preflightRefs = new Map<string, Verdict>();
  await Promise.all(
    refs.map(async (origin) => {
      const exchange = await sendPreflight(ctx, origin);
      if (exchange !== undefined) preflightRefs.set(origin, verdictOf(origin, 'preflight', exchange));
    }),
  );
  const differs = refs.some((origin) => {
    const pre = preflightRefs.get(origin);
    const sim = simple.verdicts.get(origin);
    if (!pre?.allowed) return false;
    return sim === undefined || !sim.allowed || (pre.credentials && !sim.credentials);
  });
  if (!differs) return { names, simple, preflightRefs };
  const preflight = await analyzeChannel(ctx, names, 'preflight');
  return { names, simple, preflight, preflightRefs };
}

async function analyzeChannel(ctx: ProbeContext, names: TargetNames, channel: Channel): Promise<ChannelTrust> {
  const verdicts = new Map<string, Verdict>();
  const kinds = new Map<string, ProbeKind>();
  const probe = async ([origin, kind]: readonly [string, ProbeKind]): Promise<void> => {
    if (!kinds.has(origin)) kinds.set(origin, kind);
    if (verdicts.has(origin)) return;
    const exchange: Exchange | undefined = await sendOn(ctx, channel, origin);
    if (exchange !== undefined) verdicts.set(origin, verdictOf(origin, channel, exchange));
  };
  const ok = (origin: string): boolean => verdicts.get(origin)?.allowed === true;
  const { scheme, host, domain } = names;
  const looking = trustedLookingOrigins(names, ctx.trustedOrigins);
  const arbitrary = arbitraryOrigin(scheme);

  // Round one.
  const suffix = domain !== null ? suffixOrigin(domain, scheme) : undefined;
  const subdomain = domain !== null ? subdomainOrigin(domain, scheme) : undefined;
  const substrings = domain !== null ? substringOrigins(domain, scheme) : [];
  const locals = localOrigins.filter((o) => o !== names.ownOrigin);
  const httpTwin = (h: string): string | undefined => (scheme === 'https' ? `http://${h}` : undefined);
  type Planned = readonly [string, ProbeKind];
  const round1: Planned[] = [
    [looking.own, 'control'],
    ...looking.hints.map((o): Planned => [o, 'control']),
    [arbitrary, 'attacker'],
    ['null', 'opaque'],
    ...(suffix !== undefined ? [[suffix, 'attacker'] as Planned] : []),
    ...(subdomain !== undefined ? [[subdomain, 'subdomain'] as Planned] : []),
    ...substrings.map((o): Planned => [o, 'attacker']),
    ...hostingOrigins.map((o): Planned => [o, 'hosting']),
    ...locals.map((o): Planned => [o, 'local']),
    [localhostPrefixOrigin, 'attacker'],
    ...(httpTwin(host) !== undefined ? [[httpTwin(host)!, 'insecure'] as Planned] : []),
    // An IPv6 literal cannot be a label of a longer host name.
    ...(host.startsWith('[')
      ? []
      : ([
          [prefixOrigin(host, scheme), 'attacker'],
          [specialCharOrigin(host, '_', scheme), 'attacker'],
        ] as Planned[])),
  ];
  await Promise.all(round1.map(probe));

  // Round two: siblings, only when nothing we know of is trusted yet.
  const trusted: string[] = [looking.own, ...looking.hints].filter(ok);
  if (trusted.length === 0) {
    await Promise.all(looking.siblings.map((o) => probe([o, 'control'])));
    trusted.push(...looking.siblings.filter(ok));
  }
  // Trusted names to build bypasses on (host names), each with the scheme it was trusted over.
  const bases: string[] = [];
  const baseScheme = new Map<string, string>();
  for (const origin of trusted.length > 0 ? trusted : [names.ownOrigin]) {
    const h = hostOf(origin);
    if (!bases.includes(h) && !h.startsWith('[')) {
      bases.push(h);
      baseScheme.set(h, new URL(origin).protocol.slice(0, -1));
    }
    if (bases.length === 2) break;
  }
  if (bases.length === 0 && !host.startsWith('[')) bases.push(host);
  const sch = (b: string): string => baseScheme.get(b) ?? scheme;

  // Round three: bypasses built on each trusted name.
  // Each unescaped-dot probe, with the trusted name it was made from.
  const dotProbes = new Map<string, string>();
  for (const b of new Set([...(host.startsWith('[') ? [] : [host]), ...bases])) {
    for (const o of unescapedDotOrigins(b, sch(b))) if (!dotProbes.has(o)) dotProbes.set(o, b);
  }
  const round3: Planned[] = [...dotProbes.keys()].map((o): Planned => [o, 'attacker']);
  for (const b of bases) {
    round3.push([prefixOrigin(b, sch(b)), 'attacker'], [specialCharOrigin(b, '_', sch(b)), 'attacker']);
    const twin = httpTwin(b);
    if (twin !== undefined) round3.push([twin, 'insecure']);
  }
  await Promise.all(round3.map(probe));
  const round4: Planned[] = [];
  for (const b of bases) {
    if (!ok(specialCharOrigin(b, '_', sch(b)))) {
      for (const c of specialChars.slice(1)) round4.push([specialCharOrigin(b, c.char, sch(b)), 'attacker']);
    }
  }
  const prefixHits = bases.map((b) => prefixOrigin(b, sch(b))).filter(ok);
  const infix = domain !== null ? infixOrigin(domain, scheme) : undefined;
  if (prefixHits.length > 0 && suffix !== undefined && ok(suffix) && infix !== undefined) {
    round4.push([infix, 'attacker']);
  }
  await Promise.all(round4.map(probe));

  // Classification.
  const hits = new Map<TrustCheckId, TrustHit>();
  const add = (check: TrustCheckId, origin: string, kind: ProbeKind, rule: string, note?: string): void => {
    const verdict = verdicts.get(origin);
    if (verdict === undefined || hits.has(check)) return;
    hits.set(check, note === undefined ? { check, verdict, kind, rule } : { check, verdict, kind, rule, note });
  };
  const credNote = (origin: string): string => (verdicts.get(origin)?.credentials === true ? ', with credentials' : '');

  const reflected = ok(arbitrary);
  const nullTrusted = ok('null');
  if (reflected) {
    add(
      'origin-reflected',
      arbitrary,
      'attacker',
      `reflects any Origin it receives${nullTrusted ? ' (including `null`)' : ''}${credNote(arbitrary)}`,
    );
  }
  if (nullTrusted) {
    add('null-origin-trusted', 'null', 'opaque', `trusts the opaque origin ${code('null')}${credNote('null')}`);
  }
  if (reflected) return { channel, kinds, verdicts, trusted, hits };

  const httpTwins = bases.map(httpTwin).filter((o): o is string => o !== undefined);
  const httpOk = httpTwins.filter(ok);
  const overHttp = httpOk.length > 0 ? ', over http or https' : '';
  const suffixOk = suffix !== undefined && ok(suffix);
  const forward = prefixHits.length > 0 && suffixOk && infix !== undefined && ok(infix);
  const reverse = substrings.filter(ok);

  if (forward && infix !== undefined && domain !== null) {
    add('substring-match', infix, 'attacker', `accepts any origin containing ${code(domain)}${overHttp}`);
  } else if (reverse.length > 0 && domain !== null) {
    const origin = reverse[0]!;
    add(
      'substring-match',
      origin,
      'attacker',
      `accepts an origin whose host is a substring of ${code(domain)} (e.g. ${code(hostOf(origin))})`,
    );
  }
  if (!forward) {
    const p = prefixHits[0];
    if (p !== undefined) {
      const base = bases.find((b) => prefixOrigin(b, sch(b)) === p)!;
      add('prefix-match', p, 'attacker', `accepts any origin starting with ${code(`${sch(base)}://${base}`)}`);
    }
    if (suffixOk && suffix !== undefined && domain !== null) {
      add('suffix-match', suffix, 'attacker', `accepts any origin whose host ends in ${code(domain)}${overHttp}`);
    }
  }
  for (const [origin, source] of dotProbes) {
    if (!ok(origin) || forward) continue;
    const h = hostOf(origin);
    if (suffixOk && domain !== null && h.endsWith(domain)) continue;
    add(
      'unescaped-dot',
      origin,
      'attacker',
      `matches ${code(source)} with an unescaped ${code('.')} in a regular expression, so any character stands for a dot (e.g. ${code(h)})`,
    );
  }
  for (const b of bases) {
    if (forward || prefixHits.includes(prefixOrigin(b, sch(b)))) continue;
    for (const c of specialChars) {
      const origin = specialCharOrigin(b, c.char, sch(b));
      if (!ok(origin)) continue;
      add(
        'special-char-bypass',
        origin,
        'attacker',
        `accepts ${code(`${sch(b)}://${b}`)} followed by ${code(c.char)}, a character its parser treats as the end of the host`,
        `Browsers that keep ${code(c.char)} in a host and so can send this origin: ${c.browsers.join(', ')}.`,
      );
      break;
    }
  }
  for (const origin of httpOk) {
    if (forward || suffixOk) continue;
    add('insecure-origin-trusted', origin, 'insecure', `trusts ${code(origin)}, an origin served over plain http`);
  }
  if (subdomain !== undefined && ok(subdomain) && !forward && !suffixOk && domain !== null) {
    add(
      'any-subdomain-trusted',
      subdomain,
      'subdomain',
      `accepts any sub-domain of ${code(domain)} (e.g. ${code(hostOf(subdomain))})`,
    );
  }
  for (const origin of hostingOrigins) {
    if (!ok(origin)) continue;
    const h = hostOf(origin);
    const rule = h.endsWith('.github.io')
      ? `accepts origins under ${code('github.io')}, where anyone can publish pages`
      : `trusts ${code(origin)}, a code playground that runs anyone's script`;
    add('third-party-origin-trusted', origin, 'hosting', rule);
  }
  if (ok(localhostPrefixOrigin)) {
    add(
      'localhost-trusted',
      localhostPrefixOrigin,
      'attacker',
      `accepts any origin starting with ${code('http://localhost')}, which ${code(localhostPrefixOrigin)} also does`,
    );
  } else {
    const local = locals.filter(ok);
    if (local.length > 0) {
      add(
        'localhost-trusted',
        local[0]!,
        'local',
        `trusts the loopback origin${local.length > 1 ? 's' : ''} ${local.map(code).join(' and ')}`,
      );
    }
  }
  return { channel, kinds, verdicts, trusted, hits };
}
