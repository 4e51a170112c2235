/**
 * URL globs of the ignore file: `*` stands for any run of characters (slashes included), `?` for one character;
 * everything else is literal. A glob matches the whole target URL.
 */

/** Compiles a URL glob to an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const c of glob) {
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
