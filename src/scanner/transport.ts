import { Agent, ProxyAgent, buildConnector, type Dispatcher } from 'undici';
import { ProbeError, toProbeError } from './errors.js';
import { KeyedLimiter, RateLimiter, onAbort, sleep } from './limits.js';
import type { ResolveRule, ScanOptions } from './options.js';
import type { HeaderList, ProbeResponse } from './types.js';

/** One request on the wire. `headers` are sent exactly as listed (a `Host` entry replaces the default one). */
export interface TransportRequest {
  url: URL;
  method: string;
  headers: HeaderList;
  /** Abandons the request (and any wait for a place) when the target gives up. */
  signal?: AbortSignal | undefined;
}

/** The answer, and how many attempts it took (retries after connection failures included). */
export interface TransportResult {
  response: ProbeResponse;
  attempts: number;
}

/** Counters over the transport's life, for `bench/` and the run summary. */
export interface TransportStats {
  /** Requests put on the wire, retries included. */
  requests: number;
  /** Of which retries. */
  retries: number;
}

/**
 * Sends requests with the scan's limits applied: per-host concurrency, a global rate, a per-request deadline
 * covering connect, headers and the capped body, and bounded retries with exponential backoff for
 * connection-level failures only. One transport (one keep-alive pool set) serves a whole run.
 */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResult>;
  /** Closes the keep-alive pools (waits for requests in flight). */
  close(): Promise<void>;
  /** Drops every connection now. */
  destroy(): Promise<void>;
  readonly stats: Readonly<TransportStats>;
}

/** The transport options: the scan options it uses, with `--resolve` parsed. */
export type TransportOptions = Pick<
  ScanOptions,
  'perHost' | 'rate' | 'timeout' | 'retries' | 'retryDelay' | 'insecure' | 'proxy' | 'bodyCap'
> & { resolveRules: readonly ResolveRule[] };

// The same limit Node's http parser applies by default (http.maxHeaderSize); larger header blocks are hostile.
const maxHeaderSize = 16 * 1024;

/** Finds the `--resolve` rule for a host and port: exact host first, then the longest `*.suffix`. */
export function findResolveRule(
  rules: readonly ResolveRule[],
  hostname: string,
  port: number,
): ResolveRule | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  let best: ResolveRule | undefined;
  for (const rule of rules) {
    if (rule.port !== undefined && rule.port !== port) continue;
    if (rule.host === host) {
      if (best === undefined || best.host.startsWith('*.') || (best.port === undefined && rule.port !== undefined)) {
        best = rule;
      }
      continue;
    }
    if (rule.host.startsWith('*.') && host.endsWith(rule.host.slice(1)) && host.length > rule.host.length - 1) {
      if (best === undefined || (best.host.startsWith('*.') && rule.host.length > best.host.length)) best = rule;
    }
  }
  return best;
}

/**
 * Wraps undici's connector so `--resolve` decides the address while Host and TLS SNI keep the name, as curl
 * does. Special-use names (RFC 6761 section 6.4) never reach a resolver: `.invalid` fails at once, and
 * `localhost` / `*.localhost` are loopback, as Chromium treats them.
 */
function connector(options: TransportOptions): buildConnector.connector {
  const base = buildConnector({
    timeout: options.timeout,
    rejectUnauthorized: !options.insecure,
    keepAlive: true,
  });
  return (connectOptions, callback) => {
    const name = connectOptions.hostname.toLowerCase().replace(/\.$/, '');
    const port = Number(connectOptions.port) || (connectOptions.protocol === 'https:' ? 443 : 80);
    const rule = findResolveRule(options.resolveRules, name, port);
    if (rule !== undefined) {
      base({ ...connectOptions, hostname: rule.address }, callback);
      return;
    }
    if (name === 'invalid' || name.endsWith('.invalid')) {
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND', hostname: name });
      process.nextTick(() => callback(error, null));
      return;
    }
    if (name.endsWith('.localhost')) {
      base({ ...connectOptions, hostname: '127.0.0.1' }, callback);
      return;
    }
    base(connectOptions, callback);
  };
}

function createDispatcher(options: TransportOptions): Dispatcher {
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

/** Creates the transport of one run. */
export function createTransport(options: TransportOptions): Transport {
  const dispatcher = createDispatcher(options);
  const perHost = new KeyedLimiter(options.perHost);
  const rate = new RateLimiter(options.rate);
  const stats: TransportStats = { requests: 0, retries: 0 };

  /**
   * One exchange, through undici's dispatcher with a handler of our own (no body stream: the few KiB we keep
   * are copied as they arrive, and the rest is never read). One deadline covers the whole exchange: undici's
   * headersTimeout is not refreshed while a slow server trickles header bytes, but its bodyTimeout is an idle
   * timer that a byte-by-byte body keeps resetting.
   */
  function once(request: TransportRequest): Promise<ProbeResponse> {
    const { url } = request;
    const outer = request.signal;
    return new Promise<ProbeResponse>((resolve, reject) => {
      let abortRequest: ((reason: Error) => void) | undefined;
      let abortReason: Error | undefined;
      let settled = false;
      // 'connect' until undici writes the request on a connected socket (TCP and TLS handshakes done).
      let phase: 'connect' | 'headers' | 'body' = 'connect';
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
        const error = new ProbeError('timeout', `timeout after ${options.timeout} ms ${what}`);
        finish(error);
        stop(error);
      }, options.timeout);
      const onOuterAbort = () => {
        const reason: unknown = outer?.reason;
        const error =
          reason instanceof ProbeError ? reason : new ProbeError('aborted', 'request aborted', { cause: reason });
        finish(error);
        stop(error);
      };
      if (outer?.aborted) {
        onOuterAbort();
        return;
      }
      if (outer !== undefined) unsubscribe = onAbort(outer, onOuterAbort);

      const flat: string[] = [];
      for (const [name, value] of request.headers) flat.push(name, value);
      const handler = {
        onConnect(abort: (reason: Error) => void) {
          abortRequest = abort;
          phase = 'headers';
          if (abortReason !== undefined) abort(abortReason);
        },
        onHeaders(statusCode: number, raw: Buffer[]) {
          if (statusCode < 200) return true; // 1xx informational: the real answer follows
          status = statusCode;
          const list: HeaderList = [];
          for (let i = 0; i + 1 < raw.length; i += 2) {
            list.push([raw[i]!.toString('latin1'), raw[i + 1]!.toString('latin1')]);
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
            stop(new ProbeError('aborted', 'body cap reached'));
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
          finish(
            toProbeError(error, {
              host: url.host,
              timeout: options.timeout,
              phase: phase === 'body' ? 'body' : 'headers',
            }),
          );
        },
      };
      dispatcher.dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers: flat,
          headersTimeout: options.timeout,
          bodyTimeout: options.timeout,
        },
        handler,
      );
    });
  }

  return {
    stats,
    async send(request) {
      let attempt = 0;
      for (;;) {
        const release = await perHost.acquire(request.url.host, request.signal);
        try {
          await rate.take(request.signal);
          stats.requests++;
          if (attempt > 0) stats.retries++;
          return { response: await once(request), attempts: attempt + 1 };
        } catch (error) {
          const probeError =
            error instanceof ProbeError
              ? error
              : toProbeError(error, { host: request.url.host, timeout: options.timeout, phase: 'headers' });
          if (!probeError.retriable || attempt >= options.retries || request.signal?.aborted) {
            if (attempt > 0 && probeError.retriable) {
              throw new ProbeError(probeError.code, `${probeError.message} (after ${attempt + 1} attempts)`, {
                cause: probeError,
              });
            }
            throw probeError;
          }
        } finally {
          release();
        }
        // Exponential backoff between attempts, without holding a per-host place while waiting.
        await sleep(options.retryDelay * 2 ** attempt, request.signal);
        attempt++;
      }
    },
    async close() {
      await dispatcher.close();
    },
    async destroy() {
      await dispatcher.destroy();
    },
  };
}
