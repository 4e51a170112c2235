/**
 * Configuration problems: their stable codes and the aggregated error `createPolicy` throws.
 */

import { KNOWN_OPTIONS } from './options.js';

/**
 * Every stable problem code, with the severity it is reported at. Codes never change meaning; new ones may
 * be added.
 */
export const PROBLEM_CODES = {
  /** The configuration is not a plain object. */
  'config-not-object': 'error',
  /** Reading the configuration threw (a getter or a Proxy trap). */
  'config-unreadable': 'error',
  /** A key the configuration does not know (typo such as `origin` for `origins`). */
  'unknown-option': 'error',
  /** An option has the wrong type (`credentials: 'yes'`, `origins: 'https://a.example'`, ...). */
  'invalid-type': 'error',
  /** `origins` is missing: there is no default policy. */
  'origins-missing': 'error',
  /** `origins` is an empty list. */
  'origins-empty': 'error',
  /** `'*'` listed together with other origins. */
  'origin-wildcard-mixed': 'error',
  /** `'*'` with `credentials: true` (browsers reject it; reflecting instead would allow every site). */
  'origin-wildcard-with-credentials': 'error',
  /** The `null` origin (sandboxed iframes, `data:` URLs, redirects: anyone can obtain it). */
  'origin-null': 'error',
  /** A `file:` origin (opaque in browsers; serialized as `null`). */
  'origin-file-scheme': 'error',
  /** Not of the form `scheme://host[:port]`. */
  'origin-malformed': 'error',
  /** A path after the host. */
  'origin-path': 'error',
  /** A trailing slash: origins never end with `/`. */
  'origin-trailing-slash': 'error',
  /** A query or fragment. */
  'origin-query': 'error',
  /** Userinfo (`user:pass@`). */
  'origin-userinfo': 'error',
  /** The scheme's default port written out (browsers omit it, so it would never match). */
  'origin-default-port': 'error',
  /** A port that is not 1..65535 in canonical decimal, or `*` misplaced. */
  'origin-bad-port': 'error',
  /** Upper-case letters (browsers serialize origins in lower case, so it would never match). */
  'origin-uppercase': 'error',
  /** A non-ASCII host (browsers serialize it as punycode `xn--`). */
  'origin-non-ascii-host': 'error',
  /** A host that is not a valid domain, canonical IPv4 or canonical bracketed IPv6. */
  'origin-bad-host': 'error',
  /** A host with a trailing dot (a different origin from the one without it). */
  'origin-trailing-dot': 'error',
  /** A `*` other than a leading `*.` label, a `prefix-*` label or a `:*` port, or a pattern that can never match. */
  'origin-bad-wildcard': 'error',
  /** Whitespace around an origin (browsers never send any). */
  'origin-whitespace': 'error',
  /** Plain `http:` (not loopback) with credentials: a network attacker could act as that origin. */
  'origin-insecure-with-credentials': 'error',
  /** `*.` directly under a public suffix: anyone can register such a subdomain. */
  'origin-public-suffix-wildcard': 'error',
  /** The same origin listed twice. */
  'origin-duplicate': 'warning',
  /** An exact origin already covered by a wildcard pattern. */
  'origin-redundant': 'warning',
  /** A method that is not an HTTP token. */
  'method-invalid': 'error',
  /** CONNECT, TRACE or TRACK: `fetch()` forbids them. */
  'method-forbidden': 'error',
  /**
   * A method with lower-case letters that Fetch does not normalize (`patch`): browsers send `PATCH` as written,
   * so it would not match.
   */
  'method-case': 'warning',
  /** The same method listed twice (after Fetch normalization). */
  'method-duplicate': 'warning',
  /** A header name that is not an HTTP token. */
  'header-invalid': 'error',
  /** A request header scripts cannot set, or a response header browsers never expose. */
  'header-forbidden': 'error',
  /** A header that has no business in this list (`Access-Control-*`, CORS request headers as exposed). */
  'header-prohibited': 'error',
  /** The same header listed twice (case-insensitively). */
  'header-duplicate': 'warning',
  /** A CORS-safelisted response header in `exposeHeaders`: always exposed anyway. */
  'header-safelisted': 'warning',
  /** `exposeHeaders: ['*']` with credentials: browsers take `*` literally then. */
  'expose-wildcard-with-credentials': 'error',
  /** `'*'` mixed with names in `exposeHeaders`. */
  'expose-wildcard-mixed': 'error',
  /** `maxAge` not an integer. */
  'max-age-not-integer': 'error',
  /** `maxAge` outside [-1, 86400]. */
  'max-age-out-of-range': 'error',
  /** `preflightStatus` other than 204 or 200. */
  'preflight-status-invalid': 'error',
  /** `privateNetwork` with `'*'` origins: every site on the web could reach the private network. */
  'private-network-with-wildcard-origin': 'error',
  /** More than one resolver function in `origins`. */
  'origin-resolver-multiple': 'error',
  /** `originCache` not `false` or `{ max, ttlMs }` with sensible numbers. */
  'origin-cache-invalid': 'error',
  /** `originTimeoutMs` not a whole number of milliseconds in 1..60000. */
  'origin-timeout-invalid': 'error',
  /** `originCache`, `originTimeoutMs` or `onError` without a resolver in `origins`. */
  'origin-resolver-missing': 'warning',
  // Risks a valid policy takes on purpose (risks.ts): named by the id of the scanner check that reports the same
  // trust on a live server, with the same words, so `check-policy` and `scan --policy` agree.
  /** A `*.` or `prefix-*.` pattern: every matching sub-domain, configured or not, may read. */
  'any-subdomain-trusted': 'warning',
  /** A loopback origin (`localhost`, `127.0.0.1`, `[::1]`): local servers and apps may read. */
  'localhost-trusted': 'warning',
  /** A plain-http origin (not loopback): a network attacker can act as it. */
  'insecure-origin-trusted': 'warning',
  /** An origin where anyone can publish script (a public-suffix wildcard opted into, a code playground). */
  'third-party-origin-trusted': 'warning',
  /** `'*'`: every page may read without credentials (right for public data only). */
  'wildcard-origin': 'warning',
} as const satisfies Record<string, 'error' | 'warning'>;

/** A stable problem code. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/**
 * How serious a configuration problem is: errors make `createPolicy` throw, warnings do not. (A level, not the
 * scanner's finding `Severity`: the two are different scales and both are public.)
 */
export type ProblemLevel = 'error' | 'warning';

/** One configuration problem, as listed by `validatePolicy` and `CorsConfigError.errors`. */
export interface PolicyProblem {
  /** Stable identifier, safe to switch on. */
  code: ProblemCode;
  severity: ProblemLevel;
  /** Where in the configuration: `origins[2]`, `maxAge`, ... */
  path: string;
  /** The offending value. */
  value: unknown;
  /** A human explanation, naming the value and the fix. */
  message: string;
}

/**
 * The list of known options, once for all `unknown-option` problems (not repeated on every line); `''` when
 * there is none.
 */
export function knownOptionsNote(problems: readonly PolicyProblem[]): string {
  return problems.some((p) => p.code === 'unknown-option') ? `\nknown options: ${KNOWN_OPTIONS.join(', ')}` : '';
}

/** Builds a problem with the severity registered for its code. */
export function problem(code: ProblemCode, path: string, value: unknown, message: string): PolicyProblem {
  return { code, severity: PROBLEM_CODES[code], path, value, message };
}

/** One problem as an `Error`, so that `CorsConfigError.errors` holds real errors with the problem's fields. */
export class CorsConfigProblem extends Error implements PolicyProblem {
  override name = 'CorsConfigProblem';
  readonly code: ProblemCode;
  readonly severity: PolicyProblem['severity'];
  readonly path: string;
  readonly value: unknown;
  constructor(p: PolicyProblem) {
    super(p.message);
    this.code = p.code;
    this.severity = p.severity;
    this.path = p.path;
    this.value = p.value;
  }
}

/**
 * Thrown by `createPolicy` and `policy.reconfigure` when the configuration has at least one error-severity
 * problem. `errors` lists every problem found (warnings included), each a {@link CorsConfigProblem} with a
 * stable `code`, `path`, `value` and `message`.
 */
export class CorsConfigError extends AggregateError {
  override name = 'CorsConfigError';
  declare readonly errors: CorsConfigProblem[];
  /** The same problems as plain objects. */
  readonly problems: readonly PolicyProblem[];
  constructor(problems: readonly PolicyProblem[]) {
    const errorCount = problems.filter((p) => p.severity === 'error').length;
    const lines = problems.map((p) => `  - [${p.code}] ${p.path}: ${p.message}`).join('\n');
    super(
      problems.map((p) => new CorsConfigProblem(p)),
      `invalid CORS policy (${errorCount} error${errorCount === 1 ? '' : 's'}):\n${lines}${knownOptionsNote(problems)}`,
    );
    this.problems = problems;
  }
}
