import { ProbeError } from './errors.js';
import type { Transport } from './transport.js';
import type { Exchange, HeaderList, ProbeContext, ProbeRequest } from './types.js';

/** What a probe context needs: the target, the transport, and the request headers every probe carries. */
export interface ProbeContextOptions {
  url: URL;
  transport: Transport;
  /** Serialized origins the owner trusts (`--origin`). */
  trustedOrigins?: readonly string[];
  /** Method of simple probes and the baseline; default GET. */
  method?: string;
  /** Headers sent with every probe (user headers, Cookie), before Origin and the probe's own. */
  headers?: HeaderList;
  /** The User-Agent sent unless `headers` has one. */
  userAgent?: string;
  /** Aborts every probe of this target (target deadline, run cancelled). */
  signal?: AbortSignal;
}

/** A `ProbeContext` plus what the runtime needs to know about it afterwards. */
export interface TargetProbeContext extends ProbeContext {
  /** Requests put on the wire for this target so far (retries included). */
  readonly requests: number;
  /** The failure that stopped all further probes to this target, if one did (see `send`). */
  readonly failure: ProbeError | undefined;
}

// Failures that say the host as a whole cannot be probed: once one happens, every further probe of the
// target fails at once with it instead of waiting out its own timeout. Per-response failures (a reset or an
// unparsable answer to one odd Origin, which a WAF may produce) fail only that probe.
const hostWide = new Set<ProbeError['code']>(['timeout', 'connection-refused', 'dns', 'tls', 'aborted']);

function headerKey(headers: HeaderList | undefined): string {
  if (headers === undefined || headers.length === 0) return '';
  return headers
    .map(([name, value]) => `${name.toLowerCase()}:${value}`)
    .sort()
    .join('\n');
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
  const cache = new Map<string, Promise<Exchange>>();
  let requests = 0;
  let failure: ProbeError | undefined;
  const lower = new Set(common.map(([name]) => name.toLowerCase()));
  const hasCredentials = lower.has('cookie') || lower.has('authorization');

  function requestHeaders(probe: ProbeRequest): HeaderList {
    const own = new Set((probe.headers ?? []).map(([name]) => name.toLowerCase()));
    const list: HeaderList = [];
    if (!lower.has('host')) list.push(['Host', url.host]);
    if (!lower.has('user-agent') && userAgent !== undefined) list.push(['User-Agent', userAgent]);
    if (!lower.has('accept') && !own.has('accept')) list.push(['Accept', '*/*']);
    for (const pair of common) if (!own.has(pair[0].toLowerCase())) list.push([pair[0], pair[1]]);
    if (probe.origin !== null) list.push(['Origin', probe.origin]);
    for (const [name, value] of probe.headers ?? []) {
      if (name.toLowerCase() === 'origin') continue;
      list.push([name, value]);
    }
    return list;
  }

  async function exchange(probe: ProbeRequest): Promise<Exchange> {
    if (failure !== undefined) throw failure;
    const headers = requestHeaders(probe);
    try {
      const { response, attempts } = await options.transport.send({
        url,
        method: probe.method,
        headers,
        signal: options.signal,
      });
      requests += attempts;
      return { request: { method: probe.method, url: url.href, headers }, response };
    } catch (error) {
      const probeError =
        error instanceof ProbeError ? error : new ProbeError('network', String(error), { cause: error });
      requests++;
      if (hostWide.has(probeError.code) && failure === undefined) failure = probeError;
      throw failure ?? probeError;
    }
  }

  const context: TargetProbeContext = {
    url,
    trustedOrigins: options.trustedOrigins ?? [],
    method,
    hasCredentials,
    get requests() {
      return requests;
    },
    get failure() {
      return failure;
    },
    baseline() {
      return context.send({ method, origin: null });
    },
    send(probe) {
      if (typeof probe.method !== 'string' || probe.method === '') {
        return Promise.reject(new TypeError('ProbeRequest.method must be a non-empty string'));
      }
      const key = `${probe.method}\n${probe.origin === null ? '\u0000none' : probe.origin}\n${headerKey(probe.headers)}`;
      let pending = cache.get(key);
      if (pending === undefined) {
        pending = exchange(probe);
        // The shared promise is awaited by whoever asked; mark it handled so a probe nobody else awaits
        // cannot surface as an unhandled rejection.
        pending.catch(() => undefined);
        cache.set(key, pending);
      }
      return pending;
    },
  };
  return context;
}
