/**
 * A {@link Sender} that puts requests on the network through the net layer's HTTP client
 * (keep-alive, `--resolve`, `--insecure`, one deadline per request, no retries: a preflight or a
 * `--send` request is never repeated behind the user's back). Interim 1xx answers are skipped as a browser
 * skips them; a server that sends no usable answer rejects with a `NetError` saying why.
 */
import { lookup } from 'node:dns/promises';
import type { AddressSpace, WireRequest } from '../browser/index.js';
import { addressSpaceOfHost } from '../fetch/address-space.js';
import { effectivePort, isSameSite } from '../fetch/origin.js';
import { createHttpClient, findResolveRule, parseResolveRules } from '../net/index.js';
import type { Sender } from './types.js';

/** Options of {@link createLiveSender}. */
export interface LiveSenderOptions {
  /** The page's origin (for `Sec-Fetch-Site`). */
  origin: string;
  /** curl-style `--resolve` rules: `HOST:ADDRESS`, `HOST:PORT:ADDRESS`, `*.HOST:ADDRESS` (see src/net/resolve.ts). */
  resolve?: readonly string[];
  /** Accept any TLS certificate. */
  insecure?: boolean;
  /** Milliseconds per request; default 10000. */
  timeout?: number;
  /** The User-Agent sent; default `corsight explain`. */
  userAgent?: string;
}

/** A live sender and its closer. */
export interface LiveSender {
  send: Sender;
  close(): Promise<void>;
}

/**
 * Create a sender for real HTTP(S) requests. Besides the headers the engine lists, it adds what
 * Chromium adds below the CORS layer and servers sometimes look at: `User-Agent`, `Sec-Fetch-Mode:
 * cors`, `Sec-Fetch-Site` and `Sec-Fetch-Dest: empty`. Throws a TypeError (a `NetOptionError`) for a bad
 * `--resolve` or timeout.
 */
export function createLiveSender(options: LiveSenderOptions): LiveSender {
  const transport = createHttpClient({
    perHost: 4,
    timeout: options.timeout ?? 10_000,
    retries: 0,
    insecure: options.insecure === true,
    resolve: options.resolve ?? [],
  });
  const userAgent = options.userAgent ?? 'corsight explain';
  const send: Sender = async (req: WireRequest) => {
    const url = new URL(req.url);
    let site = 'cross-site';
    if (options.origin === 'null') site = 'cross-site';
    else if (new URL(options.origin).origin === url.origin) site = 'same-origin';
    else if (isSameSite(options.origin, url)) site = 'same-site';
    const headers: [string, string][] = [
      ...req.headers,
      ['User-Agent', userAgent],
      ['Sec-Fetch-Mode', 'cors'],
      ['Sec-Fetch-Site', site],
      ['Sec-Fetch-Dest', 'empty'],
    ];
    const { response } = await transport.send({ url, method: req.method, headers });
    return { status: response.status, headers: response.headers };
  };
  return { send, close: () => transport.close() };
}

/**
 * The address spaces of the servers a live explanation talks to, for Local Network Access: a `--resolve`
 * mapping decides by its address, an IP literal or `localhost` by itself, and the first URL's host name is
 * looked up in DNS now (the engine asks synchronously). Other names (a redirect to another host) count as
 * public, as does a name that does not resolve. Throws a TypeError for a bad `--resolve`.
 */
export async function liveAddressSpaces(
  url: string,
  resolve: readonly string[] = [],
): Promise<(url: URL) => AddressSpace | undefined> {
  const rules = parseResolveRules(resolve);
  const looked = new Map<string, AddressSpace>();
  const first = new URL(url);
  if (
    findResolveRule(rules, first.hostname, effectivePort(first)) === undefined &&
    addressSpaceOfHost(first.hostname) === undefined
  ) {
    try {
      const { address } = await lookup(first.hostname);
      const space = addressSpaceOfHost(address);
      if (space !== undefined) looked.set(first.hostname, space);
    } catch {
      // An unresolvable name fails when sent; for LNA it stays public.
    }
  }
  return (target) => {
    const rule = findResolveRule(rules, target.hostname, effectivePort(target));
    if (rule !== undefined) return addressSpaceOfHost(rule.address);
    return addressSpaceOfHost(target.hostname) ?? looked.get(target.hostname);
  };
}
