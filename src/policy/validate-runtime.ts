/**
 * Validation of the options of dynamic origins: the origin resolver in `origins` and its cache, timeout and
 * error hook.
 */
import { problem } from './problems.js';
import type { OriginResolver, PolicyProblem } from './types.js';

/** What the compiler needs from them. */
export interface RuntimeConfig {
  /** The origin resolver, when `origins` lists one. */
  resolver: OriginResolver | undefined;
}

const LARGEST_CACHE = 1_000_000;
const LONGEST_TIMEOUT_MS = 60_000;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value}"` : typeof value === 'number' ? String(value) : typeof value;
}

const isWhole = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/**
 * Checks the run-time options of `c` (an object), pushing problems. `origins` entries that are functions are
 * resolvers; every other entry is the origin validator's business.
 */
export function checkRuntimeOptions(c: Record<string, unknown>, problems: PolicyProblem[]): RuntimeConfig {
  let resolver: OriginResolver | undefined;
  if (Array.isArray(c.origins)) {
    (c.origins as unknown[]).forEach((entry, i) => {
      if (typeof entry !== 'function') return;
      if (resolver === undefined) resolver = entry as OriginResolver;
      else {
        problems.push(
          problem(
            'origin-resolver-multiple',
            `origins[${i}]`,
            entry,
            `origins lists more than one resolver function: combine them into one async (origin, request) => boolean`,
          ),
        );
      }
    });
  }

  const cache = c.originCache;
  if (cache !== undefined && cache !== false) {
    if (typeof cache !== 'object' || cache === null || Array.isArray(cache)) {
      problems.push(
        problem(
          'origin-cache-invalid',
          'originCache',
          cache,
          `originCache must be false or { max, ttlMs }, not ${describe(cache)}`,
        ),
      );
    } else {
      const { max, ttlMs, ...rest } = cache as Record<string, unknown>;
      if (max !== undefined && !isWhole(max, 1, LARGEST_CACHE)) {
        problems.push(
          problem(
            'origin-cache-invalid',
            'originCache.max',
            max,
            `originCache.max must be a whole number of origins from 1 to ${LARGEST_CACHE}, not ${describe(max)}`,
          ),
        );
      }
      if (ttlMs !== undefined && !isWhole(ttlMs, 1, 7 * 24 * 3600 * 1000)) {
        problems.push(
          problem(
            'origin-cache-invalid',
            'originCache.ttlMs',
            ttlMs,
            `originCache.ttlMs must be a whole number of milliseconds from 1 to 604800000 (a week), not ${describe(ttlMs)}`,
          ),
        );
      }
      for (const key of Object.keys(rest)) {
        problems.push(
          problem(
            'origin-cache-invalid',
            `originCache.${key}`,
            rest[key],
            `originCache has only max and ttlMs, not "${key}"`,
          ),
        );
      }
    }
  }
  if (c.originTimeoutMs !== undefined && !isWhole(c.originTimeoutMs, 1, LONGEST_TIMEOUT_MS)) {
    problems.push(
      problem(
        'origin-timeout-invalid',
        'originTimeoutMs',
        c.originTimeoutMs,
        `originTimeoutMs must be a whole number of milliseconds from 1 to ${LONGEST_TIMEOUT_MS}, not ${describe(c.originTimeoutMs)}`,
      ),
    );
  }
  if (c.onError !== undefined && typeof c.onError !== 'function') {
    problems.push(
      problem(
        'invalid-type',
        'onError',
        c.onError,
        `onError must be a function (error, { origin, request }) => void, not ${describe(c.onError)}`,
      ),
    );
  }
  if (resolver === undefined) {
    for (const key of ['originCache', 'originTimeoutMs', 'onError'] as const) {
      if (c[key] !== undefined) {
        problems.push(
          problem(
            'origin-resolver-missing',
            key,
            c[key],
            `${key} applies to an origin resolver, and origins lists none: add an async (origin, request) => boolean to origins, or remove ${key}`,
          ),
        );
      }
    }
  }
  return { resolver };
}
