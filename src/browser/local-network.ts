/**
 * Local Network Access (WICG "Local Network Access", Chromium ≥ 142): what the check needs from the request, and
 * the check of one hop. Verified against Chromium by test/chromium/local-network-access.test.ts.
 */
import { addressSpaceOfHost, addressSpaces, isMorePrivate, type AddressSpace } from '../fetch/address-space.js';
import { isPotentiallyTrustworthy } from '../fetch/origin.js';
import type { SimulateOptions } from './options.js';
import type { CorsRequest } from './types.js';

/** What the Local Network Access check needs, or null when the request does not say where the page is. */
export interface LocalNetworkAccess {
  initiator: AddressSpace;
  /** `targetAddressSpace` of the request, if given. */
  target: AddressSpace | undefined;
  secureContext: boolean;
  permission: 'granted' | 'denied';
  resolve: (url: URL) => AddressSpace | undefined;
}

export function localNetworkAccessOf(
  request: CorsRequest,
  origin: string,
  options: SimulateOptions,
): LocalNetworkAccess | null {
  const { addressSpace, secureContext, localNetworkAccess } = request;
  if (secureContext !== undefined && typeof secureContext !== 'boolean') {
    throw new TypeError('secureContext must be a boolean.');
  }
  const permission: string | undefined = localNetworkAccess; // JavaScript callers may pass any string
  if (permission !== undefined && permission !== 'granted' && permission !== 'denied') {
    throw new TypeError(`localNetworkAccess must be 'granted' or 'denied', not '${permission}'.`);
  }
  const resolve = options.resolveAddressSpace;
  if (resolve !== undefined && typeof resolve !== 'function') {
    throw new TypeError('options.resolveAddressSpace must be a function (url) => address space.');
  }
  const target = request.targetAddressSpace;
  if (target !== undefined && !addressSpaces.includes(target)) {
    // fetch()'s own refusal of an unknown enum value.
    throw new TypeError(
      `Failed to read the 'targetAddressSpace' property from 'RequestInit': The provided value '${target}' is not a valid enum value of type IPAddressSpace.`,
    );
  }
  if (target !== undefined && addressSpace === undefined) {
    throw new TypeError('targetAddressSpace needs addressSpace (where the page is) to be modelled.');
  }
  if (addressSpace === undefined) return null;
  if (!addressSpaces.includes(addressSpace)) {
    throw new TypeError(`addressSpace must be one of ${addressSpaces.join(', ')}, not '${addressSpace}'.`);
  }
  // A sandboxed (opaque-origin) document is a secure context when its creator is (HTML "secure context").
  const secure =
    secureContext ??
    (origin === 'null'
      ? request.topLevelOrigin === undefined || isPotentiallyTrustworthy(request.topLevelOrigin)
      : isPotentiallyTrustworthy(origin));
  return {
    initiator: addressSpace,
    target,
    secureContext: secure,
    permission: localNetworkAccess ?? 'denied',
    resolve: (url) => {
      const space = resolve?.(url);
      if (space !== undefined && !addressSpaces.includes(space)) {
        throw new TypeError(
          `options.resolveAddressSpace returned '${space}' for ${url.href}: expected one of ${addressSpaces.join(', ')} or undefined.`,
        );
      }
      return space;
    },
  };
}

/** Whether `targetAddressSpace` exempts a plain-http URL from mixed-content blocking (Chromium: a warning instead). */
export function exemptsMixedContent(lna: LocalNetworkAccess | null): boolean {
  return lna !== null && (lna.target === 'local' || lna.target === 'loopback');
}

/** The outcome of the Local Network Access check of one hop. */
export type LocalNetworkVerdict =
  | { ok: true; detail: string | null; server: AddressSpace; mismatch: AddressSpace | null }
  | {
      ok: false;
      code: 'InsecureLocalNetwork' | 'LocalNetworkAccessPermissionDenied' | 'InvalidLocalNetworkAccess';
      parameter: string;
      server: AddressSpace;
      detail: string;
    };

/**
 * The Local Network Access check of one hop (WICG LNA; Chromium ≥ 142), as observed in Chromium 156.
 * - Only requests from a public page are checked, although the spaces are ranked public < local < loopback:
 *   a local page reaches loopback unchecked, even from a non-secure context.
 * - A request to a more private server fails with `InsecureLocalNetwork` from a non-secure page, else with
 *   `LocalNetworkAccessPermissionDenied` unless the permission is granted.
 * - `targetAddressSpace` must match the server's space (`InvalidLocalNetworkAccess`). The preflight does not
 *   carry it, so a request that will be preflighted meets only the permission check here; its mismatch
 *   (`mismatch` in an ok verdict) is reported on the actual request.
 */
export function checkLocalNetworkAccess(lna: LocalNetworkAccess, url: URL, preflighted: boolean): LocalNetworkVerdict {
  const server = lna.resolve(url) ?? addressSpaceOfHost(url.hostname) ?? 'public';
  const target = lna.target;
  const mismatch = target !== undefined && target !== server ? server : null;
  if (target !== undefined && mismatch !== null && !preflighted) {
    return {
      ok: false,
      code: 'InvalidLocalNetworkAccess',
      parameter: target,
      server,
      detail: mismatchDetail(lna, server),
    };
  }
  if (lna.initiator === 'public' && isMorePrivate(server, lna.initiator)) {
    const reason = `the ${server} address space is more private than the page's (${lna.initiator})`;
    if (!lna.secureContext) {
      return {
        ok: false,
        code: 'InsecureLocalNetwork',
        parameter: server,
        server,
        detail: `${reason}: the page is not a secure context`,
      };
    }
    if (lna.permission !== 'granted') {
      return {
        ok: false,
        code: 'LocalNetworkAccessPermissionDenied',
        parameter: server,
        server,
        detail: `${reason}: permission denied`,
      };
    }
    return { ok: true, detail: `${reason}: permission granted`, server, mismatch };
  }
  return { ok: true, detail: null, server, mismatch };
}

/** The trace line of a `targetAddressSpace` mismatch. */
export function mismatchDetail(lna: LocalNetworkAccess, server: AddressSpace): string {
  return `targetAddressSpace is ${lna.target} but the server is in the ${server} address space`;
}
