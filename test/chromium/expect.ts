/**
 * Checks a hand-written case's `expect` (the behaviour the WPT file it ports pins down) against an observation.
 * Run against Chromium this proves the corpus and the harness; the engine is then compared with Chromium as a
 * whole, so the expectations never stand in for the browser.
 */
import type { Observation } from './observe.js';
import type { Expectation, World } from './spec.js';
import { originKeys } from './spec.js';

/** Replaces `$page`, `$api`, ... with the world's serialized origins. */
export function substituteOrigins(value: string, world: World): string {
  return value.replace(/\$([a-z]+)/g, (whole, key: string) =>
    (originKeys as readonly string[]).includes(key) ? world.origins[key as keyof World['origins']] : whole,
  );
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Every way `obs` differs from `e`, as readable lines (empty = as expected). */
export function checkExpectation(e: Expectation, obs: Observation, world: World): string[] {
  const problems: string[] = [];
  const check = (what: string, expected: unknown, actual: unknown) => {
    if (!same(expected, actual)) {
      problems.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  };
  if (e.allowed !== undefined) check('allowed', e.allowed, obs.settled === 'resolved');
  if (e.throws !== undefined) check('throws (TypeError at construction)', e.throws, obs.settled === 'type-error');
  if (e.error !== undefined) check('CORS error', e.error, obs.cors.code);
  if (e.parameter !== undefined) check('failedParameter', substituteOrigins(e.parameter, world), obs.cors.parameter);
  const preflights = obs.requests.filter((r) => r.preflight);
  if (e.preflight !== undefined) check('preflight sent', e.preflight, preflights.length > 0);
  if (e.acrm !== undefined) check('Access-Control-Request-Method', e.acrm, preflights[0]?.acrm ?? null);
  if (e.acrh !== undefined) check('Access-Control-Request-Headers', e.acrh, preflights[0]?.acrh ?? null);
  if (e.methods !== undefined) {
    check(
      'methods on the wire',
      e.methods,
      obs.requests.map((r) => r.method),
    );
  }
  if (e.origins !== undefined) {
    check(
      'Origin headers on the wire',
      e.origins.map((o) => (o === null ? null : substituteOrigins(o, world))),
      obs.requests.map((r) => r.origin),
    );
  }
  const names = obs.response?.exposedHeaders ?? null;
  if (e.exposed !== undefined) check('readable header names', e.exposed, names);
  for (const n of e.exposes ?? []) {
    if (!names?.includes(n)) problems.push(`header ${n} should be readable; readable: ${JSON.stringify(names)}`);
  }
  for (const n of e.hides ?? []) {
    if (names?.includes(n)) problems.push(`header ${n} should not be readable; readable: ${JSON.stringify(names)}`);
  }
  if (e.type !== undefined) check('response type', e.type, obs.response?.type ?? null);
  if (e.status !== undefined) check('response status', e.status, obs.response?.status ?? null);
  if (e.netError !== undefined) check('network error', e.netError, obs.netError);
  return problems;
}
