/**
 * `createPolicy`: validates a configuration, compiles it (origins indexed, every constant header value and
 * decision built once) and evaluates requests against it.
 */
import {
  ACAC,
  ACAH,
  ACAM,
  ACAO,
  ACAPN,
  ACEH,
  ACMA,
  ACRH,
  ACRM,
  ACRPN,
  DEBUG_HEADER,
  ORIGIN,
  VARY,
  readHeader,
} from './headers.js';
import { OriginMatcher } from './origin-matcher.js';
import { isWildcardPattern } from './origin-pattern.js';
import { OriginResolution, resolverOptions } from './origin-resolver.js';
import { CorsConfigError } from './problems.js';
import { OK, RequestHeaderChecker, TOO_LONG, elementAt } from './request-headers.js';
import { SAFELISTED_METHODS, escapeValue, isToken } from './tokens.js';
import type { PolicyConfig, PolicyDecision, PolicyRequest } from './types.js';
import { checkConfig, type NormalizedConfig } from './validate.js';

/** A compiled CORS policy. */
export interface Policy {
  /**
   * Decides how to answer one request. Pure, synchronous, never throws, whatever the request holds; cost is
   * linear in the length of the CORS request headers and independent of the number of allowed origins.
   * With an origin resolver, an origin the patterns do not match is decided by the resolver's cached answer;
   * one the resolver has not answered yet is refused (`reason` says so): use {@link Policy.decide} to ask it.
   */
  evaluate(request: PolicyRequest): PolicyDecision;
  /**
   * `evaluate`, asking the origin resolver when it has to: returns the decision itself whenever it can (always
   * without a resolver, and for origins listed, cached or not eligible), a promise only while the resolver is
   * asked. Never throws, never rejects: a failing or slow resolver refuses the origin (see `onError`).
   * Adapters call this.
   */
  decide(request: PolicyRequest): PolicyDecision | Promise<PolicyDecision>;
  /** Forgets the origin resolver's cached answers (after an allowlist changed). */
  clearOriginCache(): void;
  /**
   * Validates `config` and, only if it has no error, swaps it in: the next `evaluate` uses it. On error, throws
   * a `CorsConfigError` and keeps the current configuration. `debug` is taken from `config` when given.
   * Expose it only to trusted operators (it can widen access).
   */
  reconfigure(config: PolicyConfig): void;
  /**
   * Debug mode, switchable at run time. When on, refusals carry a `reason` naming the failing step and the
   * offending value (escaped: printable ASCII only, truncated), and refused preflights also send it in the
   * `corsight-debug` response header so the browser's network panel shows it. Status codes and CORS headers
   * do not change. Off by default: it tells callers why they were refused.
   */
  debug: boolean;
  /** A frozen deep copy of the current configuration. */
  readonly config: Readonly<PolicyConfig>;
}

/** Precomputed decisions of one exact origin. */
interface ExactEntry {
  actual: PolicyDecision;
  actualOptions: PolicyDecision;
  /** The granted preflight when it depends on nothing but the origin. */
  preflight: PolicyDecision | undefined;
}

/** The origin resolver must be asked: `lookup` cannot decide from the patterns and the cache. */
const PENDING: unique symbol = Symbol('corsight.pending');
type Pending = typeof PENDING;

/** Longest method a `methods: ['*']` policy reflects. */
const MAX_METHOD_LENGTH = 64;

const freeze = <T extends object>(o: T): Readonly<T> => Object.freeze(o);

const decision = (
  kind: PolicyDecision['kind'],
  allowed: boolean,
  headers: Record<string, string>,
  extra: { status?: number; reason?: string } = {},
): PolicyDecision => freeze({ kind, allowed, ...extra, headers: freeze(headers) });

/** Everything the request path needs, built once per configuration. */
class Compiled {
  readonly allOrigins: boolean;
  readonly credentials: boolean;
  readonly matcher = new OriginMatcher<ExactEntry>();
  /** Allowed non-safelisted methods, or undefined for `*`. */
  readonly methods: ReadonlySet<string> | undefined;
  readonly reflectMethod: boolean;
  readonly acam: string | undefined;
  readonly checker: RequestHeaderChecker;
  readonly reflectHeaders: boolean;
  readonly acah: string | undefined;
  readonly aceh: string | undefined;
  readonly acma: string | undefined;
  readonly privateNetwork: boolean;
  /** Vary of every OPTIONS response: whether it is a preflight and how it is answered depend on these. */
  readonly optionsVary: string;
  /** Vary of other responses ("Origin"), or undefined when every origin gets the same answer. */
  readonly actualVary: string | undefined;
  readonly none: PolicyDecision;
  readonly noneOptions: PolicyDecision;
  readonly anyActual: PolicyDecision;
  readonly anyActualOptions: PolicyDecision;
  readonly refusedActual: PolicyDecision;
  readonly refusedActualOptions: PolicyDecision;
  readonly refusedOrigin: PolicyDecision;
  readonly refusedMethod: PolicyDecision;
  readonly refusedHeaders: PolicyDecision;
  readonly refusedPrivateNetwork: PolicyDecision;
  readonly anyPreflight: PolicyDecision | undefined;
  readonly preflightStatus: 200 | 204;
  /** The origin resolver's runtime, when `origins` lists one. */
  readonly resolution: OriginResolution | undefined;
  readonly unresolvedActual: PolicyDecision;
  readonly unresolvedActualOptions: PolicyDecision;
  readonly unresolvedPreflight: PolicyDecision;

  constructor(
    readonly config: NormalizedConfig,
    source: PolicyConfig,
  ) {
    this.preflightStatus = config.preflightStatus;
    const resolver = config.runtime.resolver;
    this.resolution = resolver ? new OriginResolution(resolverOptions(source, resolver)) : undefined;
    this.allOrigins = config.origins === '*';
    this.credentials = config.credentials;
    this.privateNetwork = config.privateNetwork;
    this.methods = config.methods === '*' ? undefined : new Set(config.methods);
    this.reflectMethod = config.methods === '*' && config.credentials;
    // Safelisted methods never need ACAM (https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7.5: they pass the method check
    // regardless).
    const listed = config.methods === '*' ? [] : config.methods.filter((m) => !SAFELISTED_METHODS.has(m));
    this.acam =
      config.methods === '*'
        ? config.credentials
          ? undefined
          : '*'
        : listed.length > 0
          ? listed.join(', ')
          : undefined;
    const { names, wildcard } = config.requestHeaders;
    this.checker = new RequestHeaderChecker(names, wildcard);
    // With credentials, browsers read "*" in ACAH literally, so the validated ACRH is reflected instead.
    this.reflectHeaders = wildcard && config.credentials;
    this.acah = wildcard
      ? config.credentials
        ? undefined
        : names.includes('authorization')
          ? '*, authorization'
          : '*'
      : names.length > 0
        ? names.join(', ')
        : undefined;
    this.aceh =
      config.exposeHeaders === '*'
        ? '*'
        : config.exposeHeaders.length > 0
          ? config.exposeHeaders.join(', ')
          : undefined;
    // 0 (or nothing) leaves the browser default (5 s); -1 sends 0 to disable caching.
    this.acma =
      config.maxAge === undefined || config.maxAge === 0
        ? undefined
        : config.maxAge === -1
          ? '0'
          : String(config.maxAge);
    this.optionsVary =
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' +
      (config.privateNetwork ? ', Access-Control-Request-Private-Network' : '');
    this.actualVary = this.allOrigins ? undefined : 'Origin';

    const varyActual = (h: Record<string, string>) => (this.actualVary ? { ...h, [VARY]: this.actualVary } : h);
    const varyOptions = (h: Record<string, string>) => ({ ...h, [VARY]: this.optionsVary });
    // When every origin is allowed, every non-preflight response says so, Origin or not (no Vary needed).
    const anyHeaders: Record<string, string> = { [ACAO]: '*' };
    if (this.aceh) anyHeaders[ACEH] = this.aceh;
    this.none = decision('none', false, this.allOrigins ? anyHeaders : varyActual({}));
    this.noneOptions = decision('none', false, varyOptions(this.allOrigins ? anyHeaders : {}));
    this.anyActual = decision('actual', true, anyHeaders);
    this.anyActualOptions = decision('actual', true, varyOptions(anyHeaders));
    const refused = 'origin not allowed';
    this.refusedActual = decision('actual', false, varyActual({}), { reason: refused });
    this.refusedActualOptions = decision('actual', false, varyOptions({}), { reason: refused });
    const refusedPreflight = (reason: string) =>
      decision('preflight', false, varyOptions({}), { status: 403, reason: `preflight refused: ${reason}` });
    this.refusedOrigin = refusedPreflight(refused);
    this.refusedMethod = refusedPreflight('method not allowed');
    this.refusedHeaders = refusedPreflight('request headers not allowed');
    this.refusedPrivateNetwork = refusedPreflight('private network access not allowed');
    const unresolved = 'origin not decided yet: the origin resolver has not answered (policy.decide asks it)';
    this.unresolvedActual = decision('actual', false, varyActual({}), { reason: unresolved });
    this.unresolvedActualOptions = decision('actual', false, varyOptions({}), { reason: unresolved });
    this.unresolvedPreflight = refusedPreflight(unresolved);

    const staticPreflight = !this.reflectMethod && !this.reflectHeaders;
    this.anyPreflight =
      this.allOrigins && staticPreflight ? freeze(this.grantPreflight('*', '', '', false)) : undefined;
    if (config.origins !== '*') {
      for (const pattern of config.origins) {
        if (isWildcardPattern(pattern)) {
          this.matcher.add(pattern, undefined as never);
          continue;
        }
        const origin = pattern.text;
        const actual = this.allowedActualHeaders(origin);
        this.matcher.add(pattern, {
          actual: decision('actual', true, varyActual(actual)),
          actualOptions: decision('actual', true, varyOptions(actual)),
          preflight: staticPreflight ? freeze(this.grantPreflight(origin, '', '', false)) : undefined,
        });
      }
    }
  }

  /** ACAO, ACAC and ACEH for an allowed origin's non-preflight response. */
  allowedActualHeaders(origin: string): Record<string, string> {
    const h: Record<string, string> = { [ACAO]: origin };
    if (this.credentials) h[ACAC] = 'true';
    if (this.aceh) h[ACEH] = this.aceh;
    return h;
  }

  /** A granted preflight. `acrm`/`acrh` are reflected only when the policy reflects them (already validated). */
  grantPreflight(acao: string, acrm: string, acrh: string, privateNetwork: boolean): PolicyDecision {
    const h: Record<string, string> = { [ACAO]: acao };
    if (this.credentials) h[ACAC] = 'true';
    const acam = this.reflectMethod ? acrm : this.acam;
    if (acam) h[ACAM] = acam;
    const acah = this.reflectHeaders ? acrh : this.acah;
    if (acah) h[ACAH] = acah;
    if (this.acma) h[ACMA] = this.acma;
    if (privateNetwork) h[ACAPN] = 'true';
    h[VARY] = this.optionsVary;
    return { kind: 'preflight', allowed: true, status: this.preflightStatus, headers: h };
  }

  /**
   * Whether the origin is allowed, and its precomputed decisions when it is an exact one. An origin the
   * patterns do not match goes to the resolver: `resolved` is its answer when `decide` asked it; otherwise
   * the cached answer, `false` for origins it may not be asked about, or PENDING.
   */
  lookup(origin: string, resolved: boolean | undefined): ExactEntry | boolean | Pending {
    if (this.allOrigins) return true;
    const entry = this.matcher.getExact(origin);
    if (entry !== undefined) return entry;
    if (this.matcher.matchesPattern(origin)) return true;
    const resolution = this.resolution;
    if (resolution === undefined) return false;
    if (resolved !== undefined) return resolved;
    return resolution.cached(origin) ?? (resolution.eligible(origin) ? PENDING : false);
  }
}

/** A refused decision whose reason names the step and the escaped offending value (debug mode). */
function explain(base: PolicyDecision, step: string, detail: string): PolicyDecision {
  const reason = `${base.kind === 'preflight' ? 'preflight' : 'request'} refused at step "${step}": ${detail}`;
  const headers: Record<string, string> = { ...base.headers };
  if (base.kind === 'preflight') headers[DEBUG_HEADER] = reason;
  return { ...base, headers, reason };
}

class CorsPolicy implements Policy {
  #compiled: Compiled;
  #config: Readonly<PolicyConfig>;
  debug: boolean;

  constructor(compiled: Compiled, config: Readonly<PolicyConfig>) {
    this.#compiled = compiled;
    this.#config = config;
    this.debug = compiled.config.debug;
  }

  get config(): Readonly<PolicyConfig> {
    return this.#config;
  }

  reconfigure(config: PolicyConfig): void {
    const { compiled, frozen } = compile(config);
    // One assignment each: an evaluate() never sees half of a configuration (JS runs it to completion).
    this.#compiled = compiled;
    this.#config = frozen;
    if (config.debug !== undefined) this.debug = config.debug;
  }

  evaluate(request: PolicyRequest): PolicyDecision {
    const c = this.#compiled;
    const d = this.#evaluate(c, request, undefined);
    if (d !== PENDING) return d;
    if (request.method === 'OPTIONS' && readHeader(request.headers, ACRM) !== undefined) return c.unresolvedPreflight;
    return request.method === 'OPTIONS' ? c.unresolvedActualOptions : c.unresolvedActual;
  }

  decide(request: PolicyRequest): PolicyDecision | Promise<PolicyDecision> {
    const c = this.#compiled;
    const d = this.#evaluate(c, request, undefined);
    if (d !== PENDING) return d;
    // PENDING only comes from an Origin header the resolver must be asked about.
    const origin = readHeader(request.headers, ORIGIN);
    const resolution = c.resolution;
    if (origin === undefined || resolution === undefined) return this.evaluate(request);
    return resolution.resolve(origin, request).then((allowed) => this.#evaluate(c, request, allowed) as PolicyDecision);
  }

  clearOriginCache(): void {
    this.#compiled.resolution?.clear();
  }

  #evaluate(c: Compiled, request: PolicyRequest, resolved: boolean | undefined): PolicyDecision | Pending {
    // JavaScript callers may pass anything: a missing request or headers reads as no Origin.
    const req = request as PolicyRequest | null | undefined;
    const headers = req?.headers as PolicyRequest['headers'] | null | undefined;
    const isOptions = req?.method === 'OPTIONS';
    if (headers === undefined || headers === null) return isOptions ? c.noneOptions : c.none;
    const origin = readHeader(headers, ORIGIN);
    if (origin === undefined) return isOptions ? c.noneOptions : c.none;
    if (isOptions) {
      const acrm = readHeader(headers, ACRM);
      if (acrm !== undefined) return this.preflight(c, request, origin, acrm, resolved);
    }
    const match = c.lookup(origin, resolved);
    if (match === PENDING) return PENDING;
    if (match === true) {
      if (c.allOrigins) return isOptions ? c.anyActualOptions : c.anyActual;
      const h = c.allowedActualHeaders(origin);
      h[VARY] = isOptions ? c.optionsVary : 'Origin';
      return { kind: 'actual', allowed: true, headers: h };
    }
    if (match !== false) return isOptions ? match.actualOptions : match.actual;
    const refused = isOptions ? c.refusedActualOptions : c.refusedActual;
    return this.debug ? explain(refused, 'origin', `origin "${escapeValue(origin)}" is not allowed`) : refused;
  }

  /**
   * CORS-preflight fetch (https://fetch.spec.whatwg.org/#cors-preflight-fetch), server side: origin, then method, then headers, then
   * private network.
   */
  private preflight(
    c: Compiled,
    request: PolicyRequest,
    origin: string,
    acrm: string,
    resolved: boolean | undefined,
  ): PolicyDecision | Pending {
    const debug = this.debug;
    const match = c.lookup(origin, resolved);
    if (match === PENDING) return PENDING;
    if (match === false) {
      return debug
        ? explain(c.refusedOrigin, 'origin', `origin "${escapeValue(origin)}" is not allowed`)
        : c.refusedOrigin;
    }
    if (!SAFELISTED_METHODS.has(acrm)) {
      const ok = c.methods === undefined ? acrm.length <= MAX_METHOD_LENGTH && isToken(acrm) : c.methods.has(acrm);
      if (!ok) {
        return debug
          ? explain(
              c.refusedMethod,
              'method',
              `method "${escapeValue(acrm)}" is not allowed${c.methods ? ` (allowed: GET, HEAD, POST${c.methods.size > 0 ? ', ' + [...c.methods].filter((m) => !SAFELISTED_METHODS.has(m)).join(', ') : ''})` : ''}`,
            )
          : c.refusedMethod;
      }
    }
    const acrh = readHeader(request.headers, ACRH) ?? '';
    if (acrh !== '') {
      const result = c.checker.check(acrh);
      if (result !== OK) {
        if (!debug) return c.refusedHeaders;
        const detail =
          result === TOO_LONG
            ? `Access-Control-Request-Headers is ${acrh.length} characters long, longer than any allowed list`
            : `request header "${escapeValue(elementAt(acrh, result))}" is not allowed${c.checker.wildcard ? ' (authorization is never covered by "*")' : ' (or listed twice, or not a valid name)'}`;
        return explain(c.refusedHeaders, 'headers', detail);
      }
    }
    const pna = readHeader(request.headers, ACRPN) === 'true';
    if (pna && !c.privateNetwork) {
      return debug
        ? explain(
            c.refusedPrivateNetwork,
            'private-network',
            'Access-Control-Request-Private-Network: true, but privateNetwork is not enabled',
          )
        : c.refusedPrivateNetwork;
    }
    if (!pna) {
      if (match !== true && match.preflight !== undefined) return match.preflight;
      if (c.allOrigins && c.anyPreflight !== undefined) return c.anyPreflight;
    }
    return c.grantPreflight(c.allOrigins ? '*' : origin, acrm, acrh, pna);
  }
}

/**
 * Freezes the snapshot the validator judged (already a copy, read once: see snapshot.ts), so `policy.config`
 * is exactly what was compiled, whether the configuration was a plain object, had getters or was a Proxy.
 */
function deepFreeze(snapshot: Readonly<Record<string, unknown>>): Readonly<PolicyConfig> {
  for (const value of Object.values(snapshot)) if (typeof value === 'object' && value !== null) Object.freeze(value);
  return Object.freeze(snapshot) as unknown as Readonly<PolicyConfig>;
}

function compile(config: PolicyConfig): { compiled: Compiled; frozen: Readonly<PolicyConfig> } {
  const { problems, normalized, snapshot } = checkConfig(config);
  if (!normalized || !snapshot) throw new CorsConfigError(problems);
  const frozen = deepFreeze(snapshot);
  return { compiled: new Compiled(normalized, frozen), frozen };
}

/**
 * Validates and compiles a CORS policy. Throws a {@link CorsConfigError} listing every problem when the
 * configuration has any error (warnings alone do not throw; see `validatePolicy`). Later changes to `config`
 * do not affect the policy.
 *
 * @example
 * const policy = createPolicy({ origins: ['https://app.example.com', 'https://*.example.com'], credentials: true });
 * policy.evaluate({ method: 'GET', headers: { origin: 'https://app.example.com' } });
 */
export function createPolicy(config: PolicyConfig): Policy {
  const { compiled, frozen } = compile(config);
  return new CorsPolicy(compiled, frozen);
}

/** Whether `value` is a policy (as opposed to a configuration). */
export function isPolicy(value: unknown): value is Policy {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Policy).evaluate === 'function' &&
    typeof (value as Policy).decide === 'function' &&
    typeof (value as Policy).reconfigure === 'function'
  );
}

/** Returns `value` if it is a policy, otherwise compiles it as a configuration (adapters accept both). */
export function toPolicy(value: Policy | PolicyConfig): Policy {
  return isPolicy(value) ? value : createPolicy(value);
}
