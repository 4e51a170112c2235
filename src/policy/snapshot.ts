/**
 * A one-time read of a configuration into plain objects and arrays, before anything judges it.
 *
 * Why: a configuration may be a Proxy (reactive-config libraries), carry getters, or be changed by its owner
 * later. Reading every value exactly once and judging only the copy means `validatePolicy` and `createPolicy`
 * see the same values and give the same answer (`structuredClone` refused Proxies with a DataCloneError that
 * `validatePolicy` never saw), and a getter cannot answer one thing to the validator and another to the
 * compiler.
 */

/** The configuration as read once: own option values, arrays copied element by element (holes kept). */
export interface ConfigSnapshot {
  /** Values of the options, read once (inherited properties included, as `config.origins` would read them). */
  values: Record<string, unknown>;
  /** Own enumerable keys of the configuration, in order (the unknown-option check runs on these). */
  keys: string[];
}

/** Why reading the configuration failed: a throwing getter or Proxy trap. */
export class SnapshotFailure {
  constructor(
    /** Where: `''` for the configuration itself, an option name, or `origins[3]`. */
    readonly path: string,
    readonly error: unknown,
  ) {}
}

/**
 * Copies an array one element at a time. A hole (`[a, , b]`, `new Array(3)`) stays a hole so that the
 * validator can name it; `in` is asked before reading so a Proxy's `has` trap is honoured.
 */
function copyArray(list: readonly unknown[], path: string): unknown[] | SnapshotFailure {
  let length: number;
  try {
    length = list.length;
  } catch (error) {
    return new SnapshotFailure(path, error);
  }
  const copy: unknown[] = new Array<unknown>(length);
  for (let i = 0; i < length; i++) {
    try {
      if (i in list) copy[i] = list[i];
    } catch (error) {
      return new SnapshotFailure(`${path}[${i}]`, error);
    }
  }
  return copy;
}

/** Copies a plain nested object (such as `{ max, ttlMs }`) one level deep; other objects are kept as they are. */
function copyValue(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return copyArray(value, path);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    try {
      for (const key of Object.keys(value)) out[key] = (value as Record<string, unknown>)[key];
    } catch (error) {
      return new SnapshotFailure(path, error);
    }
    return out;
  }
  return value;
}

/**
 * Reads `config` once. `known` lists the option names read even when inherited. Returns the snapshot, or where
 * reading threw.
 */
export function snapshotConfig(
  config: object,
  known: Iterable<string>,
): { snapshot: ConfigSnapshot } | { failure: SnapshotFailure } {
  let keys: string[];
  try {
    keys = Object.keys(config);
  } catch (error) {
    return { failure: new SnapshotFailure('', error) };
  }
  const values: Record<string, unknown> = {};
  const names = new Set([...known, ...keys]);
  for (const name of names) {
    let raw: unknown;
    try {
      raw = (config as Record<string, unknown>)[name];
    } catch (error) {
      return { failure: new SnapshotFailure(name, error) };
    }
    if (raw === undefined) continue;
    const value = copyValue(raw, name);
    if (value instanceof SnapshotFailure) return { failure: value };
    values[name] = value;
  }
  return { snapshot: { values, keys } };
}
