/**
 * Dynamic origins done safely: the runtime of an `OriginResolver` (a bounded LRU cache of its answers, one
 * call per origin at a time, a timeout, failures reported and refused).
 *
 * The resolver only ever answers yes or no about an origin that is already known to be a valid serialized
 * origin; the policy keeps writing every header (the origin is echoed only after that check, with
 * `Vary: Origin`, credentials and preflight rules applied as for a listed origin).
 */
import { LRUCache } from 'lru-cache';
import { isLoopbackHost } from '../fetch/origin.js';
import { escapeValue } from './tokens.js';
import type { OriginResolver, PolicyConfig, PolicyRequest } from './types.js';

/** The longest origin a browser can send for http(s): scheme, a 253-character host (or IPv6), a port. */
const MAX_ORIGIN_LENGTH = 300;

/** Defaults of `originCache` and `originTimeoutMs`. */
export const DEFAULT_ORIGIN_CACHE = Object.freeze({ max: 1000, ttlMs: 60_000 });
export const DEFAULT_ORIGIN_TIMEOUT_MS = 1000;

/** The resolver and its options, validated. */
export interface ResolverOptions {
  resolver: OriginResolver;
  cache: { max: number; ttlMs: number } | false;
  timeoutMs: number;
  onError: NonNullable<PolicyConfig['onError']>;
  credentials: boolean;
  dangerouslyAllowInsecureOrigins: boolean;
}

const reportToConsole: NonNullable<PolicyConfig['onError']> = (error) => {
  console.error(error);
};

/** Builds the options from a configuration already validated. */
export function resolverOptions(config: PolicyConfig, resolver: OriginResolver): ResolverOptions {
  const cache = config.originCache;
  return {
    resolver,
    cache:
      cache === false
        ? false
        : { max: cache?.max ?? DEFAULT_ORIGIN_CACHE.max, ttlMs: cache?.ttlMs ?? DEFAULT_ORIGIN_CACHE.ttlMs },
    timeoutMs: config.originTimeoutMs ?? DEFAULT_ORIGIN_TIMEOUT_MS,
    onError: config.onError ?? reportToConsole,
    credentials: config.credentials === true,
    dangerouslyAllowInsecureOrigins: config.dangerouslyAllowInsecureOrigins === true,
  };
}

/**
 * Whether `origin` is what a browser sends as a serialized http(s) origin (Fetch "serializing a request
 * origin", https://fetch.spec.whatwg.org/#serializing-a-request-origin, and the URL Standard's origin
 * serialization): exactly `new URL(origin).origin`, so lower case, punycode, no path, no userinfo, no
 * default port. `null` and every other scheme are not.
 */
export function isSerializedHttpOrigin(origin: string): boolean {
  if (origin.length > MAX_ORIGIN_LENGTH || !(origin.startsWith('https://') || origin.startsWith('http://'))) {
    return false;
  }
  try {
    return new URL(origin).origin === origin;
  } catch {
    return false;
  }
}

/** Why a resolver call failed, as the Error `onError` receives. */
function failure(origin: string, cause: unknown, what: string): Error {
  return new Error(`corsight: the origin resolver ${what} for "${escapeValue(origin)}"; the origin is refused`, {
    cause,
  });
}

/** One configuration's resolver: cache, in-flight calls, timeout. */
export class OriginResolution {
  readonly #options: ResolverOptions;
  readonly #cache: LRUCache<string, boolean> | undefined;
  readonly #inFlight = new Map<string, Promise<boolean>>();

  constructor(options: ResolverOptions) {
    this.#options = options;
    this.#cache =
      options.cache === false ? undefined : new LRUCache({ max: options.cache.max, ttl: options.cache.ttlMs });
  }

  /** The cached answer for `origin`, if any (only eligible origins are ever cached). */
  cached(origin: string): boolean | undefined {
    return this.#cache?.get(origin);
  }

  /**
   * Whether the resolver may be asked about `origin`: a serialized http(s) origin and, with credentials,
   * `https` or loopback unless insecure origins are tolerated (the rule listed origins follow).
   */
  eligible(origin: string): boolean {
    if (!isSerializedHttpOrigin(origin)) return false;
    const o = this.#options;
    if (!o.credentials || o.dangerouslyAllowInsecureOrigins || origin.startsWith('https://')) return true;
    return isLoopbackHost(new URL(origin).hostname);
  }

  /** Forgets every cached answer (after a tenant's allowlist changed). */
  clear(): void {
    this.#cache?.clear();
  }

  /**
   * Asks the resolver about an eligible origin. Never rejects: a failure, a timeout or an answer that is not
   * a boolean refuses the origin (not cached) and is reported to `onError`. Concurrent requests from the same
   * origin share one call.
   */
  resolve(origin: string, request: PolicyRequest): Promise<boolean> {
    let pending = this.#inFlight.get(origin);
    if (pending === undefined) {
      pending = this.#call(origin, request).finally(() => this.#inFlight.delete(origin));
      this.#inFlight.set(origin, pending);
    }
    return pending;
  }

  async #call(origin: string, request: PolicyRequest): Promise<boolean> {
    const { resolver, timeoutMs } = this.#options;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout');
      }, timeoutMs);
      // A pending lookup must not keep a process alive on its own.
      (timer as { unref?: () => void }).unref?.();
    });
    try {
      const answer: unknown = await Promise.race([Promise.resolve().then(() => resolver(origin, request)), timeout]);
      if (answer === 'timeout') {
        return this.#fail(origin, request, failure(origin, undefined, `took longer than ${timeoutMs} ms`));
      }
      if (typeof answer !== 'boolean') {
        const got =
          answer === null ? 'null' : typeof answer === 'string' ? `the string "${escapeValue(answer)}"` : typeof answer;
        return this.#fail(
          origin,
          request,
          new TypeError(
            `corsight: the origin resolver must return true or false (or a promise of it), not ${got}: corsight writes Access-Control-Allow-Origin itself; the origin is refused`,
          ),
        );
      }
      this.#cache?.set(origin, answer);
      return answer;
    } catch (err) {
      return this.#fail(origin, request, failure(origin, err, 'failed'));
    } finally {
      clearTimeout(timer);
    }
  }

  #fail(origin: string, request: PolicyRequest, error: Error): false {
    try {
      this.#options.onError(error, { origin, request });
    } catch {
      // A failing error hook must not turn a refusal into an unanswered request.
    }
    return false;
  }
}
