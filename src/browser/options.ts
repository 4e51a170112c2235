/**
 * The options of `simulateFetch`. They live apart from types.ts because they name the preflight cache, which
 * depends on the profiles, which depend on types.ts.
 */
import type { AddressSpace } from '../fetch/address-space.js';
import type { PreflightCache } from './cache.js';
import type { ProfileName } from './types.js';

/** Options of `simulateFetch`. */
export interface SimulateOptions {
  /** Which browser to model; default `chromium`. */
  profile?: ProfileName;
  /**
   * A preflight cache shared between calls (one per simulated browser profile/context). Without one,
   * each call starts with an empty cache.
   */
  cache?: PreflightCache;
  /**
   * The HTTP version the transport speaks; default `http/1.1`. Chromium only uploads a `stream` body
   * over HTTP/2 or later: over HTTP/1.1 it sends the preflight, then fails the actual request with
   * `net::ERR_ALPN_NEGOTIATION_FAILED`.
   */
  protocol?: 'http/1.1' | 'h2';
  /**
   * The address space of the server of a URL: that of the IP address its host resolves to. Only used when
   * the request gives its `addressSpace`. Default: IP literals and `localhost` are classified
   * (`addressSpaceOfHost`), any other name is `public`. Return `undefined` for the default.
   */
  resolveAddressSpace?: (url: URL) => AddressSpace | undefined;
}
