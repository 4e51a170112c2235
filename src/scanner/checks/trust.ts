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
import { parseOrigin } from '../../fetch/origin.js';
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

// A target's look-alike plan reads the host and scheme of the same few origins again and again: parseOrigin keeps
// what it parsed, so each is parsed once per scan rather than once per read.
function hostOf(origin: string): string {
  const parsed = parseOrigin(origin);
  return parsed?.type === 'tuple' ? parsed.host : new URL(origin).hostname;
}

function schemeOf(origin: string): string {
  const parsed = parseOrigin(origin);
  return parsed?.type === 'tuple' ? parsed.scheme : new URL(origin).protocol.slice(0, -1);
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

// Classes whose probes are built on the trusted names (own origin, hints, siblings): an unanswered control
// probe leaves them undecided, since the names they should have been built on are unknown.
const builtOnNames: readonly TrustCheckId[] = [
  'prefix-match',
  'special-char-bypass',
  'unescaped-dot',
  'insecure-origin-trusted',
  'substring-match',
];

/** The classes that cover narrower ones when they hold, broadest first. */
const broaderClasses: readonly TrustCheckId[] = ['origin-reflected', 'substring-match', 'suffix-match', 'prefix-match'];

// The classes each kind of probe decides. Shared lists (nobody modifies them): planned once per probe per target.
const decidesReflected: readonly TrustCheckId[] = ['origin-reflected'];
const decidesNull: readonly TrustCheckId[] = ['null-origin-trusted'];
const decidesSuffix: readonly TrustCheckId[] = ['suffix-match', 'substring-match'];
const decidesSubdomain: readonly TrustCheckId[] = ['any-subdomain-trusted'];
const decidesSubstring: readonly TrustCheckId[] = ['substring-match'];
const decidesHosting: readonly TrustCheckId[] = ['third-party-origin-trusted'];
const decidesLocalhost: readonly TrustCheckId[] = ['localhost-trusted'];
const decidesInsecure: readonly TrustCheckId[] = ['insecure-origin-trusted'];
const decidesPrefix: readonly TrustCheckId[] = ['prefix-match', 'substring-match'];
const decidesSpecialChar: readonly TrustCheckId[] = ['special-char-bypass'];
const decidesUnescapedDot: readonly TrustCheckId[] = ['unescaped-dot'];

/** The look-alikes of one registrable domain the owner trusts. */
interface SourceProbes {
  readonly source: LookAlikeSource;
  readonly suffix: string;
  readonly subdomain: string;
  readonly substrings: readonly string[];
  readonly infix: string;
}

function sourceProbes(source: LookAlikeSource): SourceProbes {
  return {
    source,
    suffix: suffixOrigin(source.domain, source.scheme),
    subdomain: subdomainOrigin(source.domain, source.scheme),
    substrings: substringOrigins(source.domain, source.scheme),
    infix: infixOrigin(source.domain, source.scheme),
  };
}

/** The plain-http twin of host `h` for an https target (undefined for an http one: it is its own twin). */
function httpTwin(names: TargetNames, h: string): string | undefined {
  return names.scheme === 'https' ? `http://${h}` : undefined;
}

/**
 * One channel's probes and their answers, filled round by round: what each origin is (its kind), the classes it
 * decides, and its verdict or why it has none. A class rather than closures over the analysis' locals: one per
 * channel per target, its methods shared, and the rounds, the plans and the classification each a function of
 * their own (one large function with a dozen closures was recompiled by TurboFan for hundreds of milliseconds each
 * time a new array shape reached it).
 */
class ChannelProbes {
  readonly verdicts = new Map<string, Verdict>();
  readonly unanswered = new Map<string, string>();
  readonly kinds = new Map<string, ProbeKind>();
  readonly deciding = new Map<TrustCheckId, string[]>();

  constructor(
    private readonly ctx: ProbeContext,
    private readonly names: TargetNames,
    readonly channel: Channel,
  ) {}

  /** Whether the server lets `origin` read: its probe was answered with that origin allowed. */
  ok(origin: string): boolean {
    return this.verdicts.get(origin)?.allowed === true;
  }

  /** Sends a round: its probes go out together, and it settles when every answer is in. */
  probeAll(round: readonly Planned[]): Promise<unknown> {
    const sent: Promise<void>[] = [];
    for (const planned of round) {
      const pending = this.probe(planned);
      if (pending !== undefined) sent.push(pending);
    }
    return Promise.all(sent);
  }

  // Not an async method: most planned probes are settled at once (already sent, or not the attacker's to send),
  // and those need no promise of their own.
  private probe([origin, kind, checks]: Planned): Promise<void> | undefined {
    if (!this.kinds.has(origin)) {
      // A look-alike of a hint can fall inside the target's own site; such a name is not the attacker's.
      if (probeOriginProblem(origin, kind, this.names) !== null) return undefined;
      this.kinds.set(origin, kind);
      this.decides(origin, checks);
      return this.send(origin);
    }
    this.decides(origin, checks);
    // Planned again (an earlier round, another class): already answered, or in flight (the context shares it).
    if (this.verdicts.has(origin) || this.unanswered.has(origin)) return undefined;
    return this.send(origin);
  }

  private send(origin: string): Promise<void> {
    return sendOn(this.ctx, this.channel, origin).then((outcome) => {
      if (outcome.kind === 'answered') this.verdicts.set(origin, verdictOf(origin, this.channel, outcome.exchange));
      else this.unanswered.set(origin, outcome.reason);
    });
  }

  private decides(origin: string, checks: readonly TrustCheckId[]): void {
    for (const check of checks) {
      const list = this.deciding.get(check);
      if (list === undefined) this.deciding.set(check, [origin]);
      else if (!list.includes(origin)) list.push(origin);
    }
  }
}

/** Round one: the references, the arbitrary origin, `null`, and every look-alike that needs no trusted name. */
function roundOne(
  names: TargetNames,
  looking: TrustedLooking,
  perSource: readonly SourceProbes[],
  locals: readonly string[],
): Planned[] {
  const { scheme, host } = names;
  const round: Planned[] = [[looking.own, 'control', builtOnNames]];
  for (const o of looking.hints) round.push([o, 'control', builtOnNames]);
  round.push([arbitraryOrigin(scheme), 'attacker', decidesReflected], ['null', 'opaque', decidesNull]);
  for (const p of perSource) {
    round.push([p.suffix, 'attacker', decidesSuffix], [p.subdomain, 'subdomain', decidesSubdomain]);
    for (const o of p.substrings) round.push([o, 'attacker', decidesSubstring]);
  }
  for (const o of hostingOrigins) round.push([o, 'hosting', decidesHosting]);
  for (const o of locals) round.push([o, 'local', decidesLocalhost]);
  round.push([localhostPrefixOrigin, 'attacker', decidesLocalhost]);
  const twin = httpTwin(names, host);
  if (twin !== undefined) round.push([twin, 'insecure', decidesInsecure]);
  // An IPv6 literal cannot be a label of a longer host name.
  if (!host.startsWith('[')) {
    round.push(
      [prefixOrigin(host, scheme), 'attacker', decidesPrefix],
      [specialCharOrigin(host, '_', scheme), 'attacker', decidesSpecialChar],
    );
  }
  return round;
}

/** What `trustedLookingOrigins` returns: the own origin, the hints, and the siblings to try when neither is trusted. */
type TrustedLooking = ReturnType<typeof trustedLookingOrigins>;

/** The trusted names bypasses are built on (rounds three and four), and the probes built on them. */
class Bypasses {
  /** Trusted host names (at most two); with nothing trusted, the target's own host and the hints stand in. */
  readonly bases: string[] = [];
  /** Each unescaped-dot probe, with the trusted name it was made from. */
  readonly dotProbes = new Map<string, string>();
  /**
   * Truncations of each trusted origin (`https://app.example.co` for `https://app.example.com`): what a
   * containment test written backwards (`'https://app.example.com ...'.includes(origin)`) accepts.
   */
  readonly truncations = new Map<string, { from: string; registrable: boolean }>();
  // The scheme each base was trusted over.
  private readonly schemes = new Map<string, string>();

  constructor(
    private readonly names: TargetNames,
    trusted: readonly string[],
    hints: readonly string[],
  ) {
    for (const origin of trusted.length > 0 ? trusted : [names.ownOrigin, ...hints]) {
      const h = hostOf(origin);
      if (!this.bases.includes(h) && !h.startsWith('[')) {
        this.bases.push(h);
        this.schemes.set(h, schemeOf(origin));
      }
      if (this.bases.length === 2) break;
    }
    // The target's own host first (an IPv6 literal cannot be a label of a longer host name), then the bases.
    for (const b of new Set(names.host.startsWith('[') ? this.bases : [names.host, ...this.bases])) {
      for (const o of unescapedDotOrigins(b, this.scheme(b))) if (!this.dotProbes.has(o)) this.dotProbes.set(o, b);
    }
    for (const origin of trusted.slice(0, 3)) {
      const t = truncationOrigin(hostOf(origin), schemeOf(origin));
      if (t !== undefined && !this.truncations.has(t.origin)) {
        this.truncations.set(t.origin, { from: origin, registrable: t.registrable });
      }
    }
  }

  /** The scheme base `b` was trusted over (the target's for a stand-in). */
  scheme(b: string): string {
    return this.schemes.get(b) ?? this.names.scheme;
  }

  /** `prefixOrigin` of base `b`. */
  prefix(b: string): string {
    return prefixOrigin(b, this.scheme(b));
  }

  /** Round three: the unescaped-dot and truncation probes, then prefix, `_` and the http twin of each base. */
  roundThree(): Planned[] {
    const round: Planned[] = [];
    for (const o of this.dotProbes.keys()) round.push([o, 'attacker', decidesUnescapedDot]);
    for (const o of this.truncations.keys()) round.push([o, 'attacker', decidesSubstring]);
    for (const b of this.bases) {
      round.push(
        [this.prefix(b), 'attacker', decidesPrefix],
        [specialCharOrigin(b, '_', this.scheme(b)), 'attacker', decidesSpecialChar],
      );
      const twin = httpTwin(this.names, b);
      if (twin !== undefined) round.push([twin, 'insecure', decidesInsecure]);
    }
    return round;
  }

  /** Whether a prefix probe passed on a base inside `domain`. */
  prefixHitIn(probes: ChannelProbes, domain: string): boolean {
    return this.bases.some((b) => probes.ok(this.prefix(b)) && (b === domain || b.endsWith(`.${domain}`)));
  }

  /**
   * Round four: the other special characters where `_` failed, and the infix probe where both the prefix and the
   * suffix probes passed (to tell one `includes()` from a `startsWith()` plus an `endsWith()`).
   */
  roundFour(probes: ChannelProbes, perSource: readonly SourceProbes[]): Planned[] {
    const round: Planned[] = [];
    for (const b of this.bases) {
      if (probes.ok(specialCharOrigin(b, '_', this.scheme(b)))) continue;
      for (const c of specialChars.slice(1)) {
        round.push([specialCharOrigin(b, c.char, this.scheme(b)), 'attacker', decidesSpecialChar]);
      }
    }
    for (const p of perSource) {
      if (this.prefixHitIn(probes, p.source.domain) && probes.ok(p.suffix)) {
        round.push([p.infix, 'attacker', decidesSubstring]);
      }
    }
    return round;
  }
}

async function analyzeChannel(
  ctx: ProbeContext,
  names: TargetNames,
  sources: readonly LookAlikeSource[],
  channel: Channel,
): Promise<ChannelTrust> {
  const probes = new ChannelProbes(ctx, names, channel);
  const looking = trustedLookingOrigins(names, ctx.trustedOrigins);
  const perSource = sources.map(sourceProbes);
  const locals = localOrigins.filter((o) => o !== names.ownOrigin);
  await probes.probeAll(roundOne(names, looking, perSource, locals));

  // Round two: siblings, only when nothing we know of is trusted yet.
  const trusted: string[] = [looking.own, ...looking.hints].filter((o) => probes.ok(o));
  if (trusted.length === 0) {
    await probes.probeAll(looking.siblings.map((o): Planned => [o, 'control', builtOnNames]));
    trusted.push(...looking.siblings.filter((o) => probes.ok(o)));
  }

  // Rounds three and four: bypasses built on each trusted name.
  const bypasses = new Bypasses(names, trusted, looking.hints);
  await probes.probeAll(bypasses.roundThree());
  await probes.probeAll(bypasses.roundFour(probes, perSource));

  return classifyChannel(probes, { names, perSource, locals, trusted, bypasses });
}

/** What the classification reads besides the answers: the plan the rounds followed. */
interface ChannelPlan {
  readonly names: TargetNames;
  readonly perSource: readonly SourceProbes[];
  readonly locals: readonly string[];
  readonly trusted: readonly string[];
  readonly bypasses: Bypasses;
}

/** The classes that hold on one channel as they are found, and what the answers cannot rule out. */
class ChannelHits {
  readonly hits = new Map<TrustCheckId, TrustHit>();
  private refused: boolean | undefined;

  constructor(private readonly probes: ChannelProbes) {}

  /** Records class `check` as proven by `origin` (the first proof of a class wins). */
  add(check: TrustCheckId, origin: string, kind: ProbeKind, rule: string, note?: string): void {
    const verdict = this.probes.verdicts.get(origin);
    if (verdict === undefined || this.hits.has(check)) return;
    this.hits.set(check, note === undefined ? { check, verdict, kind, rule } : { check, verdict, kind, rule, note });
  }

  /** `, with credentials` when the answer to `origin` allows credentialed reads too. */
  credentials(origin: string): string {
    return this.probes.verdicts.get(origin)?.credentials === true ? ', with credentials' : '';
  }

  /**
   * What the answers cannot rule out: with the arbitrary-origin probe (or the probes of another broader class)
   * unanswered, a narrower class is all the answers prove. Unless an answered attacker-side probe was refused
   * (which a server accepting everything would not do), the rule says a broader one is possible.
   */
  unknownFor(check: TrustCheckId): string {
    for (const b of broaderClasses) {
      if (b === check || this.hits.has(b)) continue;
      const note = this.unknownOf(b);
      if (note !== undefined) return note;
    }
    return '';
  }

  private unknownOf(broader: TrustCheckId): string | undefined {
    if (broader === 'origin-reflected' && this.refusedSomewhere()) return undefined;
    const { deciding, unanswered, channel } = this.probes;
    const missing = (deciding.get(broader) ?? []).find((o) => unanswered.has(o));
    if (missing === undefined) return undefined;
    return `; whether a broader rule holds (${broader}) is unknown: ${probeLabel(channel, missing)} got no answer (${unanswered.get(missing)})`;
  }

  private refusedSomewhere(): boolean {
    const { verdicts, kinds } = this.probes;
    this.refused ??= [...verdicts.values()].some(
      (v) => !v.allowed && kinds.get(v.origin) !== 'control' && kinds.get(v.origin) !== 'opaque',
    );
    return this.refused;
  }

  /** The channel's analysis: its hits, and the classes a broader hit covers. */
  result(trusted: readonly string[]): ChannelTrust {
    const { channel, kinds, verdicts, unanswered, deciding } = this.probes;
    const hits = this.hits;
    const covered = new Map<TrustCheckId, TrustCheckId>();
    for (const [check, origins] of deciding) {
      if (hits.has(check) || check === 'null-origin-trusted') continue;
      // A server that accepts any origin accepts every look-alike too, answered or not.
      if (hits.has('origin-reflected')) {
        covered.set(check, 'origin-reflected');
        continue;
      }
      if (!origins.some((o) => this.probes.ok(o) && kinds.get(o) !== 'control')) continue;
      const by = broaderClasses.find((b) => b !== check && hits.has(b));
      if (by !== undefined) covered.set(check, by);
    }
    return { channel, kinds, verdicts, unanswered, trusted, hits, covered, deciding };
  }
}

/** Classification of one channel's answers (see the module comment for how the classes relate). */
function classifyChannel(probes: ChannelProbes, plan: ChannelPlan): ChannelTrust {
  const found = new ChannelHits(probes);
  const arbitrary = arbitraryOrigin(plan.names.scheme);
  const reflected = probes.ok(arbitrary);
  const nullTrusted = probes.ok('null');
  if (reflected) {
    found.add(
      'origin-reflected',
      arbitrary,
      'attacker',
      `reflects any Origin it receives${nullTrusted ? ' (including `null`)' : ''}${found.credentials(arbitrary)}`,
    );
  }
  if (nullTrusted) {
    found.add(
      'null-origin-trusted',
      'null',
      'opaque',
      `trusts the opaque origin ${code('null')}${found.credentials('null')}`,
    );
  }
  if (!reflected) classifyNames(probes, plan, found);
  return found.result(plan.trusted);
}

/** What the name classes share: the answers, the plan, the hits so far, and what the suffix and prefix probes proved. */
interface NameEvidence {
  readonly probes: ChannelProbes;
  readonly plan: ChannelPlan;
  readonly found: ChannelHits;
  /** The http twins of the bases that the server trusts. */
  readonly httpOk: readonly string[];
  /** `, over http or https` when an http twin is trusted too. */
  readonly overHttp: string;
  /** The sources whose suffix probe passed. */
  readonly suffixOkFor: readonly SourceProbes[];
  /** Prefix, suffix and infix all passed on some source: one `includes()` explains every name class. */
  readonly forward: boolean;
}

/**
 * The name classes (and localhost, hosting), when the server does not simply reflect every origin. In this order:
 * a class's rule mentions the broader classes still unknown, so what was found before it matters.
 */
function classifyNames(probes: ChannelProbes, plan: ChannelPlan, found: ChannelHits): void {
  const httpOk = plan.bypasses.bases
    .map((b) => httpTwin(plan.names, b))
    .filter((o): o is string => o !== undefined && probes.ok(o));
  // Per source domain: whether the suffix probe passed, and whether prefix + suffix + infix prove `includes()`.
  const suffixOkFor = plan.perSource.filter((p) => probes.ok(p.suffix));
  const forwardFor = suffixOkFor.filter(
    (p) => plan.bypasses.prefixHitIn(probes, p.source.domain) && probes.ok(p.infix),
  );
  const evidence: NameEvidence = {
    probes,
    plan,
    found,
    httpOk,
    overHttp: httpOk.length > 0 ? ', over http or https' : '',
    suffixOkFor,
    forward: forwardFor.length > 0,
  };
  classifySubstring(evidence, forwardFor);
  if (!evidence.forward) classifyPrefixAndSuffix(evidence);
  classifyUnescapedDot(evidence);
  classifySpecialChar(evidence);
  classifyInsecure(evidence);
  classifySubdomain(evidence);
  classifyHosting(evidence);
  classifyLocalhost(evidence);
}

/** A containment test, in either direction: `includes()` proven, then truncations and substrings of a domain. */
function classifySubstring(e: NameEvidence, forwardFor: readonly SourceProbes[]): void {
  const { probes, found } = e;
  const { truncations } = e.plan.bypasses;
  for (const p of forwardFor) {
    found.add(
      'substring-match',
      p.infix,
      'attacker',
      `accepts any origin containing ${code(p.source.domain)}${e.overHttp}${found.unknownFor('substring-match')}`,
    );
  }
  // Containment written backwards: a registrable truncation first, then a registrable substring of a
  // domain, then a truncation nobody can register today (a witness of the rule; graded low).
  const truncated = (origin: string, from: string): string =>
    `accepts ${code(origin)}, a truncation of the trusted ${code(from)}: it tests whether the origin occurs inside a trusted string (e.g. ${code(`'${from} ...'.includes(origin)`)})${found.unknownFor('substring-match')}`;
  for (const [origin, t] of truncations) {
    if (t.registrable && probes.ok(origin)) found.add('substring-match', origin, 'attacker', truncated(origin, t.from));
  }
  for (const p of e.plan.perSource) {
    const origin = p.substrings.find((o) => probes.ok(o));
    if (origin === undefined) continue;
    found.add(
      'substring-match',
      origin,
      'attacker',
      `accepts an origin whose host is a substring of ${code(p.source.domain)} (e.g. ${code(hostOf(origin))})${found.unknownFor('substring-match')}`,
    );
  }
  for (const [origin, t] of truncations) {
    if (!t.registrable && probes.ok(origin)) {
      found.add('substring-match', origin, 'attacker', truncated(origin, t.from));
    }
  }
}

/** `startsWith()` on a trusted origin, and `endsWith()` on a trusted domain (when no `includes()` explains both). */
function classifyPrefixAndSuffix(e: NameEvidence): void {
  const { probes, found } = e;
  const { bypasses } = e.plan;
  const base = bypasses.bases.find((b) => probes.ok(bypasses.prefix(b)));
  if (base !== undefined) {
    found.add(
      'prefix-match',
      bypasses.prefix(base),
      'attacker',
      `accepts any origin starting with ${code(`${bypasses.scheme(base)}://${base}`)}${found.unknownFor('prefix-match')}`,
    );
  }
  const s = e.suffixOkFor[0];
  if (s !== undefined) {
    found.add(
      'suffix-match',
      s.suffix,
      'attacker',
      `accepts any origin whose host ends in ${code(s.source.domain)}${e.overHttp}${found.unknownFor('suffix-match')}`,
    );
  }
}

/** A regular expression with an unescaped `.` (unless a suffix rule already explains the probe's host). */
function classifyUnescapedDot(e: NameEvidence): void {
  const { probes, found } = e;
  if (e.forward) return;
  for (const [origin, source] of e.plan.bypasses.dotProbes) {
    if (!probes.ok(origin)) continue;
    const h = hostOf(origin);
    if (e.suffixOkFor.some((p) => h.endsWith(p.source.domain))) continue;
    found.add(
      'unescaped-dot',
      origin,
      'attacker',
      `matches ${code(source)} with an unescaped ${code('.')} in a regular expression, so any character stands for a dot (e.g. ${code(h)})${found.unknownFor('unescaped-dot')}`,
    );
  }
}

/** A trusted name followed by a character a parser takes for the end of the host (unless a prefix rule explains it). */
function classifySpecialChar(e: NameEvidence): void {
  const { probes, found } = e;
  const { bypasses } = e.plan;
  if (e.forward) return;
  for (const b of bypasses.bases) {
    // A passed prefix probe (decided in round three, never sent again) already explains the name plus anything.
    if (probes.ok(bypasses.prefix(b))) continue;
    const scheme = bypasses.scheme(b);
    for (const c of specialChars) {
      const origin = specialCharOrigin(b, c.char, scheme);
      if (!probes.ok(origin)) continue;
      found.add(
        'special-char-bypass',
        origin,
        'attacker',
        `accepts ${code(`${scheme}://${b}`)} followed by ${code(c.char)}, a character its parser treats as the end of the host${found.unknownFor('special-char-bypass')}`,
        `Browsers that keep ${code(c.char)} in a host and so can send this origin: ${c.browsers.join(', ')}.`,
      );
      break;
    }
  }
}

/** The http twin of a trusted name (unless a suffix or containment rule already accepts it). */
function classifyInsecure(e: NameEvidence): void {
  if (e.forward || e.suffixOkFor.length > 0) return;
  for (const origin of e.httpOk) {
    e.found.add(
      'insecure-origin-trusted',
      origin,
      'insecure',
      `trusts ${code(origin)}, an origin served over plain http${e.found.unknownFor('insecure-origin-trusted')}`,
    );
  }
}

/** Any sub-domain of a trusted domain (unless a suffix or containment rule already accepts it). */
function classifySubdomain(e: NameEvidence): void {
  if (e.forward || e.suffixOkFor.length > 0) return;
  for (const p of e.plan.perSource) {
    if (!e.probes.ok(p.subdomain)) continue;
    e.found.add(
      'any-subdomain-trusted',
      p.subdomain,
      'subdomain',
      `accepts any sub-domain of ${code(p.source.domain)} (e.g. ${code(hostOf(p.subdomain))})${e.found.unknownFor('any-subdomain-trusted')}`,
    );
  }
}

/** A hosting service or code playground where anyone runs script. */
function classifyHosting(e: NameEvidence): void {
  for (const origin of hostingOrigins) {
    if (!e.probes.ok(origin)) continue;
    const rule = hostOf(origin).endsWith('.github.io')
      ? `accepts origins under ${code('github.io')}, where anyone can publish pages`
      : `trusts ${code(origin)}, a code playground that runs anyone's script`;
    e.found.add(
      'third-party-origin-trusted',
      origin,
      'hosting',
      `${rule}${e.found.unknownFor('third-party-origin-trusted')}`,
    );
  }
}

/** Loopback origins, or any origin starting with `http://localhost`. */
function classifyLocalhost(e: NameEvidence): void {
  const { probes, found } = e;
  if (probes.ok(localhostPrefixOrigin)) {
    found.add(
      'localhost-trusted',
      localhostPrefixOrigin,
      'attacker',
      `accepts any origin starting with ${code('http://localhost')}, which ${code(localhostPrefixOrigin)} also does${found.unknownFor('localhost-trusted')}`,
    );
    return;
  }
  const local = e.plan.locals.filter((o) => probes.ok(o));
  const [first] = local;
  if (first !== undefined) {
    found.add(
      'localhost-trusted',
      first,
      'local',
      `trusts the loopback origin${local.length > 1 ? 's' : ''} ${local.map(code).join(' and ')}${found.unknownFor('localhost-trusted')}`,
    );
  }
}
