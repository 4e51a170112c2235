/**
 * The CORS-preflight cache (https://fetch.spec.whatwg.org/#concept-cache), in two shapes:
 *
 * - `entry` (Chromium `services/network/cors/preflight_cache.cc` + `preflight_result.cc`, WebKit):
 *   one entry per (origin, URL) holding the whole allowed method and header sets, the credentials
 *   flag and one expiry. Each successful preflight replaces the entry; a lookup that finds the entry
 *   stale or insufficient erases it.
 * - `item` (the spec, Firefox): one item per allowed method and per allowed header name, each with its
 *   own expiry; a successful preflight refreshes or adds items and leaves the others alone.
 *
 * The clock is injectable (`now()`, milliseconds) so expiry can be tested without waiting.
 */
import { byteLowercase } from '../fetch/headers.js';
import { isCorsSafelistedMethod } from '../fetch/methods.js';
import { CHROMIUM, type Profile } from './profiles.js';
import type { CredentialsMode } from './types.js';

/** Options of {@link PreflightCache}. */
export interface PreflightCacheOptions {
  /** Current time in milliseconds; default `Date.now`. */
  now?: () => number;
}

/** What a lookup needs to know about the request. */
export interface CacheLookup {
  /** Origin key (see `Profile.cache.originKey`). */
  origin: string;
  /** The request's current URL, serialized. */
  url: string;
  method: string;
  /** CORS-unsafe request-header names, lowercase. */
  unsafeHeaderNames: readonly string[];
  credentials: CredentialsMode;
  /** The use-CORS-preflight flag: a safelisted method then needs an explicit method match (spec). */
  useCorsPreflight?: boolean;
}

/** What a successful preflight stores. */
export interface CacheStore {
  origin: string;
  url: string;
  /** Allowed methods, case kept (`Access-Control-Allow-Methods`). */
  methods: readonly string[];
  /** Allowed header names (`Access-Control-Allow-Headers`); compared case-insensitively. */
  headerNames: readonly string[];
  /** Lifetime in seconds (already capped); 0 or less stores nothing usable. */
  maxAge: number;
  /** The actual request's credentials mode. */
  credentials: CredentialsMode;
}

/** Result of {@link PreflightCache.lookup}. */
export interface CacheLookupResult {
  /** True when the cache covers the request, so no preflight is sent. */
  hit: boolean;
  /** Why (for traces). */
  detail: string;
}

/** A snapshot of one cached entry (for inspection and tests). */
export interface CacheEntrySnapshot {
  origin: string;
  url: string;
  credentials: boolean;
  methods: string[];
  headerNames: string[];
  /** Expiry in milliseconds on the cache's clock (the earliest, for `item` caches). */
  expiresAt: number;
}

interface WholeEntry {
  methods: Set<string>;
  headers: Set<string>;
  credentials: boolean;
  expiresAt: number;
}

interface Item {
  kind: 'method' | 'header';
  value: string;
  credentials: boolean;
  expiresAt: number;
}

function keyOf(origin: string, url: string): string {
  return `${origin}\u0000${url}`;
}

/**
 * A preflight cache. Share one instance between `simulateFetch` calls to model one browser context;
 * the behaviour of each call follows that call's profile.
 */
export class PreflightCache {
  /** The clock, in milliseconds. */
  readonly now: () => number;
  readonly #entries = new Map<string, WholeEntry>();
  readonly #items = new Map<string, Item[]>();

  constructor(options: PreflightCacheOptions = {}) {
    const now = options.now ?? Date.now;
    if (typeof now !== 'function') {
      throw new TypeError('PreflightCache: now must be a function returning milliseconds.');
    }
    this.now = now;
  }

  /**
   * Decide whether the cache covers a request (no preflight needed). In the `entry` model a stale or
   * insufficient entry is erased, as Chromium does.
   */
  lookup(req: CacheLookup, profile: Profile = CHROMIUM): CacheLookupResult {
    return profile.cache.model === 'entry' ? this.#lookupEntry(req, profile) : this.#lookupItems(req, profile);
  }

  /** Record a successful preflight. */
  store(result: CacheStore, profile: Profile = CHROMIUM): void {
    if (result.url.length >= profile.cache.maxUrlLength) return;
    const now = this.now();
    const expiresAt = now + Math.max(0, result.maxAge) * 1000;
    const credentials = result.credentials === 'include';
    const key = keyOf(result.origin, result.url);
    if (profile.cache.model === 'entry') {
      // Whole-entry replacement (Chromium `PreflightCache::AppendEntry`).
      this.#entries.set(key, {
        methods: new Set(result.methods),
        headers: new Set(result.headerNames.map(byteLowercase)),
        credentials,
        expiresAt,
      });
      return;
    }
    const items = this.#items.get(key) ?? [];
    const upsert = (kind: 'method' | 'header', value: string): void => {
      const match = items.find((it) =>
        this.#itemMatches(it, kind, value, credentials ? 'include' : 'omit', profile, now),
      );
      if (match) match.expiresAt = expiresAt;
      else items.push({ kind, value, credentials, expiresAt });
    };
    for (const m of result.methods) upsert('method', m);
    for (const h of result.headerNames) upsert('header', byteLowercase(h));
    this.#items.set(key, items);
  }

  /** Remove everything cached for (origin, URL) — done when a preflighted fetch fails. */
  clear(origin: string, url: string): void {
    const key = keyOf(origin, url);
    this.#entries.delete(key);
    this.#items.delete(key);
  }

  /** Empty the cache. */
  clearAll(): void {
    this.#entries.clear();
    this.#items.clear();
  }

  /** Number of (origin, URL) keys holding something, expired or not. */
  get size(): number {
    const keys = new Set([...this.#entries.keys(), ...this.#items.keys()]);
    return keys.size;
  }

  /** A snapshot of the cache contents. */
  entries(): CacheEntrySnapshot[] {
    const out: CacheEntrySnapshot[] = [];
    for (const [key, e] of this.#entries) {
      const [origin, url] = key.split('\u0000') as [string, string];
      out.push({
        origin,
        url,
        credentials: e.credentials,
        methods: [...e.methods],
        headerNames: [...e.headers],
        expiresAt: e.expiresAt,
      });
    }
    for (const [key, items] of this.#items) {
      const [origin, url] = key.split('\u0000') as [string, string];
      for (const cred of [false, true]) {
        const mine = items.filter((i) => i.credentials === cred);
        if (mine.length === 0) continue;
        out.push({
          origin,
          url,
          credentials: cred,
          methods: mine.filter((i) => i.kind === 'method').map((i) => i.value),
          headerNames: mine.filter((i) => i.kind === 'header').map((i) => i.value),
          expiresAt: Math.min(...mine.map((i) => i.expiresAt)),
        });
      }
    }
    return out;
  }

  #lookupEntry(req: CacheLookup, profile: Profile): CacheLookupResult {
    const key = keyOf(req.origin, req.url);
    const entry = this.#entries.get(key);
    if (entry === undefined) return { hit: false, detail: 'no cache entry for this origin and URL' };
    const include = req.credentials === 'include';
    let reason: string | null = null;
    if (entry.expiresAt <= this.now()) reason = 'cache entry expired';
    else if (!entry.credentials && include) {
      reason = 'cache entry was made without credentials; this request includes them';
    } else {
      // PreflightResult::EnsureAllowedCrossOriginMethod: listed (case-sensitive), safelisted, or `*`
      // from an uncredentialed preflight.
      const methodOk =
        entry.methods.has(req.method) ||
        isCorsSafelistedMethod(req.method) ||
        (!entry.credentials && entry.methods.has('*'));
      if (!methodOk) reason = `cached methods do not include ${req.method}`;
      else {
        // EnsureAllowedCrossOriginHeaders with NonWildcardRequestHeadersSupport(true): on the cache
        // path `*` never covers Authorization in Chromium.
        const wildcard = !entry.credentials && entry.headers.has('*');
        for (const name of req.unsafeHeaderNames) {
          if (entry.headers.has(name)) continue;
          if (wildcard && (profile.cache.wildcardCoversAuthorization || name !== 'authorization')) continue;
          reason = `cached headers do not include ${name}`;
          break;
        }
      }
    }
    if (reason === null) return { hit: true, detail: 'preflight cache entry covers the request' };
    this.#entries.delete(key);
    return { hit: false, detail: `${reason} (entry erased)` };
  }

  #itemMatches(
    item: Item,
    kind: 'method' | 'header',
    value: string,
    credentials: CredentialsMode,
    profile: Profile,
    now: number,
  ): boolean {
    if (item.kind !== kind || item.expiresAt <= now) return false;
    const include = credentials === 'include';
    // Cache entry match: entry.credentials true, or the request's credentials mode is not include.
    if (profile.cache.credentialsExact ? item.credentials !== include : !item.credentials && include) return false;
    const wildcardOk = profile.cache.wildcardMatches && (profile.cache.wildcardIgnoresCredentials || !item.credentials);
    if (kind === 'method') return item.value === value || (item.value === '*' && wildcardOk);
    if (item.value === value) return true;
    return item.value === '*' && wildcardOk && (profile.cache.wildcardCoversAuthorization || value !== 'authorization');
  }

  #lookupItems(req: CacheLookup, profile: Profile): CacheLookupResult {
    const key = keyOf(req.origin, req.url);
    const now = this.now();
    const all = this.#items.get(key);
    if (all === undefined) return { hit: false, detail: 'no cache entries for this origin and URL' };
    const items = all.filter((i) => i.expiresAt > now);
    if (items.length === 0) this.#items.delete(key);
    else this.#items.set(key, items);
    const methodMatch = items.some((i) => this.#itemMatches(i, 'method', req.method, req.credentials, profile, now));
    if (!methodMatch && (!isCorsSafelistedMethod(req.method) || req.useCorsPreflight)) {
      return { hit: false, detail: `no method cache entry for ${req.method}` };
    }
    for (const name of req.unsafeHeaderNames) {
      if (!items.some((i) => this.#itemMatches(i, 'header', name, req.credentials, profile, now))) {
        return { hit: false, detail: `no header-name cache entry for ${name}` };
      }
    }
    return { hit: true, detail: 'preflight cache entries cover the request' };
  }
}
