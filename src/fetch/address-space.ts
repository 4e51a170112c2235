/**
 * IP address spaces, as Local Network Access (WICG "Local Network Access", Chromium ≥ 142) ranks them:
 * `public` < `local` < `loopback`. A request from a page to a resource in a more private space than the
 * page's own needs a secure context and the user's permission.
 *
 * The address space of a host is that of the IP address it resolves to. IP literals and `localhost` are
 * classified here with Chromium's table (`services/network/public/cpp/ip_address_space_util.cc`); any other
 * name needs a resolver (see `SimulateOptions.resolveAddressSpace` in `corsight/browser`).
 */
/** An IP address space, least private first. */
export type AddressSpace = 'public' | 'local' | 'loopback';

/** The address spaces, least private first. */
export const addressSpaces: readonly AddressSpace[] = ['public', 'local', 'loopback'];

/** True if `target` is a more private address space than `initiator` (LNA's "more private" test). */
export function isMorePrivate(target: AddressSpace, initiator: AddressSpace): boolean {
  return addressSpaces.indexOf(target) > addressSpaces.indexOf(initiator);
}

/** `[first octets..., prefix length in bits]` of an IPv4 range. */
type V4Range = readonly [number, number, number, number, number];

const V4_LOOPBACK: readonly V4Range[] = [[127, 0, 0, 0, 8]];
// RFC 1918 private use and RFC 3927 link-local.
const V4_LOCAL: readonly V4Range[] = [
  [10, 0, 0, 0, 8],
  [172, 16, 0, 0, 12],
  [192, 168, 0, 0, 16],
  [169, 254, 0, 0, 16],
];

function v4Bits(octets: readonly number[]): number {
  const [a = 0, b = 0, c = 0, d = 0] = octets;
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function inV4(address: number, ranges: readonly V4Range[]): boolean {
  return ranges.some(([a, b, c, d, length]) => {
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
    return (address & mask) >>> 0 === (v4Bits([a, b, c, d]) & mask) >>> 0;
  });
}

function v4Space(dotted: string): AddressSpace {
  const address = v4Bits(dotted.split('.').map(Number));
  if (inV4(address, V4_LOOPBACK)) return 'loopback';
  if (inV4(address, V4_LOCAL)) return 'local';
  return 'public';
}

/** The 8 groups of an IPv6 address (already validated), with an embedded dotted IPv4 tail expanded. */
function v6Groups(text: string): number[] {
  let s = text.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted !== null) {
    const [a, b, c, d] = (dotted[1] ?? '').split('.').map(Number) as [number, number, number, number];
    s = `${s.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? (s.split('::') as [string, string]) : [s, undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function v6Space(text: string): AddressSpace {
  const g = v6Groups(text);
  // IPv4-mapped (::ffff:a.b.c.d): the IPv4 address decides, as Chromium's prefix match does.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    const [, , , , , , g6 = 0, g7 = 0] = g;
    return v4Space(`${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`);
  }
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  // fc00::/7 unique local, fe80::/10 link-local.
  const [g0 = 0] = g;
  if ((g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80) return 'local';
  return 'public';
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]+$/i;

/**
 * The address space of a host when it can be told without DNS: an IP literal in canonical form (as
 * `URL.hostname` or a resolver gives it; IPv6 with or without brackets), or `localhost` and its
 * subdomains (which browsers resolve to loopback themselves). Any other name: `undefined`.
 */
export function addressSpaceOfHost(hostname: string): AddressSpace | undefined {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (IPV4.test(host)) return v4Space(host);
  if (host.includes(':') && IPV6.test(host)) return v6Space(host);
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
  return undefined;
}
