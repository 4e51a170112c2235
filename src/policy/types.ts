/**
 * The public shapes of the policy: its configuration, the request it evaluates and the decision it returns.
 */

/**
 * What the application wants to allow. CORS is the compilation target: the policy derives every response
 * header from this intent and refuses unsafe intents at construction (see `ProblemCode` in problems.ts).
 */
export interface PolicyConfig {
  /**
   * Allowed origins, each one of:
   * - an exact serialized origin, `https://app.example.com` or `http://localhost:5173` (lower-case, no path,
   *   no trailing slash, no default port);
   * - `https://*.example.com`: every subdomain of `example.com` at any depth, never `example.com` itself;
   * - `http://localhost:*`: any port (also no port); combinable: `https://*.example.com:*`;
   * - `'*'` alone: every origin, only without credentials;
   * - at most one {@link OriginResolver} function, asked about origins the patterns do not match.
   */
  origins: (string | OriginResolver)[];
  /** Send `Access-Control-Allow-Credentials: true` to allowed origins (cookies, HTTP auth, client certs). */
  credentials?: boolean;
  /**
   * Methods allowed in preflights, normalized per Fetch (DELETE/GET/HEAD/OPTIONS/POST/PUT upper-cased, others
   * case-sensitive). GET, HEAD and POST are always allowed (CORS-safelisted). `['*']`: any method (answered
   * with `*`, or with the validated requested method when `credentials` is on).
   */
  methods?: string[];
  /**
   * Request headers allowed in preflights (case-insensitive). `'*'` (or a list containing `'*'`) allows every
   * header except `Authorization`, which must be listed by name
   * (https://fetch.spec.whatwg.org/#http-access-control-allow-headers excludes it from `*`).
   */
  requestHeaders?: string[] | '*';
  /** Response headers scripts may read (`Access-Control-Expose-Headers`); `['*']` only without credentials. */
  exposeHeaders?: string[];
  /**
   * Seconds a browser may cache a granted preflight: 1..86400 is sent as is; `0` or absent sends nothing
   * (browser default, 5 s); `-1` sends `Access-Control-Max-Age: 0` (no caching). Chromium caps at 7200.
   */
  maxAge?: number;
  /**
   * Status of a granted preflight: 204 (default) or 200, for old clients and smart TVs that mishandle 204
   * (what `cors`'s `optionsSuccessStatus` is for). Browsers accept any 2xx.
   */
  preflightStatus?: 200 | 204;
  /**
   * Answer Private Network Access preflights (`Access-Control-Request-Private-Network: true`) from allowed
   * origins with `Access-Control-Allow-Private-Network: true`. Off by default; refused with `'*'` origins.
   */
  privateNetwork?: boolean;
  /** Start in debug mode (see {@link Policy.debug}). */
  debug?: boolean;
  /** Tolerate plain `http:` origins (other than loopback) together with credentials. */
  dangerouslyAllowInsecureOrigins?: boolean;
  /** Tolerate `*.` patterns directly under a public suffix (`https://*.github.io`, `https://*.co.uk`). */
  dangerouslyAllowPublicSuffixWildcards?: boolean;
  /**
   * The resolver's answers, kept per origin: at most `max` origins (default 1000) for `ttlMs` milliseconds
   * (default 60000), least recently used first out. `false`: ask the resolver on every request. Keyed by
   * origin alone: a resolver whose answer depends on more than the origin needs `false` (or one policy per
   * tenant, chosen per request).
   */
  originCache?: { max?: number; ttlMs?: number } | false;
  /** How long the resolver may take before the origin is refused and `onError` told (default 1000 ms). */
  originTimeoutMs?: number;
  /**
   * Told when the resolver throws, rejects, returns something other than a boolean, or times out (the origin
   * is then refused and nothing is cached). Default: `console.error`.
   */
  onError?: (error: Error, context: { origin: string; request: PolicyRequest }) => void;
}

/**
 * Decides whether an origin the static patterns do not match may read responses (a tenant allowlist kept in
 * a database). Called only with a valid serialized origin (`https://tenant.example`: `http`/`https`, lower
 * case, no path, no default port; with credentials, `https` or loopback), never with `null`. It answers
 * `true` or `false` only: corsight writes every header itself.
 */
export type OriginResolver = (origin: string, request: PolicyRequest) => boolean | Promise<boolean>;

/**
 * Request headers as the policy reads them, without copying:
 * - a record with lower-case names, values `string | string[] | undefined` (Node's `IncomingHttpHeaders`,
 *   what Express, Koa and Fastify expose as `req.headers`); repeated values are joined with `, `;
 * - or any object with a `get(name)` method returning `string | null` (the Fetch `Headers` class, as in
 *   `Request.headers`, Hono's `c.req.raw.headers`), which already combines repeated headers with `, `.
 * Only `origin`, `access-control-request-method`, `access-control-request-headers` and
 * `access-control-request-private-network` are ever read.
 */
export type RequestHeaders =
  Readonly<Record<string, string | readonly string[] | undefined>> | { get(name: string): string | null };

/** The request facts the policy decides on. */
export interface PolicyRequest {
  /** The request method exactly as received (HTTP methods are case-sensitive). */
  method: string;
  headers: RequestHeaders;
  /** The request target (path and query) as received, for origin resolvers; adapters fill it in. */
  url?: string;
}

/**
 * The policy's answer.
 *
 * Adapters apply it like this: when `kind === 'preflight'`, answer with `status` and `headers` and an empty
 * body, never calling the application; otherwise set `headers` on the application's response (before or
 * after it runs, including on error responses). Every header is set, replacing any previous value, except
 * `vary`, which must be appended to the response's existing `Vary` (see `appendVary`).
 * The objects may be shared between requests and are frozen: never mutate them.
 */
export interface PolicyDecision {
  /**
   * `preflight`: OPTIONS with `Origin` and `Access-Control-Request-Method`
   * (https://fetch.spec.whatwg.org/#cors-preflight-fetch);
   * `actual`: any other request with an `Origin` header; `none`: no `Origin` header (not a CORS request).
   */
  kind: 'preflight' | 'actual' | 'none';
  /** Whether the response grants the request's origin access (always false for `none`). */
  allowed: boolean;
  /** Only for preflights: 204 (or `preflightStatus`) when granted, 403 when refused. */
  status?: number;
  /** Response headers (lower-case names) to set; `vary` is to be appended. */
  headers: Readonly<Record<string, string>>;
  /**
   * Why access was refused. Constant and value-free normally; in debug mode it names the failing step and
   * the offending (escaped) value, and refused preflights also carry it in the `corsight-debug` header.
   */
  reason?: string;
}

// The problem shapes live beside their codes in problems.ts (one direction of import, no cycle).
export type { PolicyProblem, ProblemLevel } from './problems.js';
