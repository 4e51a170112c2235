/**
 * The one HTTP client of corsight (undici): the scanner's probes, `explain`'s live requests and
 * `corsight/testing`'s network targets all go through it. It owns the keep-alive pools, `--resolve`, TLS
 * options, the proxy, per-request deadlines, the body cap, retries (connection failures, and 429/503 with
 * their `Retry-After`), per-host AIMD flow control and the global `--rate`.
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import { Agent, ProxyAgent, buildConnector, type Dispatcher } from 'undici';
import type { HeaderList } from '../fetch/headers.js';
import { onAbort, sleep } from './abort.js';
import { deadlineOf, type Deadline } from './deadline.js';
import { NetError, toNetError, type NetPhase } from './errors.js';
import { HostFlows, RateLimit } from './flow.js';
import { acceptInformational } from './informational.js';
import { resolveNetOptions, type NetOptions, type ResolvedNetOptions } from './options.js';
import type { NetResponse, RequestOutcome } from './outcome.js';
import { findResolveRule } from './resolve.js';
import { isRateLimitStatus, retryAfterOf } from './retry-after.js';

/** One request on the wire. `headers` are sent exactly as listed (a `Host` entry replaces the default one). */
export interface HttpRequest {
  url: URL;
  method: string;
  headers: HeaderList;
  /**
   * Abandons the request (and any wait for a place) when it aborts. When it is a `Deadline`'s signal, the
   * time this request spends waiting for a slot, a rate token, a backoff or a `Retry-After` does not count
   * against that deadline.
   */
  signal?: AbortSignal | undefined;
}

/** A final answer (`send`), and how many attempts it took. */
export interface HttpResult {
  response: NetResponse;
  attempts: number;
  /** 'rate-limited' when the answer is a 429/503 that was still limiting after the last retry. */
  outcome: 'answered' | 'rate-limited';
}

/** Counters over the client's life, for `bench/` and the run summary. */
export interface HttpClientStats {
  /** Requests put on the wire, retries included. */
  requests: number;
  /** Of which retries. */
  retries: number;
  /** Answers that were 429 or 503 (each one slowed its host down). */
  rateLimited: number;
}

export interface HttpClient {
  /** Sends a request and resolves to its outcome; never rejects for a network problem. */
  request(request: HttpRequest): Promise<RequestOutcome>;
  /**
   * Sends a request and resolves to its final answer (a 429/503 after the last retry included), or rejects
   * with a `NetError` when there was none.
   */
  send(request: HttpRequest): Promise<HttpResult>;
  /** Closes the keep-alive pools (waits for requests in flight). */
  close(): Promise<void>;
  /** Drops every connection now. */
  destroy(): Promise<void>;
  readonly stats: Readonly<HttpClientStats>;
  /** The validated options. */
  readonly options: Readonly<ResolvedNetOptions>;
}

// The same limit Node's http parser applies by default (http.maxHeaderSize); larger header blocks are hostile.
const maxHeaderSize = 16 * 1024;

/**
 * How long an idle keep-alive connection stays open. A scan of an estate is done with a host once its target is:
 * undici's default (4 s, or the server's Keep-Alive hint less 2 s) kept every finished host's connections open, about
 * 8 per target, so at ~100 hosts/s some 4,000 TLS connections (8 a host for ~5 s) stayed open (scanner RSS 780 MiB
 * after 2,000 hosts, 260 MiB with 1 s; bench/scan.js, the one-target-per-host run). A host still being scanned never
 * idles that long: its probes follow each other within milliseconds. Under `--rate`, requests are spaced on purpose,
 * and a connection closed between them would cost the server a TLS handshake per request: undici's defaults then.
 */
function keepAliveOptions(options: ResolvedNetOptions): { keepAliveTimeout?: number; keepAliveMaxTimeout?: number } {
  return options.rate > 0 ? {} : { keepAliveTimeout: 1000, keepAliveMaxTimeout: 1000 };
}

/**
 * Wraps undici's connector so `--resolve` decides the address while Host and TLS SNI keep the name, as curl
 * does, and so an unsolicited `100 Continue` is read as the interim response it is. Special-use names
 * (RFC 6761 section 6.4) never reach a resolver: `.invalid` fails at once, and `localhost` / `*.localhost`
 * are loopback, as Chromium treats them.
 */
function connector(options: ResolvedNetOptions, secureContext: SecureContext): buildConnector.connector {
  const base = buildConnector({
    timeout: options.timeout,
    rejectUnauthorized: !options.insecure,
    keepAlive: true,
    secureContext,
  });
  const connect: buildConnector.connector = (connectOptions, callback) =>
    base(connectOptions, (error, socket) => {
      if (error !== null) callback(error, null);
      else callback(null, acceptInformational(socket));
    });
  return (connectOptions, callback) => {
    const name = connectOptions.hostname.toLowerCase().replace(/\.$/, '');
    const port = Number(connectOptions.port) || (connectOptions.protocol === 'https:' ? 443 : 80);
    const rule = findResolveRule(options.resolveRules, name, port);
    if (rule !== undefined) {
      connect({ ...connectOptions, hostname: rule.address }, callback);
      return;
    }
    if (name === 'invalid' || name.endsWith('.invalid')) {
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND', hostname: name });
      process.nextTick(() => callback(error, null));
      return;
    }
    if (name.endsWith('.localhost')) {
      connect({ ...connectOptions, hostname: '127.0.0.1' }, callback);
      return;
    }
    connect(connectOptions, callback);
  };
}

function createDispatcher(options: ResolvedNetOptions): Dispatcher {
  // One TLS context for every connection of the client, as tls.connect would otherwise build one per connection
  // (an OpenSSL SSL_CTX, its cipher list and the CA store): a scan of one target per host opens ~8 connections a
  // target, and building their contexts took about a sixth of the main thread (bench/scan.js, the one-target-per-host
  // run). The defaults are what tls.connect would use (NODE_EXTRA_CA_CERTS included); certificate checking
  // (rejectUnauthorized) and the server name stay per connection.
  const secureContext = createSecureContext();
  const common = {
    ...keepAliveOptions(options),
    connections: options.perHost,
    pipelining: 1,
    maxHeaderSize,
    // Off: each exchange has one timer of its own for the whole request (see `once`).
    headersTimeout: 0,
    bodyTimeout: 0,
    connectTimeout: options.timeout,
  };
  if (options.proxy !== undefined) {
    return new ProxyAgent({
      ...common,
      uri: options.proxy,
      requestTls: { rejectUnauthorized: !options.insecure, secureContext },
      proxyTls: { rejectUnauthorized: !options.insecure, secureContext },
    });
  }
  return new Agent({ ...common, connect: connector(options, secureContext) });
}

/** What undici is given for a URL: its origin and path, and the host the per-host limit is keyed by. */
interface DispatchTarget {
  readonly href: string;
  readonly origin: string;
  readonly path: string;
  readonly host: string;
}

// A target's URL carries all its probes (two dozen requests): its parts are read once, not per request (each URL
// getter builds a new string). Checked against `href`, which a URL keeps as is, in case the URL was changed since.
const dispatchTargets = new WeakMap<URL, DispatchTarget>();

function dispatchTarget(url: URL): DispatchTarget {
  const known = dispatchTargets.get(url);
  if (known?.href === url.href) return known;
  const target = { href: url.href, origin: url.origin, path: `${url.pathname}${url.search}`, host: url.host };
  dispatchTargets.set(url, target);
  return target;
}

/**
 * One request on the wire: undici's handler for it, and the settling of the promise its caller awaits. A class
 * rather than a handler object of closures: every probe makes one, and its methods live on the prototype.
 */
class WireExchange {
  settled = false;
  // 'connect' until undici writes the request on a connected socket (TCP and TLS handshakes done).
  private phase: NetPhase = 'connect';
  private status = 0;
  private headers: HeaderList = [];
  // The body kept so far: the first chunk as undici gave it, later ones copied (see onData).
  private first: Buffer | undefined;
  private chunks: Buffer[] | undefined;
  private size = 0;
  // Until undici hands over its abort function (the request is still queued or connecting), a reason to stop
  // is kept here: onConnect aborts at once with it.
  private abortRequest: ((reason: Error) => void) | undefined;
  private abortReason: Error | undefined;
  private readonly timer: ReturnType<typeof setTimeout>;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly request: HttpRequest,
    private readonly options: ResolvedNetOptions,
    private readonly resolve: (response: NetResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.timer = setTimeout(() => this.expire(), options.timeout);
    const outer = request.signal;
    if (outer === undefined) return;
    if (outer.aborted) this.outerAborted();
    else this.unsubscribe = onAbort(outer, () => this.outerAborted());
  }

  private expire(): void {
    const what =
      this.phase === 'connect'
        ? `connecting to ${this.request.url.host}`
        : this.phase === 'headers'
          ? 'waiting for response headers'
          : 'reading the response body';
    this.fail(new NetError('timeout', `timeout after ${this.options.timeout} ms ${what}`));
  }

  private outerAborted(): void {
    const reason: unknown = this.request.signal?.reason;
    this.fail(reason instanceof NetError ? reason : new NetError('aborted', 'request aborted', { cause: reason }));
  }

  /** Settles with `error` and stops the request on the wire. */
  private fail(error: Error): void {
    this.finish(error);
    this.stop(error);
  }

  private stop(reason: Error): void {
    this.abortReason = reason;
    this.abortRequest?.(reason);
  }

  private finish(error?: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.unsubscribe?.();
    if (error !== undefined) {
      this.reject(error);
      return;
    }
    const { first, chunks, size } = this;
    const body =
      first === undefined ? '' : (chunks === undefined ? first : Buffer.concat(chunks, size)).toString('utf8');
    this.resolve({ status: this.status, headers: this.headers, bodySnippet: body });
  }

  // undici's handler (https://undici.nodejs.org/#/docs/api/Dispatcher?id=dispatcherdispatchoptions-handler).

  onConnect(abort: (reason: Error) => void): void {
    this.abortRequest = abort;
    this.phase = 'headers';
    if (this.abortReason !== undefined) abort(this.abortReason);
  }

  onHeaders(statusCode: number, raw: Buffer[]): boolean {
    if (statusCode < 100 || statusCode > 999) {
      // A status line such as `HTTP/1.1 000 OK`: undici would go on and trip an internal assertion.
      this.fail(
        new NetError(
          'invalid-response',
          `invalid HTTP response from ${this.request.url.host}: invalid status line (status ${String(statusCode).padStart(3, '0')})`,
        ),
      );
      return false;
    }
    if (statusCode < 200) return true; // 1xx informational: the real answer follows
    this.status = statusCode;
    const list: HeaderList = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i];
      const value = raw[i + 1];
      if (name !== undefined && value !== undefined) list.push([name.toString('latin1'), value.toString('latin1')]);
    }
    this.headers = list;
    this.phase = 'body';
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return false;
    const room = this.options.bodyCap - this.size;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length > 0) {
      // A lone chunk is decoded where it lies when the exchange ends (its buffer was allocated for this read);
      // once a second one comes, each is copied, so a trickled body does not pin one read buffer per byte.
      if (this.first === undefined) this.first = kept;
      else {
        this.chunks ??= [Buffer.from(this.first)];
        this.chunks.push(Buffer.from(kept));
      }
      this.size += kept.length;
    }
    if (chunk.length > room) {
      // The cap is reached: keep what fits, answer, and drop the connection rather than read on.
      this.finish();
      this.stop(new NetError('aborted', 'body cap reached'));
      return false;
    }
    return true;
  }

  onComplete(): void {
    this.finish();
  }

  onError(error: Error): void {
    this.finish(toNetError(error, { host: this.request.url.host, timeout: this.options.timeout, phase: this.phase }));
  }
}

/** What `send` resolves to for an outcome, or the error it rejects with. */
function resultOf(outcome: RequestOutcome): HttpResult {
  switch (outcome.outcome) {
    case 'answered':
    case 'rate-limited':
      return { response: outcome.response, attempts: outcome.attempts, outcome: outcome.outcome };
    case 'failed':
    case 'not-sent':
      throw outcome.error;
  }
}

/** Creates a client. Throws a `NetOptionError` naming the first bad option. */
export function createHttpClient(input: Partial<NetOptions> = {}): HttpClient {
  const options = resolveNetOptions(input);
  const dispatcher = createDispatcher(options);
  const flows = new HostFlows(options.perHost);
  const rate = new RateLimit(options.rate);
  const stats: HttpClientStats = { requests: 0, retries: 0, rateLimited: 0 };

  /**
   * One exchange, through undici's dispatcher with a handler of our own (no body stream: the few KiB we keep
   * are copied as they arrive, and the rest is never read). One deadline covers the whole exchange: undici's
   * headersTimeout is not refreshed while a slow server trickles header bytes, but its bodyTimeout is an idle
   * timer that a byte-by-byte body keeps resetting. Both are off in the pools (0): the exchange's own timer,
   * started before undici's would be, always fires first, and undici would arm and clear two more per request.
   */
  function once(request: HttpRequest): Promise<NetResponse> {
    return new Promise<NetResponse>((resolve, reject) => {
      const exchange = new WireExchange(request, options, resolve, reject);
      if (exchange.settled) return; // the caller had already given up
      const target = dispatchTarget(request.url);
      const flat: string[] = [];
      for (const [name, value] of request.headers) flat.push(name, value);
      dispatcher.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: request.method,
          headers: flat,
        },
        exchange,
      );
    });
  }

  /** The outcome when the caller gives up while waiting: the last attempt's, or not sent at all. */
  function gaveUp(reason: unknown, last: RequestOutcome | undefined, attempts: number): RequestOutcome {
    if (last !== undefined) return last;
    const error =
      reason instanceof NetError
        ? reason
        : new NetError('aborted', 'request aborted before it was sent', { cause: reason });
    return { outcome: 'not-sent', error, reason: error.code, attempts };
  }

  /** Waits `ms` without counting against the caller's deadline. */
  async function pause(ms: number, signal: AbortSignal | undefined, deadline: Deadline | undefined): Promise<void> {
    const end = deadline?.beginWait();
    try {
      await sleep(ms, signal);
    } finally {
      end?.();
    }
  }

  /** Waits for a `--rate` token and the request gate, when either is set. */
  async function takeTurn(signal: AbortSignal | undefined): Promise<void> {
    if (rate.perSecond > 0) await rate.take(signal);
    if (options.requestGate !== undefined) await options.requestGate(signal);
  }

  async function request(req: HttpRequest): Promise<RequestOutcome> {
    const { host } = dispatchTarget(req.url);
    const { signal } = req;
    const deadline = deadlineOf(signal);
    let attempts = 0;
    let last: RequestOutcome | undefined;

    for (;;) {
      const flow = flows.get(host);
      // The deadline's clock stops while this request waits for a place, a rate token or the gate; a request that
      // gets its place at once (the task starts inside flow.run) and has no token to wait for never stops it.
      let endWait: (() => void) | undefined;
      let endWire: (() => void) | undefined;
      let admitted = false as boolean; // set inside the queued task
      let sent = false as boolean;
      let response: NetResponse;
      const wire = (): Promise<NetResponse> => {
        sent = true;
        endWire = deadline?.beginRequest();
        endWait?.();
        attempts++;
        stats.requests++;
        if (attempts > 1) stats.retries++;
        return once(req);
      };
      try {
        const answer = flow.run(() => {
          admitted = true;
          // Not an async task: an async function returning the exchange's promise costs two more turns of the
          // microtask queue per request, and most requests have no token to wait for.
          if (rate.perSecond === 0 && options.requestGate === undefined) return wire();
          endWait ??= deadline?.beginWait();
          return takeTurn(signal).then(wire);
        }, signal);
        if (!admitted) endWait = deadline?.beginWait();
        response = await answer;
      } catch (error) {
        endWait?.();
        endWire?.();
        if (!sent) {
          flows.release(host);
          return gaveUp(error, last, attempts);
        }
        const netError = toNetError(error, { host, timeout: options.timeout, phase: 'headers' });
        // A connection dropped before any answer is how many limiters and overloaded servers push back.
        if (netError.code === 'connection-reset' || netError.code === 'connection-closed') {
          flow.congested('dropped-connection');
        }
        if (!netError.retriable || attempts > options.retries || signal?.aborted === true) {
          flows.release(host);
          const final =
            attempts > 1 && netError.retriable
              ? new NetError(netError.code, `${netError.message} (after ${attempts} attempts)`, { cause: netError })
              : netError;
          return { outcome: 'failed', error: final, reason: final.code, attempts };
        }
        last = { outcome: 'failed', error: netError, reason: netError.code, attempts };
        try {
          // Exponential backoff between attempts, without holding a per-host place while waiting.
          await pause(options.retryDelay * 2 ** (attempts - 1), signal, deadline);
        } catch (reason) {
          return gaveUp(reason, last, attempts);
        }
        continue;
      }
      endWait?.();
      endWire?.();
      if (isRateLimitStatus(response.status)) {
        stats.rateLimited++;
        const retryAfter = retryAfterOf(response.headers);
        flow.congested();
        last = { outcome: 'rate-limited', response, attempts, retryAfter };
        // A Retry-After beyond the bound is not shortened: asking again early would only be refused again.
        if (
          attempts > options.retries ||
          (retryAfter !== undefined && retryAfter > options.maxRetryAfter) ||
          signal?.aborted === true
        ) {
          flows.release(host);
          return last;
        }
        if (retryAfter !== undefined) {
          // The whole host waits, not just this request: the limiter spoke for all of them.
          flow.pauseFor(retryAfter);
        } else {
          try {
            await pause(options.retryDelay * 2 ** (attempts - 1), signal, deadline);
          } catch (reason) {
            return gaveUp(reason, last, attempts);
          }
        }
        continue;
      }
      flow.answered();
      flows.release(host);
      return { outcome: 'answered', response, attempts };
    }
  }

  return {
    stats,
    options,
    request,
    send(req) {
      return request(req).then(resultOf);
    },
    async close() {
      flows.dispose();
      rate.dispose();
      await dispatcher.close();
    },
    async destroy() {
      flows.dispose();
      rate.dispose();
      await dispatcher.destroy();
    },
  };
}
