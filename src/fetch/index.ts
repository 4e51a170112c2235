/**
 * `corsight/fetch`: the Fetch Standard vocabulary shared by every part of corsight — origins and
 * sites, header lists, methods, the header safelists, URLs and ports, statuses, and the IP address spaces of
 * Local Network Access.
 */
export * from './address-space.js';
export * from './headers.js';
export * from './methods.js';
export * from './origin.js';
export * from './safelist.js';
export * from './status.js';
export * from './url.js';
