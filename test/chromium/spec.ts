/**
 * The data model of the differential test: a *case* is one `fetch()` a page makes plus the behaviour of every
 * server hop it may reach. The server behaviour travels inside the request URL (base64url JSON in the query),
 * so the same pure `respond()` (./respond.ts) can answer Chromium over real HTTP and `simulateFetch` through an
 * in-process Transport, and nothing about a case lives in server state.
 *
 * A case URL looks like `http://api.test:PORT/c/<key>/<hop>?s=<base64url {"h":[hops...]}>`: `key` is unique per
 * run and case (so preflight-cache entries, which Chromium keys by origin + full URL, never leak between cases),
 * `hop` is the index into the hop list, and a redirect's `Location` is simply the next hop's URL.
 */

/** The named origins of the test world; ./world.ts gives each a real serialized origin on loopback. */
export type OriginKey = 'page' | 'api' | 'other' | 'sibling' | 'secure' | 'spage' | 'loopback';
export const originKeys: readonly OriginKey[] = ['page', 'api', 'other', 'sibling', 'secure', 'spage', 'loopback'];

/** Serialized origin (`scheme://host:port`) of every named origin, fixed once the listeners have ports. */
export interface World {
  origins: Record<OriginKey, string>;
}

/** One header line as it goes on the wire: repeated names are separate lines, values are raw. */
export type HeaderLine = [name: string, value: string];

/**
 * How one hop answers a request. Header values may hold placeholders, expanded per request:
 * `{{origin}}` the request's Origin header (empty if absent), `{{page}}` the page origin (`{{pagehost}}` its
 * host:port, `{{pageupper}}` it upper-cased), `{{origin:KEY}}` the
 * world origin KEY, `{{next}}` the next hop's URL (for `Location`; `{{nextpath}}` its path and query only, a relative reference), `{{self}}` this hop's URL, `{{acrm}}` and
 * `{{acrh}}` the request's Access-Control-Request-Method / -Headers, `{{method}}` the request method.
 */
export interface Answer {
  /** Conditions on the request; all given ones must hold (byte-exact) for this answer to apply. */
  when?: { method?: string; acrm?: string; acrh?: string | null; origin?: string | null };
  /** Status code, default 200. */
  status?: number;
  /** Header lines in order (the harness appends Content-Type, Cache-Control, Content-Length, Connection). */
  headers?: HeaderLine[];
}

/** One server hop of a case: where it is served and how it answers preflights and other requests. */
export interface Hop {
  /** The origin serving this hop. */
  at: OriginKey;
  /** `user:pass` placed in this hop's URL (in the initial URL, or in the Location that points here). */
  userinfo?: string;
  /** Answer(s) to a CORS preflight (`OPTIONS` carrying Access-Control-Request-Method); first match wins. */
  preflight?: Answer | Answer[];
  /** Answer(s) to every other request; first match wins. */
  actual?: Answer | Answer[];
  /** Shorthand for repeating this hop n times in a row (redirect chains). */
  repeat?: number;
}

/**
 * The `fetch()` call of a case, made by the page (`from: 'page'`), a sandboxed iframe in it (`from: 'null'`) or
 * the https page (`from: 'spage'`, a secure context).
 */
export interface CaseRequest {
  from?: 'page' | 'null' | 'spage';
  method?: string;
  headers?: HeaderLine[];
  credentials?: 'omit' | 'same-origin' | 'include';
  mode?: 'cors' | 'no-cors' | 'same-origin';
  redirect?: 'follow' | 'error' | 'manual';
  /**
   * `text` sends the string body "hello" (fetch then adds `Content-Type: text/plain;charset=UTF-8`); `stream`
   * sends a ReadableStream (with `duplex: 'half'`), which sets the use-CORS-preflight flag.
   */
  body?: 'none' | 'text' | 'stream';
}

/**
 * What Chromium is expected to do for a hand-written case (the WPT behaviour it ports). Checked against the
 * browser, independently of the engine, so the corpus itself is proven; every field is optional.
 * `origins` uses `$page` for the page origin, `null` (string) for `Origin: null` and JSON null for "absent".
 */
export interface Expectation {
  /** fetch() resolved (any status, any response type). */
  allowed?: boolean;
  /** fetch() rejected with a TypeError other than "Failed to fetch" (request construction). */
  throws?: boolean;
  /** CDP corsErrorStatus.corsError, or null for "no CORS error reported". */
  error?: string | null;
  parameter?: string;
  /** A preflight (OPTIONS with Access-Control-Request-Method) reached the server. */
  preflight?: boolean;
  /** Access-Control-Request-Headers of the (first) preflight; null = absent. */
  acrh?: string | null;
  acrm?: string;
  /** Methods of the requests the server saw, in order. */
  methods?: string[];
  /** Origin header of each request the server saw, in order. */
  origins?: (string | null)[];
  /** Readable response header names, exactly (lowercase, sorted). */
  exposed?: string[];
  /** Names that must / must not be readable. */
  exposes?: string[];
  hides?: string[];
  type?: 'basic' | 'cors' | 'opaque' | 'opaqueredirect';
  status?: number;
  /** CDP loadingFailed.errorText of the request (e.g. net::ERR_TOO_MANY_REDIRECTS). */
  netError?: string;
}

/** A complete case. */
export interface CaseSpec {
  /** Readable identifier, unique in its corpus. */
  id: string;
  /** One line: the rule this case pins down and where it comes from. */
  why?: string;
  request: CaseRequest;
  hops: Hop[];
  expect?: Expectation;
}

const requestKeys = new Set(['from', 'method', 'headers', 'credentials', 'mode', 'redirect', 'body']);
const hopKeys = new Set(['at', 'userinfo', 'preflight', 'actual', 'repeat']);
const answerKeys = new Set(['when', 'status', 'headers']);
const whenKeys = new Set(['method', 'acrm', 'acrh', 'origin']);
const expectKeys = new Set([
  'allowed',
  'throws',
  'error',
  'parameter',
  'preflight',
  'acrh',
  'acrm',
  'methods',
  'origins',
  'exposed',
  'exposes',
  'hides',
  'type',
  'status',
  'netError',
]);
const caseKeys = new Set(['id', 'why', 'request', 'hops', 'expect']);

function fail(where: string, problem: string): never {
  throw new TypeError(`case spec ${where}: ${problem}`);
}

function checkKeys(where: string, value: unknown, allowed: Set<string>): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'must be an object');
  for (const k of Object.keys(value)) if (!allowed.has(k)) fail(where, `unknown field "${k}"`);
  return value as Record<string, unknown>;
}

function checkHeaderLines(where: string, value: unknown): void {
  if (!Array.isArray(value)) fail(where, 'must be an array of [name, value] pairs');
  value.forEach((line, i) => {
    if (!Array.isArray(line) || line.length !== 2 || typeof line[0] !== 'string' || typeof line[1] !== 'string') {
      fail(`${where}[${i}]`, 'must be a [name, value] pair of strings');
    }
  });
}

function checkAnswers(where: string, value: unknown): void {
  const list = Array.isArray(value) ? value : [value];
  list.forEach((a, i) => {
    const w = Array.isArray(value) ? `${where}[${i}]` : where;
    const o = checkKeys(w, a, answerKeys);
    if (o.when !== undefined) checkKeys(`${w}.when`, o.when, whenKeys);
    if (
      o.status !== undefined &&
      (!Number.isInteger(o.status) || (o.status as number) < 200 || (o.status as number) > 599)
    ) {
      fail(`${w}.status`, `must be an integer in 200..599, got ${JSON.stringify(o.status)}`);
    }
    if (o.headers !== undefined) {
      checkHeaderLines(`${w}.headers`, o.headers);
      for (const [n, v] of o.headers as HeaderLine[]) {
        // Names need not be tokens (odd bytes are a test subject), but must keep the line parseable.
        // eslint-disable-next-line no-control-regex -- control bytes are exactly what this check refuses
        if (!/^[^\u0000-\u0020:\u007f]+$/.test(n) || /[^\u0000-\u00ff]/.test(n)) {
          fail(`${w}.headers`, `header name ${JSON.stringify(n)} cannot go on the wire`);
        }
        // Message framing belongs to the harness (./respond.ts appends it); a case setting it would break the wire.
        if (/^(content-length|transfer-encoding|connection)$/i.test(n)) {
          fail(`${w}.headers`, `${n} is set by the harness`);
        }
        // The wire server writes values as latin1 bytes; CR, LF and NUL would split or corrupt the response.
        // eslint-disable-next-line no-control-regex -- control bytes are exactly what this check refuses
        if (/[\r\n\0]/.test(v) || /[^\u0000-\u00ff]/.test(v)) {
          fail(`${w}.headers`, `value ${JSON.stringify(v)} cannot go on the wire`);
        }
      }
    }
  });
}

/** Validates a case (from JSON or a generator), throwing a TypeError that names the problem. */
export function validateCase(value: unknown): CaseSpec {
  const c = checkKeys('(root)', value, caseKeys);
  if (typeof c.id !== 'string' || c.id === '') fail('id', 'must be a non-empty string');
  const at = `"${c.id}"`;
  if (c.why !== undefined && typeof c.why !== 'string') fail(`${at}.why`, 'must be a string');
  const r = checkKeys(`${at}.request`, c.request, requestKeys);
  if (r.headers !== undefined) checkHeaderLines(`${at}.request.headers`, r.headers);
  const enums: Record<string, string[]> = {
    from: ['page', 'null', 'spage'],
    credentials: ['omit', 'same-origin', 'include'],
    mode: ['cors', 'no-cors', 'same-origin'],
    redirect: ['follow', 'error', 'manual'],
    body: ['none', 'text', 'stream'],
  };
  for (const [k, allowed] of Object.entries(enums)) {
    if (r[k] !== undefined && !allowed.includes(r[k] as string)) {
      fail(`${at}.request.${k}`, `must be one of ${allowed.join(', ')}`);
    }
  }
  if (r.method !== undefined && typeof r.method !== 'string') fail(`${at}.request.method`, 'must be a string');
  if (!Array.isArray(c.hops) || c.hops.length === 0) fail(`${at}.hops`, 'must be a non-empty array');
  c.hops.forEach((h, i) => {
    const o = checkKeys(`${at}.hops[${i}]`, h, hopKeys);
    if (!originKeys.includes(o.at as OriginKey)) fail(`${at}.hops[${i}].at`, `must be one of ${originKeys.join(', ')}`);
    if (o.userinfo !== undefined && typeof o.userinfo !== 'string') {
      fail(`${at}.hops[${i}].userinfo`, 'must be a string');
    }
    if (o.repeat !== undefined && (!Number.isInteger(o.repeat) || (o.repeat as number) < 1)) {
      fail(`${at}.hops[${i}].repeat`, 'must be a positive integer');
    }
    if (o.preflight !== undefined) checkAnswers(`${at}.hops[${i}].preflight`, o.preflight);
    if (o.actual !== undefined) checkAnswers(`${at}.hops[${i}].actual`, o.actual);
  });
  if (c.expect !== undefined) checkKeys(`${at}.expect`, c.expect, expectKeys);
  return value as CaseSpec;
}

/** Expands `repeat` so that hop i of the URL is element i of the result. */
export function expandHops(hops: readonly Hop[]): Hop[] {
  const out: Hop[] = [];
  for (const h of hops) {
    const { repeat, ...one } = h;
    for (let i = 0; i < (repeat ?? 1); i++) out.push(one);
  }
  return out;
}

/** base64url of UTF-8 JSON (no padding), the encoding of the `s` query parameter. */
export function encodeHops(hops: readonly Hop[]): string {
  return Buffer.from(JSON.stringify({ h: hops }), 'utf8').toString('base64url');
}

/** Inverse of encodeHops; throws a TypeError naming the problem on malformed input. */
export function decodeHops(s: string): Hop[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch (e) {
    throw new TypeError(`case URL: parameter s is not base64url JSON (${(e as Error).message})`);
  }
  const h = (parsed as { h?: unknown }).h;
  if (!Array.isArray(h)) throw new TypeError('case URL: parameter s has no hop list');
  return h as Hop[];
}

/** The URL of hop `index` of the case with run-unique `key`. */
export function hopUrl(
  world: World,
  key: string,
  hops: readonly Hop[],
  index: number,
  encoded = encodeHops(hops),
): string {
  const expanded = expandHops(hops);
  const hop = expanded[index];
  if (!hop) throw new RangeError(`hop ${index} does not exist (case ${key} has ${expanded.length})`);
  const origin = world.origins[hop.at];
  const withUser = hop.userinfo ? origin.replace('://', `://${hop.userinfo}@`) : origin;
  return `${withUser}/c/${encodeURIComponent(key)}/${index}?s=${encoded}`;
}

/** Case key and hop index from a case URL's path alone (no decoding), or null. */
export function caseKeyOf(url: string): { key: string; hop: number } | null {
  const m = /^[a-z]+:\/\/[^/]+\/c\/([^/?#]+)\/(\d+)(?:[?#]|$)/i.exec(url);
  return m ? { key: decodeURIComponent(m[1]!), hop: Number(m[2]) } : null;
}

/** Where a case URL points: case key, hop index and the hop list; null for URLs that are not case URLs. */
export function parseCaseUrl(url: string): { key: string; hop: number; hops: Hop[]; encoded: string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const m = /^\/c\/([^/]+)\/(\d+)$/.exec(u.pathname);
  const s = u.searchParams.get('s');
  if (!m || s === null) return null;
  return { key: decodeURIComponent(m[1]!), hop: Number(m[2]), hops: decodeHops(s), encoded: s };
}
