/**
 * `expectCors(target).from(origin).fetch(path, init)`: run one `fetch()` through `corsight/browser`
 * against a server and assert what a browser would do. Framework-agnostic: a failed assertion throws
 * `AssertionError` from `node:assert`, which node:test, vitest and jest all report, with the same
 * explanation `corsight explain` prints (verdict, Chromium's console line, failed steps, fix).
 */
import { AssertionError } from 'node:assert';
import {
  isCorsErrorCode,
  type CorsErrorCode,
  type CredentialsMode,
  type ProfileName,
  type RedirectMode,
  type RequestMode,
} from '../browser/index.js';
import { explainRequest } from '../explain/explain.js';
import type { PolicyConfig } from '../policy/index.js';
import { exposeFix } from '../explain/fix.js';
import type { Explanation } from '../explain/types.js';
import { parseOrigin } from '../fetch/origin.js';
import { connect, type CorsTarget } from './target.js';

/** Options of {@link expectCors}. */
export interface ExpectCorsOptions {
  /** Browser profile asserted on; default `chromium`. */
  profile?: ProfileName;
  /**
   * Send a non-GET/HEAD actual request once its preflight passes, as a browser does (default true).
   * With false its response is assumed from the preflight's, and the failure text says so.
   */
  send?: boolean;
  /** Base URL for a fetch handler's requests; default `https://api.test`. */
  fetchBase?: string;
  /** Milliseconds per network request; default 10000. */
  timeout?: number;
  /**
   * The app's corsight policy configuration: a failure's fix then names configuration changes ("add
   * `x-client-version` to `requestHeaders`"). Without it, a policy in debug mode is recognised by its
   * `corsight-debug` header.
   */
  policy?: PolicyConfig;
}

/** The `fetch()` init the page uses (the parts that matter to CORS). */
export interface CorsFetchInit {
  method?: string;
  headers?: Record<string, string> | [string, string][];
  credentials?: CredentialsMode;
  mode?: RequestMode;
  redirect?: RedirectMode;
  /** `text` for a string body (adds `Content-Type: text/plain;charset=UTF-8` when none is given). */
  body?: 'none' | 'text';
}

/** A compact, readable account of an explanation for assertion messages. */
export function describeForAssertion(x: Explanation): string {
  const lines: string[] = [x.summary];
  if (x.chromiumConsoleMessage !== null) lines.push(`Chromium console: ${x.chromiumConsoleMessage}`);
  const failed = x.steps.filter((s) => !s.ok && s.step !== 'cache' && s.step !== 'result');
  for (const s of failed) lines.push(`failed step ${s.step}: ${s.detail}`);
  const others = x.verdicts.slice(1).map((v) => `${v.profile} ${v.allowed ? 'allowed' : `blocked (${v.code})`}`);
  lines.push(`other profiles: ${others.join(', ')}`);
  if (x.fix !== null) {
    lines.push(x.allowed ? 'fix for the profiles that block it:' : 'fix:');
    x.fix.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s.text}`));
    for (const n of x.fix.notes) lines.push(`  note: ${n}`);
  }
  for (const w of x.warnings) lines.push(`warning: ${w}`);
  for (const a of x.assumptions) lines.push(`assumed: ${a}`);
  return lines.join('\n');
}

/** One request from one origin, with its assertions. Each assertion resolves with the explanation. */
/** The assertions of {@link CorsRequestExpectation}, by name. */
type AssertionName = 'toBeAllowed' | 'toBeBlocked' | 'toBeBlockedWith' | 'toExpose' | 'toBePreflighted';

export class CorsRequestExpectation {
  readonly #target: CorsTarget;
  readonly #origin: string;
  readonly #path: string;
  readonly #init: CorsFetchInit;
  readonly #options: ExpectCorsOptions;
  #result: Promise<Explanation> | undefined;

  /** @internal use {@link expectCors}. */
  constructor(target: CorsTarget, origin: string, path: string, init: CorsFetchInit, options: ExpectCorsOptions) {
    this.#target = target;
    this.#origin = origin;
    this.#path = path;
    this.#init = init;
    this.#options = options;
  }

  /** Run the request once (later calls reuse the result) and explain it. */
  explain(): Promise<Explanation> {
    this.#result ??= this.#run();
    return this.#result;
  }

  async #run(): Promise<Explanation> {
    const conn = await connect(this.#target, {
      origin: this.#origin,
      fetchBase: this.#options.fetchBase,
      timeout: this.#options.timeout,
    });
    try {
      let url: string;
      try {
        url = new URL(this.#path, conn.base).href;
      } catch {
        throw new TypeError(`expectCors: cannot resolve '${this.#path}' against ${conn.base}`);
      }
      return await explainRequest(
        {
          origin: this.#origin,
          url,
          method: this.#init.method ?? 'GET',
          headers: this.#init.headers ?? [],
          credentials: this.#init.credentials ?? 'same-origin',
          mode: this.#init.mode ?? 'cors',
          redirect: this.#init.redirect ?? 'follow',
          body: this.#init.body ?? 'none',
        },
        {
          sender: conn.send,
          profile: this.#options.profile ?? 'chromium',
          send: this.#options.send ?? true,
          sendInFixSearch: false,
          addressSpaceHint: false,
          ...(this.#options.policy !== undefined && { policy: this.#options.policy }),
        },
      );
    } finally {
      await conn.close();
    }
  }

  #label(x: Explanation): string {
    return `${x.request.method} ${x.request.url} from ${x.request.origin}${x.request.credentials === 'include' ? ' with credentials' : ''} (${x.profile})`;
  }

  #fail(x: Explanation, expectation: string, assertion: AssertionName, actual?: unknown, expected?: unknown): never {
    throw new AssertionError({
      message: `expected ${this.#label(x)} ${expectation}\n${describeForAssertion(x)}`,
      actual,
      expected,
      operator: 'expectCors',
      // The stack starts at the caller of the assertion, the line in the user's test.
      // eslint-disable-next-line @typescript-eslint/unbound-method -- only compared against stack frames, never called
      stackStartFn: CorsRequestExpectation.prototype[assertion],
    });
  }

  /** Assert that `fetch()` resolves (the response is readable by the page). */
  async toBeAllowed(): Promise<Explanation> {
    const x = await this.explain();
    if (!x.allowed) this.#fail(x, 'to be allowed, but it is blocked', 'toBeAllowed', x.verdicts[0]?.code, 'allowed');
    return x;
  }

  /** Assert that `fetch()` rejects (any CORS or network error). */
  async toBeBlocked(): Promise<Explanation> {
    const x = await this.explain();
    if (x.allowed) this.#fail(x, 'to be blocked, but it is allowed', 'toBeBlocked', 'allowed', 'blocked');
    return x;
  }

  /**
   * Assert that `fetch()` rejects with this Chromium CORS error (CDP `Network.CorsError` name, e.g.
   * `MethodDisallowedByPreflightResponse`) and, when given, this failedParameter.
   */
  async toBeBlockedWith(code: CorsErrorCode | 'NetworkError', parameter?: string): Promise<Explanation> {
    if (code !== 'NetworkError' && !isCorsErrorCode(code)) {
      throw new TypeError(
        `toBeBlockedWith: '${String(code)}' is not a CORS error name (see CORS_ERROR_CODES in corsight/browser)`,
      );
    }
    const x = await this.explain();
    const v = x.verdicts[0]!;
    const want = parameter === undefined ? code : `${code} (${parameter})`;
    if (x.allowed) {
      this.#fail(x, `to be blocked with ${want}, but it is allowed`, 'toBeBlockedWith', 'allowed', want);
    }
    if (v.code !== code || (parameter !== undefined && v.parameter !== parameter)) {
      const got = `${v.code}${v.parameter ? ` (${v.parameter})` : ''}`;
      this.#fail(x, `to be blocked with ${want}, but it is blocked with ${got}`, 'toBeBlockedWith', got, want);
    }
    return x;
  }

  /** Assert that the request is allowed and script can read each of these response headers. */
  async toExpose(...names: string[]): Promise<Explanation> {
    if (names.length === 0) throw new TypeError('toExpose: name at least one header');
    const x = await this.explain();
    if (!x.allowed) {
      this.#fail(x, `to expose ${names.join(', ')}, but it is blocked`, 'toExpose', x.verdicts[0]?.code, 'allowed');
    }
    const readable = x.outcome.response?.exposedHeaders ?? [];
    const missing = names.map((n) => n.toLowerCase()).filter((n) => !readable.includes(n));
    if (missing.length > 0) {
      this.#fail(
        x,
        `to expose ${missing.join(', ')}, but script can only read ${readable.length === 0 ? '(nothing)' : readable.join(', ')}\nfix: ${exposeFix(x, missing)}`,
        'toExpose',
        readable,
        names.map((n) => n.toLowerCase()),
      );
    }
    return x;
  }

  /** Assert that a preflight is sent (or, with `false`, that none is). */
  async toBePreflighted(expected = true): Promise<Explanation> {
    const x = await this.explain();
    if (x.preflighted !== expected) {
      this.#fail(
        x,
        expected ? 'to be preflighted, but no preflight was sent' : 'not to be preflighted, but a preflight was sent',
        'toBePreflighted',
        x.preflighted,
        expected,
      );
    }
    return x;
  }
}

/** Requests from one origin. */
export class CorsOriginExpectation {
  readonly #target: CorsTarget;
  readonly #origin: string;
  readonly #options: ExpectCorsOptions;

  /** @internal use {@link expectCors}. */
  constructor(target: CorsTarget, origin: string, options: ExpectCorsOptions) {
    this.#target = target;
    this.#origin = origin;
    this.#options = options;
  }

  /** The page at this origin calls `fetch(path, init)`; `path` is resolved against the target. */
  fetch(path: string, init: CorsFetchInit = {}): CorsRequestExpectation {
    if (typeof path !== 'string') throw new TypeError('fetch: path must be a string such as /items or an absolute URL');
    // Checked as unknown: JavaScript callers can pass anything.
    const given: unknown = init;
    if (given === null || typeof given !== 'object') throw new TypeError('fetch: init must be an object');
    return new CorsRequestExpectation(this.#target, this.#origin, path, init, this.#options);
  }
}

/** The entry point: `expectCors(target)`. */
export class CorsExpectation {
  readonly #target: CorsTarget;
  readonly #options: ExpectCorsOptions;

  /** @internal use {@link expectCors}. */
  constructor(target: CorsTarget, options: ExpectCorsOptions) {
    this.#target = target;
    this.#options = options;
  }

  /** The page's origin (`https://app.example.com`, or `null` for a sandboxed or file: page). */
  from(origin: string): CorsOriginExpectation {
    if (typeof origin !== 'string' || parseOrigin(origin) === null) {
      throw new TypeError(
        `from: '${String(origin)}' is not a serialized origin (expected e.g. https://app.example.com, or null)`,
      );
    }
    return new CorsOriginExpectation(this.#target, origin, this.#options);
  }
}

/**
 * Assert a server's CORS behaviour as a browser would see it, without a browser.
 *
 * ```ts
 * await expectCors(app).from('https://a.example').fetch('/x', { method: 'PUT', credentials: 'include' }).toBeAllowed();
 * await expectCors(app).from('https://evil.example').fetch('/x').toBeBlockedWith('MissingAllowOriginHeader');
 * ```
 */
export function expectCors(target: CorsTarget, options: ExpectCorsOptions = {}): CorsExpectation {
  const given: unknown = target; // checked as unknown: JavaScript callers can pass anything
  if (given === null || given === undefined) {
    throw new TypeError('expectCors: a target is required (URL, handler, server or app)');
  }
  if (options.profile !== undefined && !['chromium', 'firefox', 'safari', 'spec'].includes(options.profile)) {
    throw new TypeError(`expectCors: unknown profile '${String(options.profile)}' (chromium, firefox, safari, spec)`);
  }
  return new CorsExpectation(target, options);
}
