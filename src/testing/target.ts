/**
 * What `expectCors` can test, and how each kind is reached: a URL over the network; a Node request
 * handler `(req, res) => void` (Express and Koa's `app.callback()` included) or an `http.Server`,
 * started on an ephemeral 127.0.0.1 port for one assertion batch; a Fastify instance (its server,
 * after `ready()`); a fetch handler `(Request) => Response` or an object with such a `fetch`
 * (Hono, `corsight/fetch`), called in process without a socket.
 */
import { createServer, Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TransportResponse, WireRequest } from '../browser/index.js';
import { createLiveSender } from '../explain/live.js';
import type { Sender } from '../explain/types.js';

/** A Node request handler (Express apps and `koaApp.callback()` are ones). */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, ...rest: never[]) => unknown;

/** A fetch handler (Hono's `app.fetch`, Workers, Deno, Bun, `corsight/fetch`'s `withCors`). */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Anything `expectCors` accepts. */
export type CorsTarget =
  | string
  | URL
  | NodeHandler
  | FetchHandler
  | Server
  | { fetch: FetchHandler }
  | { callback(): NodeHandler }
  | { server: Server; ready(): PromiseLike<unknown> }
  | TaggedTarget;

/** A target whose kind was said explicitly (see {@link nodeHandler}, {@link fetchHandler}). */
export interface TaggedTarget {
  readonly kind: 'node' | 'fetch';
  readonly handler: NodeHandler | FetchHandler;
}

/** Mark a function as a Node `(req, res)` handler (when its arity does not tell). */
export function nodeHandler(handler: NodeHandler): TaggedTarget {
  return { kind: 'node', handler };
}

/** Mark a function as a fetch `(Request) => Response` handler (when its arity does not tell). */
export function fetchHandler(handler: FetchHandler): TaggedTarget {
  return { kind: 'fetch', handler };
}

/** A connection to the target for one batch of requests. */
export interface Connection {
  /** The URL the page's paths are resolved against. */
  base: string;
  send: Sender;
  close(): Promise<void>;
}

/** Options for reaching a target. */
export interface ConnectOptions {
  /** The page origin (for `Sec-Fetch-Site` on network requests). */
  origin: string;
  /** Base URL of a fetch handler's requests; default `https://api.test`. */
  fetchBase?: string;
  /** Milliseconds per network request; default 10000. */
  timeout?: number;
}

function isServer(value: unknown): value is Server {
  return value instanceof Server;
}

async function viaServer(server: Server, owned: boolean, options: ConnectOptions): Promise<Connection> {
  if (!server.listening) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    owned = true;
  }
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new TypeError('expectCors: the server does not listen on a TCP port');
  }
  const host =
    address.family === 'IPv6'
      ? `[${address.address === '::' ? '::1' : address.address}]`
      : address.address === '0.0.0.0'
        ? '127.0.0.1'
        : address.address;
  const live = createLiveSender({
    origin: options.origin,
    timeout: options.timeout ?? 10_000,
    userAgent: 'corsight/testing',
  });
  return {
    base: `http://${host}:${address.port}`,
    send: live.send,
    close: async () => {
      await live.close();
      if (owned) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

async function toTransportResponse(res: Response): Promise<TransportResponse> {
  const headers: [string, string][] = [];
  // Headers combines repeated names into one `a, b` line, as the CORS algorithms read them anyway;
  // Set-Cookie stays one line per cookie.
  res.headers.forEach((v, n) => {
    if (n !== 'set-cookie') headers.push([n, v]);
  });
  for (const c of res.headers.getSetCookie()) headers.push(['set-cookie', c]);
  try {
    await res.arrayBuffer();
  } catch {
    // The body is irrelevant to CORS.
  }
  return { status: res.status, headers };
}

function viaFetch(handler: FetchHandler, options: ConnectOptions): Connection {
  const base = options.fetchBase ?? 'https://api.test';
  const send: Sender = async (req: WireRequest) => {
    const res = await handler(new Request(req.url, { method: req.method, headers: req.headers, redirect: 'manual' }));
    if (!(res instanceof Response)) throw new TypeError('the fetch handler did not return a Response');
    return toTransportResponse(res);
  };
  // Nothing to close: the handler is called in process, without a socket.
  return { base: new URL(base).origin, send, close: () => Promise.resolve() };
}

/** Reach `target` for one batch of requests. */
export async function connect(target: CorsTarget, options: ConnectOptions): Promise<Connection> {
  if (typeof target === 'string' || target instanceof URL) {
    let url: URL;
    try {
      url = new URL(String(target));
    } catch {
      throw new TypeError(`expectCors: '${String(target)}' is not an absolute URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`expectCors: only http and https URLs can be tested, not ${url.protocol}`);
    }
    const live = createLiveSender({
      origin: options.origin,
      timeout: options.timeout ?? 10_000,
      userAgent: 'corsight/testing',
    });
    return { base: url.href, send: live.send, close: () => live.close() };
  }
  if (isServer(target)) return viaServer(target, false, options);
  if (typeof target === 'function') {
    if (target.length === 1) return viaFetch(target as FetchHandler, options);
    return viaServer(createServer(target as NodeHandler), true, options);
  }
  // JavaScript callers can pass null, whatever the type says.
  if ((target as unknown) !== null && typeof target === 'object') {
    if ('kind' in target && 'handler' in target) {
      if (target.kind === 'fetch') return viaFetch(target.handler as FetchHandler, options);
      return viaServer(createServer(target.handler as NodeHandler), true, options);
    }
    if ('server' in target && isServer(target.server) && typeof (target as { ready?: unknown }).ready === 'function') {
      await target.ready();
      return viaServer(target.server, false, options);
    }
    if ('fetch' in target && typeof target.fetch === 'function') {
      const f = target.fetch;
      return viaFetch((r) => f.call(target, r), options);
    }
    if ('callback' in target && typeof target.callback === 'function') {
      return viaServer(createServer(target.callback()), true, options);
    }
  }
  throw new TypeError(
    'expectCors: expected a URL, a Node (req, res) handler, an http.Server, a Fastify instance, a fetch (Request) => Response handler, or an object with fetch() (Hono) or callback() (Koa)',
  );
}
