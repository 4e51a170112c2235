/**
 * The one HTTP client of corsight (undici): the scanner's probes, `explain`'s live requests and
 * `corsight/testing`'s network targets all go through it. It owns the keep-alive pools, `--resolve`, TLS
 * options, the proxy, per-request deadlines, the body cap, retries (connection failures, and 429/503 with
 * their `Retry-After`), per-host AIMD flow control and the global `--rate`.
 */
import { Agent, ProxyAgent, buildConnector, type Dispatcher } from 'undici';
import type { HeaderList } from '../fetch/headers.js';
import { onAbort, sleep } from './abort.js';
import { deadlineOf } from './deadline.js';
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
 * Wraps undici's connector so `--resolve` decides the address while Host and TLS SNI keep the name, as curl
 * does, and so an unsolicited `100 Continue` is read as the interim response it is. Special-use names
 * (RFC 6761 section 6.4) never reach a resolver: `.invalid` fails at once, and `localhost` / `*.localhost`
 * are loopback, as Chromium treats them.
 */
function connector(options: ResolvedNetOptions): buildConnector.connector {
  const base = buildConnector({
    timeout: options.timeout,
    rejectUnauthorized: !options.insecure,
    keepAlive: true,
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
  const common = {
    connections: options.perHost,
    pipelining: 1,
    maxHeaderSize,
    headersTimeout: options.timeout,
    bodyTimeout: options.timeout,
    connectTimeout: options.timeout,
  };
  if (options.proxy !== undefined) {
    return new ProxyAgent({
      ...common,
      uri: options.proxy,
      requestTls: { rejectUnauthorized: !options.insecure },
      proxyTls: { rejectUnauthorized: !options.insecure },
    });
  }
  return new Agent({ ...common, connect: connector(options) });
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
   * timer that a byte-by-byte body keeps resetting.
   */
  function once(request: HttpRequest): Promise<NetResponse> {
    const { url } = request;
    const outer = request.signal;
    return new Promise<NetResponse>((resolve, reject) => {
      let abortRequest: ((reason: Error) => void) | undefined;
      let abortReason: Error | undefined;
      let settled = false;
      // 'connect' until undici writes the request on a connected socket (TCP and TLS handshakes done).
      let phase: NetPhase = 'connect';
      let status = 0;
      let headers: HeaderList = [];
      const chunks: Buffer[] = [];
      let size = 0;

      const stop = (reason: Error) => {
        // Before undici hands us its abort function (the request is still queued or connecting), keep the
        // reason: onConnect aborts at once with it.
        abortReason = reason;
        abortRequest?.(reason);
      };
      let unsubscribe: (() => void) | undefined;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe?.();
        if (error !== undefined) reject(error);
        else resolve({ status, headers, bodySnippet: Buffer.concat(chunks, size).toString('utf8') });
      };
      const timer = setTimeout(() => {
        const what =
          phase === 'connect'
            ? `connecting to ${url.host}`
            : phase === 'headers'
              ? 'waiting for response headers'
              : 'reading the response body';
        const error = new NetError('timeout', `timeout after ${options.timeout} ms ${what}`);
        finish(error);
        stop(error);
      }, options.timeout);
      const onOuterAbort = () => {
        const reason: unknown = outer?.reason;
        const error =
          reason instanceof NetError ? reason : new NetError('aborted', 'request aborted', { cause: reason });
        finish(error);
        stop(error);
      };
      if (outer?.aborted) {
        onOuterAbort();
        return;
      }
      if (outer !== undefined) unsubscribe = onAbort(outer, onOuterAbort);

      const target = dispatchTarget(url);
      const flat: string[] = [];
      for (const [name, value] of request.headers) flat.push(name, value);
      const handler = {
        onConnect(abort: (reason: Error) => void) {
          abortRequest = abort;
          phase = 'headers';
          if (abortReason !== undefined) abort(abortReason);
        },
        onHeaders(statusCode: number, raw: Buffer[]) {
          if (statusCode < 100 || statusCode > 999) {
            // A status line such as `HTTP/1.1 000 OK`: undici would go on and trip an internal assertion.
            const error = new NetError(
              'invalid-response',
              `invalid HTTP response from ${url.host}: invalid status line (status ${String(statusCode).padStart(3, '0')})`,
            );
            finish(error);
            stop(error);
            return false;
          }
          if (statusCode < 200) return true; // 1xx informational: the real answer follows
          status = statusCode;
          const list: HeaderList = [];
          for (let i = 0; i + 1 < raw.length; i += 2) {
            const name = raw[i];
            const value = raw[i + 1];
            if (name !== undefined && value !== undefined) {
              list.push([name.toString('latin1'), value.toString('latin1')]);
            }
          }
          headers = list;
          phase = 'body';
          return true;
        },
        onData(chunk: Buffer) {
          if (settled) return false;
          const room = options.bodyCap - size;
          if (chunk.length > room) {
            // The cap is reached: keep what fits, answer, and drop the connection rather than read on.
            if (room > 0) chunks.push(Buffer.from(chunk.subarray(0, room)));
            size = options.bodyCap;
            finish();
            stop(new NetError('aborted', 'body cap reached'));
            return false;
          }
          chunks.push(Buffer.from(chunk));
          size += chunk.length;
          return true;
        },
        onComplete() {
          finish();
        },
        onError(error: Error) {
          finish(toNetError(error, { host: url.host, timeout: options.timeout, phase }));
        },
      };
      dispatcher.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: request.method,
          headers: flat,
          headersTimeout: options.timeout,
          bodyTimeout: options.timeout,
        },
        handler,
      );
    });
  }

  async function request(req: HttpRequest): Promise<RequestOutcome> {
    const { host } = dispatchTarget(req.url);
    const { signal } = req;
    const deadline = deadlineOf(signal);
    let attempts = 0;
    let last: RequestOutcome | undefined;

    /** The outcome when the caller gives up while waiting: the last attempt's, or not sent at all. */
    const gaveUp = (reason: unknown): RequestOutcome => {
      if (last !== undefined) return last;
      const error =
        reason instanceof NetError
          ? reason
          : new NetError('aborted', 'request aborted before it was sent', { cause: reason });
      return { outcome: 'not-sent', error, reason: error.code, attempts };
    };
    /** Waits `ms` without counting against the caller's deadline. */
    const pause = async (ms: number) => {
      const end = deadline?.beginWait();
      try {
        await sleep(ms, signal);
      } finally {
        end?.();
      }
    };

    for (;;) {
      const flow = flows.get(host);
      // The deadline's clock stops while this request waits for a place, a rate token or the gate; a request that
      // gets its place at once (the task starts inside flow.run) and has no token to wait for never stops it.
      let endWait: (() => void) | undefined;
      let endWire: (() => void) | undefined;
      let admitted = false as boolean; // set inside the queued task
      let sent = false as boolean;
      let response: NetResponse;
      try {
        const answer = flow.run(async () => {
          admitted = true;
          // Skipped rather than awaited when unset: an await costs a turn of the microtask queue per request.
          if (rate.perSecond > 0 || options.requestGate !== undefined) {
            endWait ??= deadline?.beginWait();
            if (rate.perSecond > 0) await rate.take(signal);
            if (options.requestGate !== undefined) await options.requestGate(signal);
          }
          sent = true;
          endWire = deadline?.beginRequest();
          endWait?.();
          attempts++;
          stats.requests++;
          if (attempts > 1) stats.retries++;
          return once(req);
        }, signal);
        if (!admitted) endWait = deadline?.beginWait();
        response = await answer;
      } catch (error) {
        endWait?.();
        endWire?.();
        if (!sent) {
          flows.release(host);
          return gaveUp(error);
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
          await pause(options.retryDelay * 2 ** (attempts - 1));
        } catch (reason) {
          return gaveUp(reason);
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
            await pause(options.retryDelay * 2 ** (attempts - 1));
          } catch (reason) {
            return gaveUp(reason);
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
    async send(req) {
      const outcome = await request(req);
      switch (outcome.outcome) {
        case 'answered':
        case 'rate-limited':
          return { response: outcome.response, attempts: outcome.attempts, outcome: outcome.outcome };
        case 'failed':
        case 'not-sent':
          throw outcome.error;
      }
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
