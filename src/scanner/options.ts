import { isHeaderName } from '../fetch/headers.js';
import { isForbiddenMethod, isMethod, normalizeMethod } from '../fetch/methods.js';
import { NetOptionError, parseResolveRule, resolveNetOptions, type ResolveRule } from '../net/index.js';
import { ScanOptionError } from './errors.js';
import type { Check, HeaderList } from './types.js';

/**
 * How a scan runs. Every field has a default (see `defaultScanOptions`); the library takes a `Partial`.
 * Values are validated by `resolveScanOptions`, which throws a `ScanOptionError` naming the bad one.
 */
export interface ScanOptions {
  /** Extra request headers sent with every probe (`--header 'Name: value'`). `Origin` is the scanner's own. */
  headers: HeaderList;
  /** A Cookie header value sent with every probe (`--cookie 'a=b'`): makes the probes credentialed. */
  cookie: string | undefined;
  /** Origins the owner says it trusts (`--origin`), as serialized origins such as `https://app.example.com`. */
  trustedOrigins: readonly string[];
  /** Method of the simple probes and the baseline (`--method`, default GET). */
  method: string;
  /**
   * Host-name to address mappings, as curl's `--resolve`: `HOST:ADDRESS`, `HOST:PORT:ADDRESS`, or `*.HOST:ADDRESS`
   * for every sub-domain. IPv6 addresses may be bracketed. Connections go to the address; Host and SNI keep the name.
   */
  resolve: readonly string[];
  /** Targets scanned at once. */
  concurrency: number;
  /** Requests in flight to one host (host:port) at once; also the keep-alive pool size per origin. */
  perHost: number;
  /** Requests per second across the whole run; 0 means unlimited. Waiting for a start never fails a target. */
  rate: number;
  /** Milliseconds one request may take from connecting to the end of the (capped) body. */
  timeout: number;
  /**
   * Milliseconds a whole target may take; default 6 x timeout. Time its probes spend waiting for a place
   * (`--per-host`, `--rate`, backoff, `Retry-After`) while none is on the wire does not count.
   */
  targetTimeout: number | undefined;
  /**
   * Retries of a request after a connection-level failure (refused, reset, connect timeout) or a 429/503
   * answer, with backoff (or the answer's `Retry-After`).
   */
  retries: number;
  /** Base delay in ms of the exponential backoff between retries (doubles each attempt). */
  retryDelay: number;
  /**
   * The longest `Retry-After` waited for, in ms (`--max-retry-after`, default 60 s); a 429/503 asking for
   * longer ends its request as rate-limited at once.
   */
  maxRetryAfter: number;
  /** Accept any TLS certificate (self-signed labs). Never the default. */
  insecure: boolean;
  /** An http(s) proxy URL to send every request through. */
  proxy: string | undefined;
  /** Follow redirects of the baseline, only within the target's site (registrable domain). */
  followRedirects: boolean;
  /** The checks to run; defaults to every check in `src/scanner/checks/`. */
  checks: readonly Check[];
  /** Run only these check ids (`--checks`); undefined runs all of `checks`. */
  select: readonly string[] | undefined;
  /** Never run these check ids (`--exclude-checks`), applied after `select`; undefined excludes none. */
  exclude?: readonly string[] | undefined;
  /** Bytes of each response body read at most; the rest is never read (the connection is dropped). */
  bodyCap: number;
  /** The User-Agent header sent unless `headers` has one. */
  userAgent: string;
  /** Aborts the run (and every request in flight) when signalled. */
  signal: AbortSignal | undefined;
  /** A wait before every request starts, shared beyond this process (the queue worker's cluster-wide `--rate`). */
  requestGate?: ((signal?: AbortSignal) => Promise<void>) | undefined;
}

/** Defaults of every option except `checks`, which the scanner's entry point fills in. */
export const defaultScanOptions: Omit<ScanOptions, 'checks'> = {
  headers: [],
  cookie: undefined,
  trustedOrigins: [],
  method: 'GET',
  resolve: [],
  concurrency: 16,
  perHost: 8,
  rate: 0,
  timeout: 10_000,
  targetTimeout: undefined,
  retries: 2,
  retryDelay: 250,
  maxRetryAfter: 60_000,
  insecure: false,
  proxy: undefined,
  followRedirects: false,
  select: undefined,
  bodyCap: 4096,
  userAgent: 'corsight (CORS scanner; +https://www.npmjs.com/package/corsight)',
  signal: undefined,
};

export type { ResolveRule } from '../net/index.js';

/** Parses one `--resolve` value (every form curl accepts; see `parseResolveRule` in src/net/resolve.ts). */
export function parseResolve(entry: string): ResolveRule {
  return asScanOptionError(() => parseResolveRule(entry));
}

/** Runs a net-layer validation, reporting a bad value as the scanner's `ScanOptionError` (exit 2 in the CLI). */
function asScanOptionError<T>(validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (error instanceof NetOptionError) throw new ScanOptionError(error.message);
    throw error;
  }
}

/** Parses `Name: value` into a header pair, rejecting what would corrupt the request. */
export function parseHeader(line: string): [string, string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw new ScanOptionError(`bad --header '${line}': expected 'Name: value'`);
  const name = line.slice(0, colon).trim();
  const value = line.slice(colon + 1).trim();
  if (!isHeaderName(name)) throw new ScanOptionError(`bad --header '${line}': '${name}' is not a valid header name`);
  checkHeader(name, value);
  return [name, value];
}

function checkHeader(name: string, value: string): void {
  // Fetch: a header value has no leading/trailing whitespace and contains no 0x00, 0x0A or 0x0D.
  if (/[\0\r\n]/.test(value)) throw new ScanOptionError(`bad header ${name}: the value contains a NUL, CR or LF byte`);
  if (!isHeaderName(name)) throw new ScanOptionError(`bad header name '${name}'`);
  if (name.toLowerCase() === 'origin') {
    throw new ScanOptionError(
      'the Origin header is set by each probe; name origins the owner trusts with --origin instead',
    );
  }
}

/**
 * Validates a serialized origin (`--origin`): an http(s) scheme, a host and an optional port, nothing else.
 * Returns it in serialized form (lower-case host, default port dropped).
 */
export function parseTrustedOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ScanOptionError(`bad --origin '${value}': not a URL (expected e.g. https://app.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ScanOptionError(`bad --origin '${value}': the scheme must be http or https`);
  }
  if (url.username || url.password) throw new ScanOptionError(`bad --origin '${value}': an origin has no user info`);
  const rest = value.replace(/^[a-z]+:\/\/[^/?#]*/i, '');
  if (rest !== '' && rest !== '/') {
    throw new ScanOptionError(`bad --origin '${value}': an origin has no path, query or fragment`);
  }
  return url.origin;
}

function positiveInt(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ScanOptionError(`bad ${name} '${value}': expected a whole number from 1 to ${max}`);
  }
  return value;
}

/** Fills in defaults and validates every option; throws `ScanOptionError` naming the first bad value. */
export function resolveScanOptions(options: Partial<ScanOptions> & { checks: readonly Check[] }): ScanOptions & {
  resolveRules: readonly ResolveRule[];
} {
  const merged: ScanOptions = { ...defaultScanOptions, ...stripUndefined(options) } as ScanOptions;
  const headers: HeaderList = merged.headers.map(([name, value]) => {
    checkHeader(name, value);
    return [name, value];
  });
  if (merged.cookie !== undefined && /[\0\r\n]/.test(merged.cookie)) {
    throw new ScanOptionError('bad --cookie: the value contains a NUL, CR or LF byte');
  }
  if (!isMethod(merged.method)) {
    throw new ScanOptionError(`bad --method '${merged.method}': not an HTTP method token`);
  }
  const method = normalizeMethod(merged.method);
  if (isForbiddenMethod(method)) {
    // Fetch: forbidden methods; a browser can never send them cross-origin, so probing with them proves nothing.
    throw new ScanOptionError(
      `bad --method '${merged.method}': browsers never send it (a forbidden method in the Fetch Standard)`,
    );
  }
  const trustedOrigins = merged.trustedOrigins.map(parseTrustedOrigin);
  // The network options (limits, timeouts, retries, proxy, TLS, --resolve) are the net layer's to validate.
  const { resolveRules } = asScanOptionError(() =>
    resolveNetOptions({
      perHost: merged.perHost,
      rate: merged.rate,
      timeout: merged.timeout,
      retries: merged.retries,
      retryDelay: merged.retryDelay,
      maxRetryAfter: merged.maxRetryAfter,
      insecure: merged.insecure,
      proxy: merged.proxy,
      bodyCap: merged.bodyCap,
      resolve: merged.resolve,
    }),
  );
  positiveInt('--concurrency', merged.concurrency, 10_000);
  if (merged.targetTimeout !== undefined) positiveInt('target timeout', merged.targetTimeout, 24 * 3_600_000);
  for (const [flag, ids] of [
    ['', merged.select],
    ['--exclude-checks: ', merged.exclude],
  ] as const) {
    if (ids === undefined) continue;
    const known = new Set(merged.checks.map((check) => check.id as string));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new ScanOptionError(
        `${flag}unknown check id${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `'${id}'`).join(', ')} (known: ${[...known].join(', ')})`,
      );
    }
  }
  if (merged.exclude !== undefined && selectedChecks(merged).length === 0) {
    throw new ScanOptionError('--exclude-checks excludes every check the scan would run: nothing left to scan with');
  }
  return { ...merged, headers, method, trustedOrigins, resolveRules };
}

/** The checks a scan runs: `checks`, narrowed to `select` when given, without those of `exclude`. */
export function selectedChecks(options: Pick<ScanOptions, 'checks' | 'select' | 'exclude'>): readonly Check[] {
  const excluded = new Set(options.exclude ?? []);
  const wanted = options.select === undefined ? undefined : new Set(options.select);
  if (wanted === undefined && excluded.size === 0) return options.checks;
  return options.checks.filter((check) => (wanted?.has(check.id) ?? true) && !excluded.has(check.id));
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
