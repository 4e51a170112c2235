/**
 * `corsight/fetch`: the Fetch Standard vocabulary shared by every part of corsight — origins and
 * sites, header lists, methods and the header safelists.
 */
export * from './headers.js';
export * from './methods.js';
export * from './origin.js';
export * from './safelist.js';
