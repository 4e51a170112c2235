/**
 * `corsight explain` as a library: run one `fetch()` through `corsight/browser` against real
 * answers and say why it passes or fails, in every profile, with the smallest server-side fix.
 */
export * from './types.js';
export * from './exchanges.js';
export * from './fix.js';
export * from './explain.js';
export * from './render.js';
export * from './live.js';
