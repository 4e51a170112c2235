/**
 * The `Access-Control-Request-Headers` checker: one pass over the value, no split, no RegExp, and a hard
 * length cap, so a hostile value costs O(cap) whatever its size. This is the class of bug that cost rs/cors
 * (GHSA-mh55-gqvf-xfwm), go-chi/cors (#36) and hono (GHSA-8j4g-w8fx-2239) a denial of service.
 */
import { TOKEN } from './tokens.js';

/** Result of a check: `OK`, `TOO_LONG`, or the index in the value where the offending element starts. */
export const OK = -1;
/** The value is longer than any value a browser could send for this policy. */
export const TOO_LONG = -2;

/**
 * Longest ACRH accepted when the policy allows every header (`'*'`). Chromium sends one lower-case name per
 * non-safelisted author header; 8 KiB is far above what any page needs and bounds the scan.
 */
export const MAX_WILDCARD_ACRH_LENGTH = 8192;

const SP = 0x20;
const HTAB = 0x09;
const COMMA = 0x2c;

/** Empty list elements tolerated in one value (jub0bs/cors uses the same bound). */
export const MAX_EMPTY_ELEMENTS = 16;

const NONE: number[] = [];

/**
 * Checks ACRH values against an allowlist of lower-case names, or against "any token" for `'*'`.
 * Names are compared ASCII-case-insensitively; elements may be separated by OWS and empty elements (the RFC 9110
 * list rule, https://www.rfc-editor.org/rfc/rfc9110#section-5.6.1, and the `, ` that joins repeated header lines,
 * rs/cors#184).
 */
export class RequestHeaderChecker {
  /** Allowed names by length: `byLength[n]` lists the indexes of the names n characters long. */
  private readonly byLength: number[][];
  private readonly maxLength: number;
  /** Generation marks: `seen[i] === generation` when name i appeared in the value being checked. */
  private readonly seen: Uint32Array;
  private generation = 0;
  private readonly authorizationIndex: number;

  /**
   * @param names allowed lower-case names (unique)
   * @param wildcard whether every token is allowed (then `names` only matters for `authorization`)
   */
  constructor(
    readonly names: readonly string[],
    readonly wildcard: boolean,
  ) {
    // Dense (no holes) so the lookup stays a fast element access.
    const longest = names.reduce((max, n) => Math.max(max, n.length), 0);
    this.byLength = Array.from({ length: longest + 1 }, () => [] as number[]);
    names.forEach((name, i) => this.byLength[name.length]!.push(i));
    this.seen = new Uint32Array(names.length);
    this.authorizationIndex = names.indexOf('authorization');
    // A browser sends each name once, joined by ","; leave room for OWS and the ", " of repeated lines.
    this.maxLength = wildcard ? MAX_WILDCARD_ACRH_LENGTH : names.reduce((sum, n) => sum + n.length + 4, 16);
  }

  /**
   * Whether `authorization` is allowed (it must be listed by name: https://fetch.spec.whatwg.org/#http-responses keeps
   * it out of `*`).
   */
  get allowsAuthorization(): boolean {
    return this.authorizationIndex !== -1;
  }

  /**
   * Checks one ACRH value. Returns {@link OK}, {@link TOO_LONG}, or the start index of the first element that
   * is not allowed (not a token, not listed, a duplicate, or `authorization` under `*`).
   */
  check(value: string): number {
    const len = value.length;
    if (len > this.maxLength) return TOO_LONG;
    const wildcard = this.wildcard;
    if (!wildcard && ++this.generation === 0xffffffff) {
      this.seen.fill(0);
      this.generation = 1;
    }
    let i = 0;
    let empties = 0;
    // Every read is bounds-checked: an out-of-range charCodeAt (NaN) deoptimizes this loop in V8.
    while (i < len) {
      let c = value.charCodeAt(i);
      while ((c === SP || c === HTAB) && ++i < len) c = value.charCodeAt(i); // leading OWS
      if (i >= len) break;
      if (c === COMMA) {
        // Browsers never send empty elements; a few are tolerated
        // (https://www.rfc-editor.org/rfc/rfc9110#section-5.6.1), a flood is refused.
        if (++empties > MAX_EMPTY_ELEMENTS) return i;
        i++;
        continue;
      }
      const start = i;
      while (c < 128 && TOKEN[c] === 1 && ++i < len) c = value.charCodeAt(i);
      const end = i;
      while ((c === SP || c === HTAB) && ++i < len) c = value.charCodeAt(i); // trailing OWS
      if (start === end || (i < len && c !== COMMA)) return start; // not a token
      i++; // past the ","
      const n = end - start;
      if (wildcard) {
        if (n === 13 && this.authorizationIndex === -1 && equalsIgnoringCase(value, start, 'authorization')) {
          return start;
        }
        continue;
      }
      const candidates = n < this.byLength.length ? this.byLength[n]! : NONE;
      let index = -1;
      for (const candidate of candidates) {
        const name = this.names[candidate]!;
        // Browsers send lower case: try the native comparison first.
        if (value.startsWith(name, start) || equalsIgnoringCase(value, start, name)) {
          index = candidate;
          break;
        }
      }
      if (index === -1 || this.seen[index] === this.generation) return start;
      this.seen[index] = this.generation;
    }
    return OK;
  }
}

/** Whether `value` at `start` spells the lower-case `name`, ASCII-case-insensitively. */
function equalsIgnoringCase(value: string, start: number, name: string): boolean {
  for (let k = 0; k < name.length; k++) {
    const c = value.charCodeAt(start + k);
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== name.charCodeAt(k)) return false;
  }
  return true;
}

/** The element of `value` starting at `start` (for debug reasons only). */
export function elementAt(value: string, start: number): string {
  let end = value.indexOf(',', start);
  if (end === -1) end = value.length;
  // Only OWS is trimmed: a JS trim() would also hide the Unicode space or line separator that made it invalid.
  while (end > start && (value.charCodeAt(end - 1) === SP || value.charCodeAt(end - 1) === HTAB)) end--;
  return value.slice(start, end);
}
