/**
 * Header-list primitives of the Fetch Standard (https://fetch.spec.whatwg.org/#terminology-headers).
 *
 * A header list is an ordered list of `[name, value]` pairs: repeated names are kept as separate
 * entries and names compare byte-case-insensitively. Values are "byte strings": every UTF-16 code
 * unit is one byte (0x00–0xFF), as `ByteString` values are in the DOM.
 */

/** A header list as it goes on the wire: names as given, repeated names kept, order kept. */
export type HeaderList = [string, string][];

/** Anything callers may pass where a header list is expected: a record or a list of pairs. */
export type HeadersInit = Record<string, string> | [string, string][];

/** HTTP tab or space (Fetch: "HTTP tab or space byte"). */
export function isHttpTabOrSpace(c: string): boolean {
  return c === ' ' || c === '\t';
}

/** HTTP whitespace: tab, space, CR, LF (Fetch: "HTTP whitespace byte"). */
export function isHttpWhitespace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/**
 * RFC 9110 `tchar` (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2) as a lookup table: `TCHAR[c] === 1` for a
 * code unit `c < 128` that is `!#$%&'*+-.^_`|~`, a digit or a letter. A table keeps token checks branch-light on hot
 * paths (the policy checks every `Access-Control-Request-Headers` byte with it).
 */
export const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1;

/** True if `c` is one character of RFC 9110 `tchar`. */
export function isTokenChar(c: string): boolean {
  return c.length === 1 && TCHAR[c.charCodeAt(0)] === 1;
}

/**
 * True if `s` is an HTTP token (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2: `1*tchar`). Used for header
 * names, methods and the items of `Access-Control-Allow-Methods` / `-Headers` / `-Expose-Headers`.
 */
export function isToken(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  // Code units >= 128 (including surrogates) index past the table: undefined, so not a tchar.
  for (let i = 0; i < n; i++) if (TCHAR[s.charCodeAt(i)] !== 1) return false;
  return true;
}

/** A header name is valid when it is a token (Fetch: "header name"). */
export function isHeaderName(name: string): boolean {
  return isToken(name);
}

/**
 * True if `value` is a valid header value (Fetch: "header value"): no leading or trailing HTTP tab or
 * space, and no NUL, CR or LF byte. (It does not check that the string is a byte string; see
 * {@link isByteString}.)
 */
export function isHeaderValue(value: string): boolean {
  if (value.length > 0) {
    if (isHttpTabOrSpace(value.charAt(0)) || isHttpTabOrSpace(value.charAt(value.length - 1))) return false;
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x00 || c === 0x0a || c === 0x0d) return false;
  }
  return true;
}

/** True if every code unit of `s` fits in one byte (0x00–0xFF), i.e. `s` is a WebIDL ByteString. */
export function isByteString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/**
 * Normalize a header value (Fetch: "normalize"): strip leading and trailing HTTP whitespace. This is
 * what `Headers.append` does to script-supplied values before validating them.
 */
export function normalizeHeaderValue(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charAt(end - 1))) end--;
  return value.slice(start, end);
}

/** Strip leading and trailing HTTP tab or space, as an HTTP/1.1 parser does to a field value. */
export function trimHttpTabOrSpace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpTabOrSpace(value.charAt(start))) start++;
  while (end > start && isHttpTabOrSpace(value.charAt(end - 1))) end--;
  return value.slice(start, end);
}

/** ASCII lowercase (Fetch "byte-lowercase"); leaves non-ASCII code units alone. */
export function byteLowercase(s: string): string {
  // Header names are ASCII and mostly lower-case already: answer those without building a string.
  if (!/[A-Z]/.test(s)) return s;
  // For ASCII, String#toLowerCase is exactly byte-lowercase; beyond ASCII it is not (it folds `İ`, `Σ`...).
  if (!/[\u0080-\uffff]/.test(s)) return s.toLowerCase();
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x20));
}

/** ASCII uppercase (Fetch "byte-uppercase"); leaves non-ASCII code units alone. */
export function byteUppercase(s: string): string {
  return s.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x20));
}

/** Byte-case-insensitive equality of two names (compared in place: header lookups run per probe and check). */
export function nameEquals(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
  }
  return true;
}

/** True if the list holds at least one header named `name` (case-insensitive). */
export function hasHeader(list: readonly (readonly [string, string])[], name: string): boolean {
  return list.some(([n]) => nameEquals(n, name));
}

/** Every value of `name` in list order (one per header line). */
export function getAllHeaderValues(list: readonly (readonly [string, string])[], name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of list) if (nameEquals(n, name)) out.push(v);
  return out;
}

/**
 * Fetch "get": null if no header is named `name`, else all its values joined with `", "` in order.
 * The CORS check reads `Access-Control-Allow-Origin` this way, so two lines `a` and `b` become the
 * single value `a, b`.
 */
export function getHeader(list: readonly (readonly [string, string])[], name: string): string | null {
  const values = getAllHeaderValues(list, name);
  return values.length === 0 ? null : values.join(', ');
}

/**
 * Fetch "get, decode, and split" for an already-decoded value: split on commas that are outside
 * double-quoted strings, strip HTTP tab or space from each item, and keep empty items.
 */
export function splitHeaderValue(value: string): string[] {
  const values: string[] = [];
  let position = 0;
  let temporary = '';
  for (;;) {
    // Collect a sequence of code points that are not `"` or `,`.
    while (position < value.length && value[position] !== '"' && value[position] !== ',') {
      temporary += value.charAt(position);
      position++;
    }
    if (position < value.length) {
      if (value[position] === '"') {
        // Collect an HTTP quoted string, keeping the quotes (extract-value false).
        const start = position;
        position++;
        while (position < value.length) {
          const c = value.charAt(position);
          if (c === '\\') {
            position += 2;
            continue;
          }
          position++;
          if (c === '"') break;
        }
        temporary += value.slice(start, Math.min(position, value.length));
        if (position < value.length) continue;
      } else {
        // A comma: end of this item.
        position++;
        values.push(trimHttpTabOrSpace(temporary));
        temporary = '';
        continue;
      }
    }
    values.push(trimHttpTabOrSpace(temporary));
    return values;
  }
}

/** Fetch "get, decode, and split": null if the header is absent, else {@link splitHeaderValue} of its combined value. */
export function getDecodeSplit(list: readonly (readonly [string, string])[], name: string): string[] | null {
  const value = getHeader(list, name);
  return value === null ? null : splitHeaderValue(value);
}

/**
 * Parse a comma-separated list of tokens the way Chromium parses `Access-Control-Allow-Methods`,
 * `Access-Control-Allow-Headers` and `Access-Control-Expose-Headers`
 * (`services/network/cors/preflight_result.cc` `ParseAccessControlAllowList`): split the combined
 * value on `,`, trim HTTP tab or space, skip empty items, and require every item to be a token.
 * Returns null when any item is not a token (the whole header is then rejected). This matches the
 * spec's `#token` ABNF as used by "extract header list values", which also tolerates empty list
 * elements and optional whitespace around commas.
 */
export function parseTokenList(value: string): string[] | null {
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const item = trimHttpTabOrSpace(raw);
    if (item === '') continue;
    if (!isToken(item)) return null;
    out.push(item);
  }
  return out;
}

/**
 * Byte-lowercase, de-duplicate and sort names by their bytes (Fetch: "convert header names to a
 * sorted-lowercase set").
 */
export function sortedLowercaseSet(names: Iterable<string>): string[] {
  const set = new Set<string>();
  for (const n of names) set.add(byteLowercase(n));
  return [...set].sort(compareBytes);
}

/** Compare two byte strings by code units (the spec's "byte less than"). */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Convert a record or a pair list to a header list, keeping order. Throws a TypeError when an entry
 * of a pair list is not a pair of strings (as `new Headers()` does).
 */
export function toHeaderList(init: HeadersInit | undefined): HeaderList {
  const untrusted: unknown = init; // JavaScript callers may pass null, or pairs that are not pairs
  if (untrusted === undefined || untrusted === null) return [];
  if (Array.isArray(init)) {
    return init.map((entry, i) => {
      const pair: unknown = entry;
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(`Invalid header entry at index ${i}: each entry must be a [name, value] pair.`);
      }
      const [n, v] = entry as unknown[];
      if (typeof n !== 'string' || typeof v !== 'string') {
        throw new TypeError(`Invalid header entry at index ${i}: name and value must be strings.`);
      }
      return [n, v] as [string, string];
    });
  }
  if (typeof init !== 'object') throw new TypeError('Headers must be a record or a list of [name, value] pairs.');
  return Object.entries(init).map(([n, v]) => {
    if (typeof v !== 'string') throw new TypeError(`Invalid value for header '${n}': must be a string.`);
    return [n, v] as [string, string];
  });
}

/**
 * Isomorphic-decode a string that may hold code units above 0xFF: such a string is taken to be the
 * UTF-8 bytes of a header a server sent, so it is UTF-8-encoded and every byte becomes one code unit.
 * Byte strings are returned unchanged.
 */
export function toByteString(s: string): string {
  if (isByteString(s)) return s;
  let out = '';
  for (const b of new TextEncoder().encode(s)) out += String.fromCharCode(b);
  return out;
}
