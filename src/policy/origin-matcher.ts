/**
 * Request-time origin matching: a `Map` of exact serialized origins plus a tree of reversed host labels
 * for `*.` patterns, `prefix-*` labels and `:*` ports. A lookup costs O(length of the Origin header), whatever
 * the number of configured origins.
 */
import { DEFAULT_PORTS, MAX_PATTERN_SCHEME_LENGTH, isWildcardPattern, type OriginPattern } from './origin-pattern.js';

/** Scheme and port accepted at a tree node. */
interface Spec {
  /** `scheme://`, compared with `startsWith` so the request's scheme is never sliced out. */
  prefix: string;
  /** 0 = no port, -1 = any port (also none), otherwise the port. */
  port: number;
  /** The scheme's default port (0 if none): browsers never serialize it, so `:*` does not cover it spelt out. */
  defaultPort: number;
}

/** A node of the reversed-label tree: the path from the root spells a host's labels right to left. */
interface Node {
  next: Map<string, Node> | undefined;
  /** Patterns whose host is exactly this suffix (`http://localhost:*`). */
  exact: Spec[] | undefined;
  /**
   * Patterns `*.suffix`: one or more further labels on the left. Nodes hold whole labels, so a match always
   * sits on a label boundary (jub0bs/cors GHSA-vhxv-fg4m-p2w8 was a suffix tree matching `barfoo.com` for
   * `foo.com`).
   */
  subdomains: Spec[] | undefined;
  /**
   * Patterns `prefix*.suffix`: exactly one further label on the left, starting with a prefix. A character trie
   * of the prefixes, so the leftmost label is read once whatever the number of prefixes.
   */
  labelPrefixes: PrefixNode | undefined;
}

/** A node of a label-prefix trie: the path from its root spells a prefix, one code unit per level. */
interface PrefixNode {
  next: Map<number, PrefixNode> | undefined;
  /** Patterns whose prefix ends here. */
  specs: Spec[] | undefined;
}

const newNode = (): Node => ({ next: undefined, exact: undefined, subdomains: undefined, labelPrefixes: undefined });

/** Longest Origin the tree can match: scheme + "://" + host (<= 253) + ":65535". */
const MAX_PATTERN_ORIGIN_LENGTH = MAX_PATTERN_SCHEME_LENGTH + 3 + 253 + 6;

const DOT = 0x2e;
const COLON = 0x3a;

/** Whether the code unit may appear in a host matched by a pattern: `a-z 0-9 - _ .` (lower-case ASCII only). */
function isHostChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === DOT;
}

/**
 * Matches request origins against parsed patterns. `V` is whatever the caller wants back for an exact
 * origin (the policy stores its precomputed decisions there).
 */
export class OriginMatcher<V> {
  /** Exact serialized origins. */
  readonly exact = new Map<string, V>();
  private readonly root: Node = newNode();
  private hasPatterns = false;
  private maxExactLength = 0;

  /** Adds a pattern; `value` is kept for exact origins only. */
  add(pattern: Extract<OriginPattern, { kind: 'origin' }>, value: V): void {
    if (!isWildcardPattern(pattern)) {
      this.exact.set(pattern.text, value);
      this.maxExactLength = Math.max(this.maxExactLength, pattern.text.length);
      return;
    }
    this.hasPatterns = true;
    // Insert the labels right to left (a bracketed IPv6 host is one label).
    const labels = pattern.host.startsWith('[') ? [pattern.host] : pattern.host.split('.');
    let node = this.root;
    for (const label of labels.toReversed()) {
      node.next ??= new Map();
      let child = node.next.get(label);
      if (child === undefined) {
        child = newNode();
        node.next.set(label, child);
      }
      node = child;
    }
    const spec: Spec = {
      prefix: pattern.scheme + '://',
      port: pattern.port,
      defaultPort: DEFAULT_PORTS[pattern.scheme] ?? 0,
    };
    if (pattern.labelPrefix !== undefined) {
      let at = (node.labelPrefixes ??= { next: undefined, specs: undefined });
      for (let i = 0; i < pattern.labelPrefix.length; i++) {
        const c = pattern.labelPrefix.charCodeAt(i);
        at.next ??= new Map();
        let child = at.next.get(c);
        if (child === undefined) {
          child = { next: undefined, specs: undefined };
          at.next.set(c, child);
        }
        at = child;
      }
      (at.specs ??= []).push(spec);
    } else if (pattern.subdomains) (node.subdomains ??= []).push(spec);
    else (node.exact ??= []).push(spec);
  }

  /** The value of an exact origin, if `origin` is one. */
  getExact(origin: string): V | undefined {
    return origin.length > this.maxExactLength ? undefined : this.exact.get(origin);
  }

  /**
   * Whether `origin` matches a wildcard pattern (`*.` host or `:*` port). Only a well-formed serialized origin
   * can match: lower-case `scheme://host[:port]` with a domain or IPv4 host, no empty label, and a canonical
   * port that is not the scheme's default. So a matched origin is always safe to reflect in a header.
   */
  matchesPattern(origin: string): boolean {
    if (!this.hasPatterns) return false;
    const len = origin.length;
    if (len > MAX_PATTERN_ORIGIN_LENGTH) return false;
    const sep = origin.indexOf('://');
    if (sep <= 0) return false;
    const hostStart = sep + 3;
    let hostEnd = hostStart;
    if (origin.charCodeAt(hostStart) === 0x5b) {
      // A bracketed IPv6 host (only `:*` patterns can name one): hex digits, ":" and "." up to "]".
      for (hostEnd = hostStart + 1; hostEnd < len; hostEnd++) {
        const c = origin.charCodeAt(hostEnd);
        if (c === 0x5d) break;
        if (!((c >= 0x30 && c <= 0x3a) || (c >= 0x61 && c <= 0x66) || c === DOT)) return false;
      }
      if (hostEnd === len) return false;
      hostEnd++;
      if (hostEnd < len && origin.charCodeAt(hostEnd) !== COLON) return false;
    } else {
      // Scan the host: allowed characters, no empty label, ends at ":" or at the end.
      let prev = DOT; // a leading "." is an empty label
      for (; hostEnd < len; hostEnd++) {
        const c = origin.charCodeAt(hostEnd);
        if (c === COLON) break;
        if (!isHostChar(c)) return false;
        if (c === DOT && prev === DOT) return false;
        prev = c;
      }
      if (hostEnd === hostStart || prev === DOT) return false;
    }
    // Port: canonical decimal 1..65535.
    let port = 0;
    if (hostEnd < len) {
      const digits = len - hostEnd - 1;
      if (digits < 1 || digits > 5) return false;
      for (let i = hostEnd + 1; i < len; i++) {
        const d = origin.charCodeAt(i) - 0x30;
        if (d < 0 || d > 9 || (d === 0 && i === hostEnd + 1)) return false;
        port = port * 10 + d;
      }
      if (port > 65535) return false;
    }
    // Walk the labels right to left. The host was validated above: no empty label, so whenever labels remain
    // on the left of a `subdomains` node, they are one or more whole, valid labels.
    if (origin.charCodeAt(hostStart) === 0x5b) {
      const node = this.root.next?.get(origin.slice(hostStart, hostEnd));
      return node?.exact !== undefined && this.specMatches(node.exact, origin, sep, port);
    }
    let node: Node = this.root;
    let end = hostEnd;
    for (;;) {
      // A manual backwards scan: String.prototype.lastIndexOf is a slow runtime call in V8.
      let dot = end - 1;
      while (dot >= hostStart && origin.charCodeAt(dot) !== DOT) dot--;
      const start = dot + 1;
      if (
        start === hostStart &&
        node.labelPrefixes !== undefined &&
        this.prefixMatches(node.labelPrefixes, origin, start, end, sep, port)
      ) {
        return true;
      }
      const next = node.next?.get(origin.slice(start, end));
      if (next === undefined) return false;
      node = next;
      if (start === hostStart) return node.exact !== undefined && this.specMatches(node.exact, origin, sep, port);
      if (node.subdomains !== undefined && this.specMatches(node.subdomains, origin, sep, port)) return true;
      end = dot;
    }
  }

  /**
   * Whether the leftmost label `origin[start, end)` starts with one of the trie's prefixes and is longer than
   * it (`myapp-*` covers `myapp-x`, never `myapp-` itself). One pass over the label.
   */
  private prefixMatches(trie: PrefixNode, origin: string, start: number, end: number, sep: number, port: number) {
    let at: PrefixNode | undefined = trie;
    for (let i = start; i < end - 1; i++) {
      at = at.next?.get(origin.charCodeAt(i));
      if (at === undefined) return false;
      if (at.specs !== undefined && this.specMatches(at.specs, origin, sep, port)) return true;
    }
    return false;
  }

  private specMatches(specs: Spec[], origin: string, sep: number, port: number): boolean {
    for (const spec of specs) {
      if (spec.prefix.length !== sep + 3 || !origin.startsWith(spec.prefix)) continue;
      if (spec.port === port) return true;
      if (spec.port === -1 && (port === 0 || port !== spec.defaultPort)) return true;
    }
    return false;
  }
}
