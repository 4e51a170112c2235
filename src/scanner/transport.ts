import { Agent, ProxyAgent, buildConnector, type Dispatcher } from 'undici';
import { ProbeError, toProbeError } from './errors.js';
import { KeyedLimiter, RateLimiter, sleep } from './limits.js';
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
export function findResolveRule(rules: readonly ResolveRule[], hostname: string, port: number): ResolveRule | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  let best: ResolveRule | undefined;
  for (const rule of rules) {
    if (rule.port !== undefined && rule.port !== port) continue;
    if (rule.host === host) {
      if (best === undefined || best.host.startsWith('*.') || (best.port === undefined && rule.port !== undefined)) best = rule;
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

function toPairs(raw: string[]): HeaderList {
  const pairs: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
}

/** Creates the transport of one run. */
export function createTransport(options: TransportOptions): Transport {
  const dispatcher = createDispatcher(options);
  const perHost = new KeyedLimiter(options.perHost);
  const rate = new RateLimiter(options.rate);
  const stats: TransportStats = { requests: 0, retries: 0 };

  async function once(request: TransportRequest): Promise<ProbeResponse> {
    const { url } = request;
    const controller = new AbortController();
    let timedOut = false;
    let phase: 'headers' | 'body' = 'headers';
    // One deadline for the whole exchange: undici's headersTimeout is not refreshed while a slow server
    // trickles header bytes, and its bodyTimeout is an idle timer that a byte-by-byte body keeps resetting.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new ProbeError('timeout', 'timeout'));
    }, options.timeout);
    const outer = request.signal;
    const onOuterAbort = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      if (outer?.aborted) throw outer.reason ?? new ProbeError('aborted', 'request aborted');
      const flat: string[] = [];
      for (const [name, value] of request.headers) flat.push(name, value);
      const res = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method as Dispatcher.HttpMethod,
        headers: flat,
        signal: controller.signal,
        responseHeaders: 'raw',
        headersTimeout: options.timeout,
        bodyTimeout: options.timeout,
      });
      phase = 'body';
      const chunks: Buffer[] = [];
      let size = 0;
      // Read at most bodyCap bytes; leaving the loop early destroys the body, and with it the connection, so a
      // huge or endless body costs nothing more.
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        const room = options.bodyCap - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size = options.bodyCap;
          break;
        }
        chunks.push(chunk);
        size += chunk.length;
      }
      return {
        status: res.statusCode,
        headers: toPairs(res.headers as unknown as string[]),
        bodySnippet: Buffer.concat(chunks, size).toString('utf8'),
      };
    } catch (error) {
      if (timedOut) {
        const what = phase === 'headers' ? 'waiting for response headers' : 'reading the response body';
        throw new ProbeError('timeout', `timeout after ${options.timeout} ms ${what}`, { cause: error });
      }
      if (outer?.aborted) {
        const reason: unknown = outer.reason;
        throw reason instanceof ProbeError ? reason : new ProbeError('aborted', 'request aborted', { cause: reason });
      }
      throw toProbeError(error, { host: url.host, timeout: options.timeout, phase });
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    }
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
          const probeError = error instanceof ProbeError ? error : toProbeError(error, { host: request.url.host, timeout: options.timeout, phase: 'headers' });
          if (!probeError.retriable || attempt >= options.retries || request.signal?.aborted) {
            if (attempt > 0 && probeError.retriable) {
              throw new ProbeError(probeError.code, `${probeError.message} (after ${attempt + 1} attempts)`, { cause: probeError });
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
