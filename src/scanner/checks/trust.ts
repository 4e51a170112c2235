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
 *
 * What the analysis knows it lacks: a probe that got no answer (reset, timeout, 429) proves nothing. Each class
 * keeps the probes that decide it; a class with no hit whose deciding probes are not all answered is
 * undecided (the check reports `inconclusive`), never "not trusted". A narrower class seen while the
 * arbitrary-origin probe went unanswered, and no answered probe was refused, says in its rule that a broader
 * rule (reflecting every origin) is possible.
 *
 * Look-alikes are derived from every name the owner trusts: the target's registrable domain and those of the
 * `--origin` hints, so a target given by IP address or `localhost` with `--origin https://app.example.com` is
 * probed with `example.com`'s look-alikes. With no domain at all, the name classes stay undecided.
 */
import type { HeaderList, ProbeContext, ProbeRequest } from '../types.js';
import type { TrustCheckId } from './index.js';
import {
  arbitraryOrigin,
  hostingOrigins,
  infixOrigin,
  localOrigins,
  localhostPrefixOrigin,
  lookAlikeSources,
  prefixOrigin,
  probeOriginProblem,
  specialCharOrigin,
  specialChars,
  subdomainOrigin,
  substringOrigins,
  suffixOrigin,
  targetNames,
  truncationOrigin,
  trustedLookingOrigins,
  unescapedDotOrigins,
  type LookAlikeSource,
  type ProbeKind,
  type TargetNames,
} from './origins.js';
import {
  answered,
  preflightHeaders,
  probeLabel,
  sendOn,
  sendPreflight,
  verdictOf,
  type Channel,
  type Verdict,
} from './probes.js';

/** The checks decided by the trust analysis (derived from the list of checks: those of kind 'trust'). */
export type { TrustCheckId } from './index.js';

/** The name classes: their probes are look-alikes of a trusted name, so they need a domain to work from. */
export const nameClasses: readonly TrustCheckId[] = [
  'prefix-match',
  'suffix-match',
  'substring-match',
  'unescaped-dot',
  'special-char-bypass',
  'insecure-origin-trusted',
  'any-subdomain-trusted',
];

/** Why the name classes could not be decided on a target with no domain and no `--origin`. */
export const noDomainReason = 'no domain to derive look-alike origins from: pass --origin https://your-app.example';

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
  /** Every answer, by probe origin (answered probes only). */
  readonly verdicts: ReadonlyMap<string, Verdict>;
  /** Probes that got no answer, by origin, with why. */
  readonly unanswered: ReadonlyMap<string, string>;
  /** Trusted-looking origins the server trusts. */
  readonly trusted: readonly string[];
  /** Classes that hold, after the subsumption rules. */
  readonly hits: ReadonlyMap<TrustCheckId, TrustHit>;
  /** Classes whose probe passed but that a broader class found on this channel covers. */
  readonly covered: ReadonlyMap<TrustCheckId, TrustCheckId>;
  /** The probe origins each class is decided by on this channel. */
  readonly deciding: ReadonlyMap<TrustCheckId, readonly string[]>;
}

/** The whole trust analysis of a target. */
export interface TrustAnalysis {
  readonly names: TargetNames;
  /** The registrable domains look-alikes were derived from (the target's and the `--origin` hints'). */
  readonly sources: readonly LookAlikeSource[];
  readonly simple: ChannelTrust;
  /** Present when preflights were answered differently and the plan was re-run through them. */
  readonly preflight?: ChannelTrust;
  /** Preflight answers to the reference origins (own, arbitrary, `null`, trusted sibling). */
  readonly preflightRefs: ReadonlyMap<string, Verdict>;
  /** Reference preflights that got no answer, with why: whether the preflight path differs is then unknown. */
  readonly preflightGaps: ReadonlyMap<string, string>;
}

const memo = new WeakMap<ProbeContext, Promise<TrustAnalysis>>();

/**
 * The trust analysis of `ctx`'s target, computed once per target: on a check's view it runs on the shared
 * context, so its probes are credited per class ({@link trustProbes}), not to the check that asked first.
 */
export function analyzeTrust(ctx: ProbeContext): Promise<TrustAnalysis> {
  const target = ctx.shared ?? ctx;
  let pending = memo.get(target);
  if (pending === undefined) {
    pending = runAnalysis(target);
    memo.set(target, pending);
  }
  return pending;
}

/**
 * The probes that decide class `id` in `analysis`: its deciding origins on the simple channel (sent with
 * `method`), the reference preflights from those origins, and its deciding origins on the preflight channel
 * when the plan was re-run there. Read from the analysis, which already keeps them; nothing is re-run.
 */
export function trustProbes(
  analysis: TrustAnalysis,
  id: TrustCheckId,
  method: string,
  preflight: HeaderList = preflightHeaders(),
): ProbeRequest[] {
  const probes: ProbeRequest[] = [];
  const simple = analysis.simple.deciding.get(id) ?? [];
  for (const origin of simple) probes.push({ method, origin });
  for (const origin of simple) {
    if (analysis.preflightRefs.has(origin) || analysis.preflightGaps.has(origin)) {
      probes.push({ method: 'OPTIONS', origin, headers: preflight });
    }
  }
  for (const origin of analysis.preflight?.deciding.get(id) ?? []) {
    probes.push({ method: 'OPTIONS', origin, headers: preflight });
  }
  return probes;
}

function hostOf(origin: string): string {
  return new URL(origin).hostname;
}

function schemeOf(origin: string): string {
  return new URL(origin).protocol.slice(0, -1);
}

/**
 * Markdown inline code; text holding a backtick gets a longer fence (https://spec.commonmark.org/0.31.2/#code-spans).
 */
export function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

async function runAnalysis(ctx: ProbeContext): Promise<TrustAnalysis> {
  const names = targetNames(ctx.url);
  const sources = lookAlikeSources(names, ctx.trustedOrigins);
  const simple = await analyzeChannel(ctx, names, sources, 'simple');
  const arbitrary = arbitraryOrigin(names.scheme);
  // `null` too: an opaque origin is what a sandboxed attacker page sends, and a rule for it is not a name rule
  // the other references would reveal.
  const refs = [names.ownOrigin, arbitrary, 'null'];
  const sibling = simple.trusted.find((o) => o !== names.ownOrigin);
  if (sibling !== undefined && !simple.trusted.includes(names.ownOrigin)) refs.push(sibling);
  const preflightRefs = new Map<string, Verdict>();
  const preflightGaps = new Map<string, string>();
  await Promise.all(
    refs.map(async (origin) => {
      const outcome = await sendPreflight(ctx, origin);
      const exchange = answered(outcome);
      if (exchange !== undefined) preflightRefs.set(origin, verdictOf(origin, 'preflight', exchange));
      else if (outcome.kind !== 'answered') preflightGaps.set(origin, outcome.reason);
    }),
  );
  const differs = refs.some((origin) => {
    const pre = preflightRefs.get(origin);
    const sim = simple.verdicts.get(origin);
    if (!pre?.allowed) return false;
    return sim === undefined || !sim.allowed || (pre.credentials && !sim.credentials);
  });
  if (!differs) return { names, sources, simple, preflightRefs, preflightGaps };
  const preflight = await analyzeChannel(ctx, names, sources, 'preflight');
  return { names, sources, simple, preflight, preflightRefs, preflightGaps };
}

type Planned = readonly [string, ProbeKind, readonly TrustCheckId[]];

async function analyzeChannel(
  ctx: ProbeContext,
  names: TargetNames,
  sources: readonly LookAlikeSource[],
  channel: Channel,
): Promise<ChannelTrust> {
  const verdicts = new Map<string, Verdict>();
  const unanswered = new Map<string, string>();
  const kinds = new Map<string, ProbeKind>();
  const deciding = new Map<TrustCheckId, string[]>();
  const decides = (origin: string, checks: readonly TrustCheckId[]): void => {
    for (const check of checks) {
      const list = deciding.get(check) ?? [];
      if (!list.includes(origin)) list.push(origin);
      deciding.set(check, list);
    }
  };
  // Not an async function: most planned probes are settled at once (already sent, or not the attacker's to send),
  // and those need no promise of their own.
  const probe = ([origin, kind, checks]: Planned): Promise<void> | undefined => {
    if (!kinds.has(origin)) {
      // A look-alike of a hint can fall inside the target's own site; such a name is not the attacker's.
      if (probeOriginProblem(origin, kind, names) !== null) return undefined;
      kinds.set(origin, kind);
    }
    decides(origin, checks);
    if (verdicts.has(origin) || unanswered.has(origin)) return undefined;
    return sendOn(ctx, channel, origin).then((outcome) => {
      if (outcome.kind === 'answered') verdicts.set(origin, verdictOf(origin, channel, outcome.exchange));
      else unanswered.set(origin, outcome.reason);
    });
  };
  /** Plans a round: its probes go out together, and it settles when every answer is in. */
  const probeAll = (round: readonly Planned[]): Promise<unknown> => {
    const sent: Promise<void>[] = [];
    for (const planned of round) {
      const pending = probe(planned);
      if (pending !== undefined) sent.push(pending);
    }
    return Promise.all(sent);
  };
  const ok = (origin: string): boolean => verdicts.get(origin)?.allowed === true;
  const { scheme, host } = names;
  const looking = trustedLookingOrigins(names, ctx.trustedOrigins);
  const arbitrary = arbitraryOrigin(scheme);
  // Classes whose probes are built on the trusted names (own origin, hints, siblings): an unanswered control
  // probe leaves them undecided, since the names they should have been built on are unknown.
  const builtOnNames: readonly TrustCheckId[] = [
    'prefix-match',
    'special-char-bypass',
    'unescaped-dot',
    'insecure-origin-trusted',
    'substring-match',
  ];

  // Round one.
  const perSource = sources.map((source) => ({
    source,
    suffix: suffixOrigin(source.domain, source.scheme),
    subdomain: subdomainOrigin(source.domain, source.scheme),
    substrings: substringOrigins(source.domain, source.scheme),
    infix: infixOrigin(source.domain, source.scheme),
  }));
  const locals = localOrigins.filter((o) => o !== names.ownOrigin);
  const httpTwin = (h: string): string | undefined => (scheme === 'https' ? `http://${h}` : undefined);
  const ownTwin = httpTwin(host);
  const round1: Planned[] = [
    [looking.own, 'control', builtOnNames],
    ...looking.hints.map((o): Planned => [o, 'control', builtOnNames]),
    [arbitrary, 'attacker', ['origin-reflected']],
    ['null', 'opaque', ['null-origin-trusted']],
    ...perSource.flatMap((p): Planned[] => [
      [p.suffix, 'attacker', ['suffix-match', 'substring-match']],
      [p.subdomain, 'subdomain', ['any-subdomain-trusted']],
      ...p.substrings.map((o): Planned => [o, 'attacker', ['substring-match']]),
    ]),
    ...hostingOrigins.map((o): Planned => [o, 'hosting', ['third-party-origin-trusted']]),
    ...locals.map((o): Planned => [o, 'local', ['localhost-trusted']]),
    [localhostPrefixOrigin, 'attacker', ['localhost-trusted']],
    ...(ownTwin !== undefined ? [[ownTwin, 'insecure', ['insecure-origin-trusted']] as Planned] : []),
    // An IPv6 literal cannot be a label of a longer host name.
    ...(host.startsWith('[')
      ? []
      : ([
          [prefixOrigin(host, scheme), 'attacker', ['prefix-match', 'substring-match']],
          [specialCharOrigin(host, '_', scheme), 'attacker', ['special-char-bypass']],
        ] as Planned[])),
  ];
  await probeAll(round1);

  // Round two: siblings, only when nothing we know of is trusted yet.
  const trusted: string[] = [looking.own, ...looking.hints].filter(ok);
  if (trusted.length === 0) {
    await probeAll(looking.siblings.map((o): Planned => [o, 'control', builtOnNames]));
    trusted.push(...looking.siblings.filter(ok));
  }
  // Trusted names to build bypasses on (host names), each with the scheme it was trusted over. With nothing
  // trusted, the target's own host and the hints stand in.
  const bases: string[] = [];
  const baseScheme = new Map<string, string>();
  for (const origin of trusted.length > 0 ? trusted : [names.ownOrigin, ...looking.hints]) {
    const h = hostOf(origin);
    if (!bases.includes(h) && !h.startsWith('[')) {
      bases.push(h);
      baseScheme.set(h, schemeOf(origin));
    }
    if (bases.length === 2) break;
  }
  const sch = (b: string): string => baseScheme.get(b) ?? scheme;

  // Round three: bypasses built on each trusted name.
  // Each unescaped-dot probe, with the trusted name it was made from.
  const dotProbes = new Map<string, string>();
  for (const b of new Set([...(host.startsWith('[') ? [] : [host]), ...bases])) {
    for (const o of unescapedDotOrigins(b, sch(b))) if (!dotProbes.has(o)) dotProbes.set(o, b);
  }
  // Truncations of each trusted origin (`https://app.example.co` for `https://app.example.com`): what a
  // containment test written backwards (`'https://app.example.com ...'.includes(origin)`) accepts.
  const truncations = new Map<string, { from: string; registrable: boolean }>();
  for (const origin of trusted.slice(0, 3)) {
    const t = truncationOrigin(hostOf(origin), schemeOf(origin));
    if (t !== undefined && !truncations.has(t.origin)) {
      truncations.set(t.origin, { from: origin, registrable: t.registrable });
    }
  }
  const round3: Planned[] = [
    ...[...dotProbes.keys()].map((o): Planned => [o, 'attacker', ['unescaped-dot']]),
    ...[...truncations.keys()].map((o): Planned => [o, 'attacker', ['substring-match']]),
  ];
  for (const b of bases) {
    round3.push(
      [prefixOrigin(b, sch(b)), 'attacker', ['prefix-match', 'substring-match']],
      [specialCharOrigin(b, '_', sch(b)), 'attacker', ['special-char-bypass']],
    );
    const twin = httpTwin(b);
    if (twin !== undefined) round3.push([twin, 'insecure', ['insecure-origin-trusted']]);
  }
  await probeAll(round3);
  const round4: Planned[] = [];
  for (const b of bases) {
    if (!ok(specialCharOrigin(b, '_', sch(b)))) {
      for (const c of specialChars.slice(1)) {
        round4.push([specialCharOrigin(b, c.char, sch(b)), 'attacker', ['special-char-bypass']]);
      }
    }
  }
  const prefixHits = bases.map((b) => prefixOrigin(b, sch(b))).filter(ok);
  const prefixHitIn = (domain: string): boolean =>
    bases.some((b) => ok(prefixOrigin(b, sch(b))) && (b === domain || b.endsWith(`.${domain}`)));
  for (const p of perSource) {
    if (prefixHitIn(p.source.domain) && ok(p.suffix)) round4.push([p.infix, 'attacker', ['substring-match']]);
  }
  await probeAll(round4);

  // Classification.
  const hits = new Map<TrustCheckId, TrustHit>();
  const add = (check: TrustCheckId, origin: string, kind: ProbeKind, rule: string, note?: string): void => {
    const verdict = verdicts.get(origin);
    if (verdict === undefined || hits.has(check)) return;
    hits.set(check, note === undefined ? { check, verdict, kind, rule } : { check, verdict, kind, rule, note });
  };
  const credNote = (origin: string): string => (verdicts.get(origin)?.credentials === true ? ', with credentials' : '');
  const finish = (): ChannelTrust => {
    const covered = new Map<TrustCheckId, TrustCheckId>();
    const broader: TrustCheckId[] = ['origin-reflected', 'substring-match', 'suffix-match', 'prefix-match'];
    for (const [check, origins] of deciding) {
      if (hits.has(check) || check === 'null-origin-trusted') continue;
      // A server that accepts any origin accepts every look-alike too, answered or not.
      if (hits.has('origin-reflected')) {
        covered.set(check, 'origin-reflected');
        continue;
      }
      if (!origins.some((o) => ok(o) && kinds.get(o) !== 'control')) continue;
      const by = broader.find((b) => b !== check && hits.has(b));
      if (by !== undefined) covered.set(check, by);
    }
    return { channel, kinds, verdicts, unanswered, trusted, hits, covered, deciding };
  };

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
  if (reflected) return finish();

  // What the answers cannot rule out: with the arbitrary-origin probe (or the probes of another broader class)
  // unanswered, a narrower class is all the answers prove. Unless an answered attacker-side probe was refused
  // (which a server accepting everything would not do), the rule says a broader one is possible.
  const refusedSomewhere = [...verdicts.values()].some(
    (v) => !v.allowed && kinds.get(v.origin) !== 'control' && kinds.get(v.origin) !== 'opaque',
  );
  const unknownOf = (broader: TrustCheckId): string | undefined => {
    if (broader === 'origin-reflected' && refusedSomewhere) return undefined;
    const missing = (deciding.get(broader) ?? []).find((o) => unanswered.has(o));
    if (missing === undefined) return undefined;
    return `; whether a broader rule holds (${broader}) is unknown: ${probeLabel(channel, missing)} got no answer (${unanswered.get(missing)})`;
  };
  const unknownFor = (check: TrustCheckId): string => {
    const broader: TrustCheckId[] = ['origin-reflected', 'substring-match', 'suffix-match', 'prefix-match'];
    for (const b of broader) {
      if (b === check || hits.has(b)) continue;
      const note = unknownOf(b);
      if (note !== undefined) return note;
    }
    return '';
  };

  const httpTwins = bases.map(httpTwin).filter((o): o is string => o !== undefined);
  const httpOk = httpTwins.filter(ok);
  const overHttp = httpOk.length > 0 ? ', over http or https' : '';
  // Per source domain: whether the suffix probe passed, and whether prefix + suffix + infix prove `includes()`.
  const suffixOkFor = perSource.filter((p) => ok(p.suffix));
  const forwardFor = suffixOkFor.filter((p) => prefixHitIn(p.source.domain) && ok(p.infix));
  const forward = forwardFor.length > 0;
  const suffixOk = suffixOkFor.length > 0;
  const inSuffixDomain = (h: string): boolean => suffixOkFor.some((p) => h.endsWith(p.source.domain));

  for (const p of forwardFor) {
    add(
      'substring-match',
      p.infix,
      'attacker',
      `accepts any origin containing ${code(p.source.domain)}${overHttp}${unknownFor('substring-match')}`,
    );
  }
  // Containment written backwards: a registrable truncation first, then a registrable substring of a
  // domain, then a truncation nobody can register today (a witness of the rule; graded low).
  for (const [origin, t] of truncations) {
    if (!t.registrable || !ok(origin)) continue;
    add(
      'substring-match',
      origin,
      'attacker',
      `accepts ${code(origin)}, a truncation of the trusted ${code(t.from)}: it tests whether the origin occurs inside a trusted string (e.g. ${code(`'${t.from} ...'.includes(origin)`)})${unknownFor('substring-match')}`,
    );
  }
  for (const p of perSource) {
    const origin = p.substrings.find(ok);
    if (origin === undefined) continue;
    add(
      'substring-match',
      origin,
      'attacker',
      `accepts an origin whose host is a substring of ${code(p.source.domain)} (e.g. ${code(hostOf(origin))})${unknownFor('substring-match')}`,
    );
  }
  for (const [origin, t] of truncations) {
    if (t.registrable || !ok(origin)) continue;
    add(
      'substring-match',
      origin,
      'attacker',
      `accepts ${code(origin)}, a truncation of the trusted ${code(t.from)}: it tests whether the origin occurs inside a trusted string (e.g. ${code(`'${t.from} ...'.includes(origin)`)})${unknownFor('substring-match')}`,
    );
  }
  if (!forward) {
    const base = bases.find((b) => ok(prefixOrigin(b, sch(b))));
    if (base !== undefined) {
      const p = prefixOrigin(base, sch(base));
      add(
        'prefix-match',
        p,
        'attacker',
        `accepts any origin starting with ${code(`${sch(base)}://${base}`)}${unknownFor('prefix-match')}`,
      );
    }
    const s = suffixOkFor[0];
    if (s !== undefined) {
      add(
        'suffix-match',
        s.suffix,
        'attacker',
        `accepts any origin whose host ends in ${code(s.source.domain)}${overHttp}${unknownFor('suffix-match')}`,
      );
    }
  }
  for (const [origin, source] of dotProbes) {
    if (!ok(origin) || forward) continue;
    const h = hostOf(origin);
    if (inSuffixDomain(h)) continue;
    add(
      'unescaped-dot',
      origin,
      'attacker',
      `matches ${code(source)} with an unescaped ${code('.')} in a regular expression, so any character stands for a dot (e.g. ${code(h)})${unknownFor('unescaped-dot')}`,
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
        `accepts ${code(`${sch(b)}://${b}`)} followed by ${code(c.char)}, a character its parser treats as the end of the host${unknownFor('special-char-bypass')}`,
        `Browsers that keep ${code(c.char)} in a host and so can send this origin: ${c.browsers.join(', ')}.`,
      );
      break;
    }
  }
  for (const origin of httpOk) {
    if (forward || suffixOk) continue;
    add(
      'insecure-origin-trusted',
      origin,
      'insecure',
      `trusts ${code(origin)}, an origin served over plain http${unknownFor('insecure-origin-trusted')}`,
    );
  }
  for (const p of perSource) {
    if (!ok(p.subdomain) || forward || suffixOk) continue;
    add(
      'any-subdomain-trusted',
      p.subdomain,
      'subdomain',
      `accepts any sub-domain of ${code(p.source.domain)} (e.g. ${code(hostOf(p.subdomain))})${unknownFor('any-subdomain-trusted')}`,
    );
  }
  for (const origin of hostingOrigins) {
    if (!ok(origin)) continue;
    const h = hostOf(origin);
    const rule = h.endsWith('.github.io')
      ? `accepts origins under ${code('github.io')}, where anyone can publish pages`
      : `trusts ${code(origin)}, a code playground that runs anyone's script`;
    add('third-party-origin-trusted', origin, 'hosting', `${rule}${unknownFor('third-party-origin-trusted')}`);
  }
  if (ok(localhostPrefixOrigin)) {
    add(
      'localhost-trusted',
      localhostPrefixOrigin,
      'attacker',
      `accepts any origin starting with ${code('http://localhost')}, which ${code(localhostPrefixOrigin)} also does${unknownFor('localhost-trusted')}`,
    );
  } else {
    const local = locals.filter(ok);
    const [first] = local;
    if (first !== undefined) {
      add(
        'localhost-trusted',
        first,
        'local',
        `trusts the loopback origin${local.length > 1 ? 's' : ''} ${local.map(code).join(' and ')}${unknownFor('localhost-trusted')}`,
      );
    }
  }
  return finish();
}
