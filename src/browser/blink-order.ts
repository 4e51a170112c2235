/**
 * The order in which Chromium hands a `fetch()`'s request headers to its network service.
 *
 * Why this exists: when a preflight does not allow several request headers, Chromium reports the
 * first one in *request-header order* (`preflight_result.cc` `EnsureAllowedCrossOriginHeaders`
 * walks `CorsUnsafeNotForbiddenRequestHeaderNames(headers.GetHeaderVector())`), and that order is
 * the iteration order of Blink's `HTTPHeaderMap` — a WTF `HashMap<AtomicString, AtomicString,
 * CaseFoldingHashTraits>` filled from the `FetchHeaderList` (sorted by name, case-insensitively) in
 * `FetchManager::Loader::PerformHTTPFetch`. So the reported name is neither the first sorted nor
 * the first given: it depends on the hash of each name. This module reproduces that hash and that
 * table:
 *
 * - hash: `CaseFoldingHash` = Chromium's rapidhash (`third_party/rapidhash/rapidhash.h`, with
 *   Chromium's HashReader changes) over the name case-folded and widened to UTF-16LE, through
 *   `CaseFoldingHashReader<LChar>`, then `StringHasher::MaskTop8Bits` (low 24 bits, 0 → 0x800000);
 * - table: `wtf/hash_table.h` — 8 buckets initially, `i = h & mask`, probing `i = (i + k) & mask`
 *   with k = 1, 2, 3 …, grow ×2 when `(keys + deleted) * 2 >= size` (reinserting in bucket order),
 *   iteration in bucket order.
 */

import { LRUCache } from 'lru-cache';

const MASK64 = (1n << 64n) - 1n;
const RAPID_SEED = 0xbdd89aa982704029n;
const SECRET = [0x2d358dccaa6c78a5n, 0x8bb84b93962eacc9n, 0x4b33a62ed433d4a3n] as const;

function mul128(a: bigint, b: bigint): [bigint, bigint] {
  const r = a * b;
  return [r & MASK64, (r >> 64n) & MASK64];
}

function mix(a: bigint, b: bigint): bigint {
  const [lo, hi] = mul128(a, b);
  return lo ^ hi;
}

function read32(bytes: Uint8Array, off: number): bigint {
  const b0 = bytes[off] ?? 0;
  const b1 = bytes[off + 1] ?? 0;
  const b2 = bytes[off + 2] ?? 0;
  const b3 = bytes[off + 3] ?? 0;
  return BigInt((b0 | (b1 << 8) | (b2 << 16)) + b3 * 0x1000000);
}

function read64(bytes: Uint8Array, off: number): bigint {
  return read32(bytes, off) | (read32(bytes, off + 4) << 32n);
}

/**
 * Chromium's rapidhash of `bytes` (the reader's output: here UTF-16LE code units). `smallValue` is
 * what the reader's `ReadSmall` returns for inputs of 1–3 bytes (for `CaseFoldingHashReader` that is
 * the single folded code unit, not upstream rapidhash's byte spread).
 */
function rapidhash(bytes: Uint8Array, smallValue: () => bigint): bigint {
  const len = BigInt(bytes.length);
  let seed = RAPID_SEED;
  seed ^= mix(seed ^ SECRET[0], SECRET[1]) ^ len;
  let a: bigint;
  let b: bigint;
  const n = bytes.length;
  if (n <= 16) {
    if (n >= 4) {
      const plast = n - 4;
      a = (read32(bytes, 0) << 32n) | read32(bytes, plast);
      const delta = (n & 24) >> (n >> 3);
      b = (read32(bytes, delta) << 32n) | read32(bytes, plast - delta);
    } else if (n > 0) {
      a = smallValue();
      b = 0n;
    } else {
      a = 0n;
      b = 0n;
    }
  } else {
    let i = n;
    let p = 0;
    if (i > 48) {
      let see1 = seed;
      let see2 = seed;
      do {
        seed = mix(read64(bytes, p) ^ SECRET[0], read64(bytes, p + 8) ^ seed);
        see1 = mix(read64(bytes, p + 16) ^ SECRET[1], read64(bytes, p + 24) ^ see1);
        see2 = mix(read64(bytes, p + 32) ^ SECRET[2], read64(bytes, p + 40) ^ see2);
        p += 48;
        i -= 48;
      } while (i >= 48);
      seed ^= see1 ^ see2;
    }
    if (i > 16) {
      seed = mix(read64(bytes, p) ^ SECRET[2], read64(bytes, p + 8) ^ seed ^ SECRET[1]);
      if (i > 32) seed = mix(read64(bytes, p + 16) ^ SECRET[2], read64(bytes, p + 24) ^ seed);
    }
    a = read64(bytes, p + i - 16);
    b = read64(bytes, p + i - 8);
  }
  a ^= SECRET[1];
  b ^= seed;
  [a, b] = mul128(a, b);
  return mix(a ^ SECRET[0] ^ len, b ^ SECRET[1]);
}

/** Latin-1 case folding as `StringImpl::kLatin1CaseFoldTable` does it (ASCII and Latin-1 letters; µ → U+03BC). */
function foldLatin1(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c + 0x20;
  if (c === 0xb5) return 0x3bc;
  if (c >= 0xc0 && c <= 0xde && c !== 0xd7) return c + 0x20;
  return c;
}

/** Blink's `CaseFoldingHash::GetHash` of an 8-bit string (24-bit result, never 0). */
export function blinkCaseFoldingHash(name: string): number {
  // The same few header names are hashed for every simulated request; the BigInt arithmetic allocates.
  let hash = hashCache.peek(name);
  if (hash === undefined) {
    hash = computeCaseFoldingHash(name);
    if (name.length <= 256) hashCache.set(name, hash);
  }
  return hash;
}

// Read with peek(): no reordering on a hit, oldest out first (see parsedOrigins in src/fetch/origin.ts).
const hashCache = new LRUCache<string, number>({ max: 4096 });

function computeCaseFoldingHash(name: string): number {
  const units: number[] = [];
  for (let i = 0; i < name.length; i++) units.push(foldLatin1(name.charCodeAt(i) & 0xff));
  const bytes = new Uint8Array(units.length * 2);
  units.forEach((u, i) => {
    bytes[2 * i] = u & 0xff;
    bytes[2 * i + 1] = u >> 8;
  });
  const h = rapidhash(bytes, () => BigInt(units[0] ?? 0));
  const masked = Number(h & 0xffffffn) & 0xffffff;
  return masked === 0 ? 0x800000 : masked;
}

/**
 * Iteration order of a WTF `HashMap` with case-folding string keys after inserting `names` in this
 * order (case-insensitive duplicates are merged into the first). Returns the names as inserted.
 */
export function blinkHashMapOrder(names: readonly string[]): string[] {
  let size = 0;
  let table: (string | null)[] = [];
  let count = 0;
  const place = (t: (string | null)[], name: string): void => {
    const mask = t.length - 1;
    let i = blinkCaseFoldingHash(name) & mask;
    let probe = 0;
    while (t[i] !== null) {
      probe++;
      i = (i + probe) & mask;
    }
    t[i] = name;
  };
  const rehash = (newSize: number): void => {
    const next: (string | null)[] = new Array<string | null>(newSize).fill(null);
    for (const entry of table) if (entry !== null) place(next, entry);
    table = next;
    size = newSize;
  };
  const seen = new Set<string>();
  for (const name of names) {
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    if (size === 0) rehash(8);
    place(table, name);
    count++;
    if (count * 2 >= size) rehash(count * 6 < size * 2 ? size : size * 2);
  }
  return table.filter((e): e is string => e !== null);
}

/** Options of {@link chromiumRequestHeaderOrder}. */
export interface HeaderOrderOptions {
  /**
   * The request URL is potentially trustworthy (https, loopback): Blink then also adds the
   * low-entropy UA client hints (`Sec-CH-UA`, `Sec-CH-UA-Mobile`, `Sec-CH-UA-Platform`) to the map,
   * which changes its size and so the order.
   */
  trustworthyUrl?: boolean;
}

/**
 * The order of a `fetch()`'s author request headers as Chromium's network service sees them:
 * the `FetchHeaderList` (names sorted case-insensitively) inserted into Blink's `HTTPHeaderMap`,
 * followed by the entries Blink adds itself — for potentially trustworthy URLs the three UA client
 * hints (`Sec-CH-UA`, `Sec-CH-UA-Mobile`, `Sec-CH-UA-Platform`), then `Accept` (or, when the author
 * set one, one other entry) — then iterated in bucket order. Returns the author names, lowercase,
 * in that order. Forbidden headers the script tried to set take no part.
 *
 * Fitted and checked against Chromium 156 on 582 measured header sets (random names and cases, with
 * and without author `Accept` / `Content-Type` / forbidden headers; loopback, `.test` and
 * mixed targets): all agree (`__fixtures__/chromium-header-order.json`). The name of the entry
 * Blink adds when the author set `Accept` is not known; only its count matters in the data.
 */
export function chromiumRequestHeaderOrder(names: readonly string[], options: HeaderOrderOptions = {}): string[] {
  const sorted = [...names].sort((x, y) => {
    const a = x.toLowerCase();
    const b = y.toLowerCase();
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const author = new Set(sorted.map((n) => n.toLowerCase()));
  const extras = options.trustworthyUrl ? ['Sec-CH-UA', 'Sec-CH-UA-Mobile', 'Sec-CH-UA-Platform'] : [];
  extras.push(author.has('accept') ? 'User-Agent' : 'Accept');
  return blinkHashMapOrder([...sorted, ...extras.filter((e) => !author.has(e.toLowerCase()))])
    .map((n) => n.toLowerCase())
    .filter((n) => author.has(n));
}
