/**
 * The rows of the middleware benchmark and the equivalent configuration of every middleware.
 *
 * Allowlists hold N exact origins `https://app<i>.example.com` (N = 1, 10, 1,000). The allowed origin of a
 * row is the middle entry (index floor(N/2)), the average case of a linear scan; the refused origin is
 * `https://evil.example.net`, which a linear scan compares with every entry. Every middleware is configured
 * to the same intent: credentials on, PUT and DELETE besides the safelisted methods, three listed request
 * headers, one exposed header, max-age 600.
 */
import type { PolicyConfig } from '../src/policy/index.js';

export type Kind = 'actual' | 'preflight';

/** A row of the micro-benchmark. */
export interface Row {
  id: string;
  label: string;
  origins: number;
  kind: Kind;
  allowed: boolean;
  /** The allowed-headers configuration: listed names, or "any header" (peers then reflect ACRH). */
  headers: 'listed' | 'any';
  /** Request headers (lower-case names, Node style). */
  requestHeaders: Record<string, string>;
  method: string;
}

export const ORIGIN_COUNTS = [1, 10, 1000] as const;
export const REFUSED_ORIGIN = 'https://evil.example.net';
export const LISTED_HEADERS = ['content-type', 'authorization', 'x-request-id'];
export const EXPOSED_HEADERS = ['x-request-id'];
export const METHODS = ['PUT', 'DELETE'];
export const MAX_AGE = 600;
/** 1 MiB of ", " pairs: the ACRH shape that cost rs/cors, go-chi/cors and hono a denial of service. */
export const ADVERSARIAL_ACRH = ', '.repeat(512 * 1024);

export function originList(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `https://app${i}.example.com`);
}

export function allowedOrigin(n: number): string {
  return `https://app${Math.floor(n / 2)}.example.com`;
}

const baseHeaders = {
  host: 'api.example.com',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  accept: '*/*',
  'accept-encoding': 'gzip, deflate, br',
  'accept-language': 'en-US,en;q=0.9',
};

function row(origins: number, kind: Kind, allowed: boolean): Row {
  const origin = allowed ? allowedOrigin(origins) : REFUSED_ORIGIN;
  const requestHeaders: Record<string, string> =
    kind === 'preflight'
      ? {
          ...baseHeaders,
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'authorization,content-type',
        }
      : { ...baseHeaders, origin };
  return {
    id: `${origins}-${kind}-${allowed ? 'allowed' : 'refused'}`,
    label: `${String(origins).padStart(4)} origins, ${kind.padEnd(9)}, ${allowed ? 'allowed' : 'refused'}`,
    origins,
    kind,
    allowed,
    headers: 'listed',
    requestHeaders,
    method: kind === 'preflight' ? 'OPTIONS' : 'GET',
  };
}

/** Every row: N x actual/preflight x allowed/refused, then the adversarial ACRH rows. */
export function rows(): Row[] {
  const out: Row[] = [];
  for (const n of ORIGIN_COUNTS) {
    for (const kind of ['actual', 'preflight'] as const) {
      for (const allowed of [true, false]) out.push(row(n, kind, allowed));
    }
  }
  for (const headers of ['listed', 'any'] as const) {
    out.push({
      id: `adversarial-acrh-${headers}`,
      label: `adversarial ACRH (1 MiB ", "), ${headers === 'listed' ? 'listed headers' : 'any header'}`,
      origins: 1,
      kind: 'preflight',
      allowed: true,
      headers,
      requestHeaders: {
        ...baseHeaders,
        origin: allowedOrigin(1),
        'access-control-request-method': 'PUT',
        'access-control-request-headers': ADVERSARIAL_ACRH,
      },
      method: 'OPTIONS',
    });
  }
  return out;
}

/** corsight's configuration for a row. */
export function corsightConfig(r: Row): PolicyConfig {
  return {
    origins: originList(r.origins),
    credentials: true,
    methods: METHODS,
    requestHeaders: r.headers === 'listed' ? LISTED_HEADERS : '*',
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: MAX_AGE,
  };
}

/** `cors` and `@fastify/cors` share option names. Without `allowedHeaders` they reflect ACRH. */
export function corsOptions(r: Row): Record<string, unknown> {
  return {
    origin: originList(r.origins),
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', ...METHODS],
    ...(r.headers === 'listed' ? { allowedHeaders: LISTED_HEADERS } : {}),
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: MAX_AGE,
  };
}

/** hono's `cors`: an origin array (`includes`); an empty `allowHeaders` reflects ACRH (split + trim + join). */
export function honoOptions(r: Row): Record<string, unknown> {
  return {
    origin: originList(r.origins),
    credentials: true,
    allowMethods: ['GET', 'HEAD', 'POST', ...METHODS],
    allowHeaders: r.headers === 'listed' ? LISTED_HEADERS : [],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: MAX_AGE,
  };
}

/**
 * `@koa/cors` has no origin list, only a function of the context; the fastest honest one is a `Set` lookup
 * (O(1), better than the other peers' linear scans). Returning '' skips CORS for refused origins.
 */
export function koaOptions(r: Row): Record<string, unknown> {
  const allowed = new Set(originList(r.origins));
  return {
    origin: (ctx: { get(name: string): string }) => {
      const o = ctx.get('Origin');
      return allowed.has(o) ? o : '';
    },
    credentials: true,
    allowMethods: ['GET', 'HEAD', 'POST', ...METHODS],
    ...(r.headers === 'listed' ? { allowHeaders: LISTED_HEADERS } : {}),
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: MAX_AGE,
  };
}
