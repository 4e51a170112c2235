/**
 * `corsight/testing`: assert a server's CORS behaviour as a browser would see it, from node:test,
 * vitest or jest, without a browser. Failures throw `AssertionError` (node:assert) with the same
 * explanation `corsight explain` gives.
 */
export * from './expect.js';
export * from './target.js';
export type { Explanation, Fix, FixStep, ProfileVerdict } from '../explain/types.js';
