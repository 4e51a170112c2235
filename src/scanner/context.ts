import { ProbeError } from './errors.js';
import type { ProbeTransport } from './transport.js';
import type {
  AppPreflight,
  Exchange,
  HeaderList,
  ProbeContext,
  ProbeCounts,
  ProbeOutcome,
  ProbeRequest,
} from './types.js';

/** What a probe context needs: the target, the transport, and the request headers every probe carries. */
export interface ProbeContextOptions {
  url: URL;
  transport: ProbeTransport;
  /** Serialized origins the owner trusts (`--origin`). */
  trustedOrigins?: readonly string[];
  /** Method of simple probes and the baseline; default GET. */
  method?: string;
  /** Headers sent with every probe (user headers, Cookie), before Origin and the probe's own. */
  headers?: HeaderList;
  /** The User-Agent sent unless `headers` has one. */
  userAgent?: string;
  /** The preflight the application's own request needs (a per-target request that is not simple). */
  preflight?: AppPreflight;
  /** Aborts every probe of this target (target deadline, run cancelled). */
  signal?: AbortSignal;
}

/** A `ProbeContext` plus what the runtime needs to know about it afterwards. */
export interface TargetProbeContext extends ProbeContext {
  /** Requests put on the wire for this target so far (retries included). */
  readonly requests: number;
  /** The failure that stopped all further probes to this target, if one did (see `send`). */
  readonly failure: ProbeError | undefined;
  /** What became of the probes so far. */
  readonly counts: Readonly<ProbeCounts>;
  /** Probes handed to the transport and not settled yet. */
  readonly inFlight: number;
  /** Every probe asked for so far, with its outcome once settled (in the order they were asked for). */
  readonly asked: readonly AskedProbe[];
  /**
   * Asks for `probe`: its entry, whose exchange is under way or settled (the one entry of an identical probe
   * asked before). A probe without a method is never sent: its entry is in neither `asked` nor the cache, and its
   * `pending` rejects with a TypeError.
   */
  ask(probe: ProbeRequest): AskedProbe & { readonly pending: Promise<ProbeOutcome> };
  /** What `send` resolves to for an entry's outcome: its exchange, or the ProbeError it failed with. */
  exchangeOf(entry: { readonly pending: Promise<ProbeOutcome> }): Promise<Exchange>;
  /**
   * The entry of a probe a check relied on: the asked one, or, for a probe never asked for (so never sent), a
   * note the trace reports as having no outcome, which is not added to `asked`.
   */
  reliedOn(probe: ProbeRequest): AskedProbe;
}

/** A probe a check asked for, and what became of it (undefined while in flight). */
export interface AskedProbe {
  readonly probe: ProbeRequest;
  outcome: ProbeOutcome | undefined;
}

/**
 * A probe asked for: its exchange starts with the entry, and records the outcome on it as it settles (in the
 * exchange itself rather than in a `.then` of its own: one promise less for every probe).
 */
class Asked implements AskedProbe {
  outcome: ProbeOutcome | undefined = undefined;
  readonly pending: Promise<ProbeOutcome>;

  constructor(
    readonly probe: ProbeRequest,
    exchange: (entry: Asked) => Promise<ProbeOutcome>,
  ) {
    this.pending = exchange(this);
  }
}

/**
 * A 429, or a 503 that says when to come back (Retry-After): the server refused to be probed now, which says
 * nothing about its CORS rule. A bare 503 is an answer (some endpoints are simply down, and say so to every
 * Origin alike).
 */
export function isRateLimitAnswer(status: number, headers: HeaderList): boolean {
  if (status === 429) return true;
  return status === 503 && headers.some(([name]) => name.toLowerCase() === 'retry-after');
}

// Failures that say the host as a whole cannot be probed: once one happens, every further probe of the
// target fails at once with it instead of waiting out its own timeout. Per-response failures (a reset or an
// unparsable answer to one odd Origin, which a WAF may produce) fail only that probe.
const hostWide = new Set<ProbeError['code']>(['timeout', 'connection-refused', 'dns', 'tls', 'aborted']);

// The same few header lists (a preflight's) come back for most probes that have any: keyed once per list.
const headerKeys = new WeakMap<HeaderList, string>();

function headerKey(headers: HeaderList | undefined): string {
  if (headers === undefined || headers.length === 0) return '';
  let key = headerKeys.get(headers);
  if (key === undefined) {
    key = headers
      .map(([name, value]) => `${name.toLowerCase()}:${value}`)
      .sort()
      .join('\n');
    headerKeys.set(headers, key);
  }
  return key;
}

// The lower-case names of a probe's header list, once per list (the preflight probes share a few lists).
const headerNames = new WeakMap<HeaderList, ReadonlySet<string>>();

function lowerCaseNames(headers: HeaderList): ReadonlySet<string> {
  let names = headerNames.get(headers);
  if (names === undefined) {
    names = new Set(headers.map(([name]) => name.toLowerCase()));
    headerNames.set(headers, names);
  }
  return names;
}

/**
 * Whether two probes from the same Origin are the same probe: same method and headers (names case-insensitive, in
 * any order). Most probes share their header list (none, or the scanner's preflight), so the lists' identity
 * usually decides.
 */
function sameRequest(a: ProbeRequest, b: ProbeRequest): boolean {
  return a.method === b.method && (a.headers === b.headers || headerKey(a.headers) === headerKey(b.headers));
}

/**
 * Probes by Origin (`null` for none), each Origin's few probes (simple, preflight...) in a list. Keyed by the
 * Origin alone rather than a key string built per lookup: the origins come from the checks' own strings, whose hash
 * V8 keeps, where a fresh key string has to be flattened and hashed on every ask.
 */
class ProbeIndex<E extends AskedProbe> {
  private readonly byOrigin = new Map<string | null, E[]>();

  find(probe: ProbeRequest): E | undefined {
    const list = this.byOrigin.get(probe.origin);
    if (list === undefined) return undefined;
    for (const entry of list) if (sameRequest(entry.probe, probe)) return entry;
    return undefined;
  }

  add(entry: E): void {
    const list = this.byOrigin.get(entry.probe.origin);
    if (list === undefined) this.byOrigin.set(entry.probe.origin, [entry]);
    else list.push(entry);
  }
}

/**
 * Creates the `ProbeContext` checks run against for one target. Identical probes (same method, origin and
 * headers, header names compared case-insensitively and in any order) are sent once and shared across checks,
 * failures included; the baseline is the probe with no Origin and no extra headers.
 */
export function createProbeContext(options: ProbeContextOptions): TargetProbeContext {
  const url = options.url;
  const method = options.method ?? 'GET';
  const common = options.headers ?? [];
  const userAgent = options.userAgent;
  const asked: AskedProbe[] = [];
  // Each probe asked for, with its exchange under way or settled: the probe cache.
  const index = new ProbeIndex<Asked>();
  // Probes relied on but never asked for (rare): kept apart from `asked`, which says what went out.
  let noted: ProbeIndex<AskedProbe> | undefined;
  // The error behind each failed outcome, for `send`, which rejects with it.
  const errors = new WeakMap<ProbeOutcome, ProbeError>();
  const counts: ProbeCounts = { sent: 0, answered: 0, failed: 0, rateLimited: 0, retried: 0 };
  let requests = 0;
  let inFlight = 0;
  let failure: ProbeError | undefined;
  const lower = new Set(common.map(([name]) => name.toLowerCase()));
  const hasCredentials = lower.has('cookie') || lower.has('authorization');

  // What every probe starts with, unless the run's headers give their own: built once per target (the entries are
  // shared by the probes' lists, which nobody modifies).
  const defaults: HeaderList = [];
  if (!lower.has('host')) defaults.push(['Host', url.host]);
  if (!lower.has('user-agent') && userAgent !== undefined) defaults.push(['User-Agent', userAgent]);
  if (!lower.has('accept')) defaults.push(['Accept', '*/*']);

  // A probe without headers of its own (most of them) starts from this list, copied.
  const plain: HeaderList = [...defaults, ...common];

  function requestHeaders(probe: ProbeRequest): HeaderList {
    if (probe.headers === undefined || probe.headers.length === 0) {
      const list = plain.slice();
      if (probe.origin !== null) list.push(['Origin', probe.origin]);
      return list;
    }
    const own = lowerCaseNames(probe.headers);
    // A probe's own Accept replaces the default one.
    const list: HeaderList = own.has('accept') ? defaults.filter(([name]) => name !== 'Accept') : defaults.slice();
    for (const pair of common) if (!own.has(pair[0].toLowerCase())) list.push(pair);
    if (probe.origin !== null) list.push(['Origin', probe.origin]);
    for (const pair of probe.headers) if (pair[0].toLowerCase() !== 'origin') list.push(pair);
    return list;
  }

  async function exchange(entry: Asked): Promise<ProbeOutcome> {
    const { probe } = entry;
    if (failure !== undefined) return (entry.outcome = { kind: 'not-sent', reason: failure.message });
    const headers = requestHeaders(probe);
    counts.sent++;
    inFlight++;
    try {
      const result = await options.transport.send({
        url,
        method: probe.method,
        headers,
        signal: options.signal,
      });
      const { response, attempts } = result;
      requests += attempts;
      counts.retried += attempts - 1;
      // The net client says when a 429/503 was still limiting after its retries; a transport that does not
      // say is read by the status.
      const limited = (result as { outcome?: unknown }).outcome === 'rate-limited';
      if (limited || isRateLimitAnswer(response.status, response.headers)) {
        counts.rateLimited++;
        const retryAfter = response.headers.find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
        return (entry.outcome = {
          kind: 'rate-limited',
          status: response.status,
          attempts,
          reason: `rate limited: ${response.status}${retryAfter !== undefined ? ` with Retry-After: ${retryAfter}` : ''}${attempts > 1 ? ` after ${attempts} attempts` : ''}`,
          ...(retryAfter !== undefined ? { retryAfter } : {}),
        });
      }
      counts.answered++;
      return (entry.outcome = {
        kind: 'answered',
        attempts,
        exchange: { request: { method: probe.method, url: url.href, headers }, response },
      });
    } catch (error) {
      const probeError =
        error instanceof ProbeError ? error : new ProbeError('network', String(error), { cause: error });
      // The transport may say how many attempts it made before giving up; one at least went out.
      const reported = (error as { attempts?: unknown }).attempts;
      const attempts = typeof reported === 'number' && reported >= 1 ? reported : 1;
      requests += attempts;
      counts.retried += attempts - 1;
      counts.failed++;
      // The first host-wide failure wins (other probes may have failed the same way while this one was in flight).
      if (hostWide.has(probeError.code)) failure ??= probeError;
      const outcome: ProbeOutcome = { kind: 'failed', reason: (failure ?? probeError).message, attempts };
      errors.set(outcome, failure ?? probeError);
      return (entry.outcome = outcome);
    } finally {
      inFlight--;
    }
  }

  const context: TargetProbeContext = {
    url,
    trustedOrigins: options.trustedOrigins ?? [],
    method,
    hasCredentials,
    ...(options.preflight === undefined ? {} : { preflight: options.preflight }),
    get requests() {
      return requests;
    },
    get failure() {
      return failure;
    },
    get counts() {
      return counts;
    },
    get inFlight() {
      return inFlight;
    },
    asked,
    baseline() {
      return context.exchangeOf(context.ask({ method, origin: null }));
    },
    outcome(probe) {
      return context.ask(probe).pending;
    },
    ask(probe) {
      let entry = index.find(probe);
      if (entry === undefined) {
        if (typeof probe.method !== 'string' || probe.method === '') {
          const invalid = new TypeError('ProbeRequest.method must be a non-empty string');
          return { probe, outcome: undefined, pending: Promise.reject(invalid) };
        }
        entry = new Asked(probe, exchange);
        asked.push(entry);
        index.add(entry);
      }
      return entry;
    },
    send(probe) {
      return context.exchangeOf(context.ask(probe));
    },
    async exchangeOf(entry) {
      const outcome = await entry.pending;
      switch (outcome.kind) {
        case 'answered':
          return outcome.exchange;
        case 'failed':
          throw errors.get(outcome) ?? new ProbeError('network', outcome.reason);
        case 'rate-limited':
          // Not an answer to read a CORS rule from: for `send`, no usable response.
          throw new ProbeError('network', outcome.reason);
        default:
          throw failure ?? new ProbeError('aborted', outcome.reason);
      }
    },
    reliedOn(probe) {
      const known = index.find(probe) ?? noted?.find(probe);
      if (known !== undefined) return known;
      const entry: AskedProbe = { probe, outcome: undefined };
      noted ??= new ProbeIndex();
      noted.add(entry);
      return entry;
    },
  };
  return context;
}
