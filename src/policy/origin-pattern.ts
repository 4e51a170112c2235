/**
 * Parsing and validating the origin patterns of a policy's `origins` list (construction time only).
 */
import { domainToASCII } from 'node:url';
import { hostSuffixInfo, isLoopbackHost } from '../fetch/origin.js';
import { problem, type PolicyProblem } from './problems.js';

/** A parsed entry of `origins`. */
export type OriginPattern =
  | { kind: 'any' }
  | {
      kind: 'origin';
      /** Lower-case scheme without `:`. */
      scheme: string;
      /** Lower-case ASCII host (domain, dotted-quad IPv4 or bracketed IPv6), without the `*.` prefix. */
      host: string;
      /** Port: 0 = none (scheme default), -1 = any (`:*`), otherwise 1..65535. */
      port: number;
      /** `*.host`: every subdomain of `host` at any depth, never `host` itself. */
      subdomains: boolean;
      /**
       * `prefix*.host` (`https://myapp-*.example.com`): exactly one more label on the left of `host`, which
       * starts with `prefix` and is longer than it. Undefined for other patterns.
       */
      labelPrefix?: string;
      /** The pattern as written, lower-cased (the exact serialized origin when no wildcard is involved). */
      text: string;
    };

/**
 * Default ports per special scheme (URL Standard, https://url.spec.whatwg.org/#default-port); browsers omit them when
 * serializing an origin.
 */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443, ftp: 21 };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const DOMAIN_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/;

/** Whether a parsed origin entry is a pattern (`*.`, `prefix-*` or `:*`) rather than one exact origin. */
export function isWildcardPattern(pattern: Extract<OriginPattern, { kind: 'origin' }>): boolean {
  return pattern.subdomains || pattern.port === -1 || pattern.labelPrefix !== undefined;
}

/** Longest host name (RFC 1035: 253 characters written without the trailing dot). */
const MAX_HOST_LENGTH = 253;
/** Longest scheme the request-time matcher reads in a pattern (see origin-matcher.ts). */
export const MAX_PATTERN_SCHEME_LENGTH = 64;

/** Options of the configuration that change how an origin is judged. */
export interface OriginCheckOptions {
  credentials: boolean;
  dangerouslyAllowInsecureOrigins: boolean;
  dangerouslyAllowPublicSuffixWildcards: boolean;
}

/**
 * Parses one entry of `origins`. Returns the pattern when it has no error-severity problem; `problems` lists
 * everything wrong with it (several at once when several things are wrong).
 */
export function parseOriginPattern(
  input: string,
  path: string,
  options: OriginCheckOptions,
): { pattern?: OriginPattern; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const fail = () => ({ problems });
  if (input.trim() !== input) {
    const trimmed = input.trim();
    problems.push(
      problem(
        'origin-whitespace',
        path,
        input,
        trimmed === ''
          ? `origins[] holds only whitespace; remove it`
          : `"${input}" has whitespace around it: browsers never send any in Origin, so it would never match; write "${trimmed}"`,
      ),
    );
    return fail();
  }
  if (input === '*') return { pattern: { kind: 'any' }, problems };
  if (input.toLowerCase() === 'null') {
    problems.push(
      problem(
        'origin-null',
        path,
        input,
        `"null" cannot be allowed: sandboxed iframes, data: URLs and cross-origin redirects all send Origin: null, so any site can obtain it`,
      ),
    );
    return fail();
  }
  const schemeMatch = SCHEME.exec(input);
  if (!schemeMatch) {
    problems.push(
      problem(
        'origin-malformed',
        path,
        input,
        `"${input}" is not an origin: expected scheme://host[:port], e.g. https://app.example.com`,
      ),
    );
    return fail();
  }
  const rawScheme = schemeMatch[1] ?? '';
  const scheme = rawScheme.toLowerCase();
  if (scheme === 'file') {
    problems.push(
      problem(
        'origin-file-scheme',
        path,
        input,
        `file: origins are opaque (browsers send Origin: null for them) and cannot be allowed`,
      ),
    );
    return fail();
  }
  let rest = input.slice(schemeMatch[0].length);
  if (!rest.startsWith('//')) {
    problems.push(
      problem(
        'origin-malformed',
        path,
        input,
        `"${input}" is not an origin: expected "${scheme}://" followed by a host`,
      ),
    );
    return fail();
  }
  rest = rest.slice(2);
  // Split the authority from whatever follows it (URL Standard: the authority ends at "/", "?" or "#").
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '/' || c === '?' || c === '#') {
      end = i;
      break;
    }
  }
  const authority = rest.slice(0, end);
  const tail = rest.slice(end);
  if (tail !== '') {
    const q = tail.search(/[?#]/);
    if (q !== -1) {
      problems.push(
        problem('origin-query', path, input, `an origin has no query or fragment; remove "${tail.slice(q)}"`),
      );
    }
    const pathPart = q === -1 ? tail : tail.slice(0, q);
    if (pathPart === '/') {
      problems.push(
        problem(
          'origin-trailing-slash',
          path,
          input,
          `an origin never ends with "/"; write "${scheme}://${authority.toLowerCase()}"`,
        ),
      );
    } else if (pathPart !== '') {
      problems.push(
        problem(
          'origin-path',
          path,
          input,
          `an origin has no path; remove "${pathPart}" and write "${scheme}://${authority.toLowerCase()}"`,
        ),
      );
    }
  }
  let hostPort = authority;
  const at = authority.lastIndexOf('@');
  if (at !== -1) {
    problems.push(
      problem(
        'origin-userinfo',
        path,
        input,
        `an origin has no user information; remove "${authority.slice(0, at + 1)}"`,
      ),
    );
    hostPort = authority.slice(at + 1);
  }
  if (hostPort.startsWith('*.[')) {
    problems.push(problem('origin-bad-wildcard', path, input, `"*." cannot precede an IP address`));
    return fail();
  }
  // Host and port. A bracketed IPv6 host contains colons of its own.
  let rawHost: string;
  let rawPort: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) {
      problems.push(problem('origin-bad-host', path, input, `unterminated IPv6 address in "${input}"`));
      return fail();
    }
    rawHost = hostPort.slice(0, close + 1);
    const after = hostPort.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) {
        problems.push(problem('origin-malformed', path, input, `unexpected "${after}" after the host in "${input}"`));
        return fail();
      }
      rawPort = after.slice(1);
    }
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon === -1) {
      rawHost = hostPort;
    } else {
      rawHost = hostPort.slice(0, colon);
      rawPort = hostPort.slice(colon + 1);
    }
  }
  if (/[A-Z]/.test(rawScheme) || /[A-Z]/.test(rawHost)) {
    problems.push(
      problem(
        'origin-uppercase',
        path,
        input,
        `browsers serialize origins in lower case, so "${input}" would never match; write "${input.replace(/[A-Z]+/g, (m) => m.toLowerCase())}"`,
      ),
    );
  }
  let host = rawHost.toLowerCase();
  let subdomains = false;
  let labelPrefix: string | undefined;
  if (host.startsWith('*.')) {
    subdomains = true;
    host = host.slice(2);
  } else {
    // `prefix*.host`: a preview-deployment label (`myapp-*.example.com`), the `*` ending the leftmost label.
    // The prefix must end with "-": the hyphen marks where the fixed part ends, so `app*` (which would also
    // cover `apple`) stays an error.
    const star = host.indexOf('*');
    const dot = host.indexOf('.');
    if (star > 1 && dot === star + 1 && host[star - 1] === '-') {
      labelPrefix = host.slice(0, star);
      host = host.slice(dot + 1);
    }
  }
  if (host.includes('*')) {
    problems.push(
      problem(
        'origin-bad-wildcard',
        path,
        input,
        `"*" is only allowed as a whole leading label ("https://*.example.com"), after a leading "prefix-" ("https://myapp-*.example.com") or as the port (":*")`,
      ),
    );
    return fail();
  }
  if (labelPrefix !== undefined && (!/^[a-z0-9_][a-z0-9_-]*-$/.test(labelPrefix) || labelPrefix.length > 62)) {
    problems.push(
      problem(
        'origin-bad-wildcard',
        path,
        input,
        `"${labelPrefix}*" is not a label prefix: before "*" write up to 62 letters, digits, "-" or "_", ending with "-" ("https://myapp-*.example.com")`,
      ),
    );
    return fail();
  }
  if (host === '') {
    problems.push(problem('origin-malformed', path, input, `"${input}" has no host`));
    return fail();
  }
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(host)) {
    const ascii = domainToASCII(host);
    problems.push(
      problem(
        'origin-non-ascii-host',
        path,
        input,
        ascii
          ? `browsers serialize internationalized hosts as punycode; write "${scheme}://${subdomains ? '*.' : ''}${ascii}${rawPort !== undefined ? ':' + rawPort : ''}"`
          : `"${host}" is not a valid internationalized domain name`,
      ),
    );
    return fail();
  }
  let port = 0;
  if (rawPort !== undefined) {
    if (rawPort === '*') {
      port = -1;
    } else if (/^[1-9][0-9]{0,4}$/.test(rawPort) && Number(rawPort) <= 65535) {
      port = Number(rawPort);
      if (DEFAULT_PORTS[scheme] === port) {
        problems.push(
          problem(
            'origin-default-port',
            path,
            input,
            `browsers omit the default port ${port} of ${scheme}: from origins, so this would never match; remove ":${port}"`,
          ),
        );
      }
    } else {
      problems.push(
        problem(
          'origin-bad-port',
          path,
          input,
          `"${rawPort}" is not a port: expected 1..65535 without leading zeros, or "*" for any port`,
        ),
      );
    }
  }
  // The host itself.
  const isIPv6 = host.startsWith('[');
  const labels = isIPv6 ? [] : host.split('.');
  const isIPv4Like = !isIPv6 && labels.length > 0 && NUMERIC_LABEL.test(labels.at(-1) ?? '');
  if (isIPv6) {
    let canonical: string | undefined;
    try {
      canonical = new URL(`http://${host}`).hostname;
    } catch {
      canonical = undefined;
    }
    if (canonical !== host) {
      problems.push(
        problem(
          'origin-bad-host',
          path,
          input,
          canonical ? `browsers serialize this IPv6 address as ${canonical}` : `"${host}" is not a valid IPv6 address`,
        ),
      );
    }
    if (subdomains || labelPrefix !== undefined) {
      problems.push(problem('origin-bad-wildcard', path, input, `"*." cannot precede an IP address`));
    }
  } else if (host.endsWith('.')) {
    problems.push(
      problem(
        'origin-trailing-dot',
        path,
        input,
        `"${host}" ends with a dot; that is a different origin from "${host.slice(0, -1)}" and almost never what is meant`,
      ),
    );
  } else if (isIPv4Like) {
    if (!CANONICAL_IPV4.test(host)) {
      problems.push(
        problem(
          'origin-bad-host',
          path,
          input,
          `"${host}" is not a canonical dotted-quad IPv4 address (browsers would serialize it differently)`,
        ),
      );
    }
    if (subdomains || labelPrefix !== undefined) {
      problems.push(problem('origin-bad-wildcard', path, input, `"*." cannot precede an IP address`));
    }
  } else if (host.length > MAX_HOST_LENGTH || !labels.every((l) => DOMAIN_LABEL.test(l))) {
    problems.push(
      problem(
        'origin-bad-host',
        path,
        input,
        `"${host}" is not a valid host name (labels of 1-63 letters, digits, "-" or "_", at most 253 characters)`,
      ),
    );
  } else if (labels.some((l) => l.startsWith('xn--')) && domainToASCII(host) !== host) {
    // An A-label must decode as Punycode to a valid IDN: browsers' URL parsers refuse `xn--f`, so no page can
    // have that origin (https://url.spec.whatwg.org/#concept-domain-to-ascii).
    problems.push(
      problem(
        'origin-bad-host',
        path,
        input,
        `"${host}" has an "xn--" label that is not valid Punycode; browsers refuse such a host, so this would never match`,
      ),
    );
  } else if (subdomains || labelPrefix !== undefined) {
    // The shortest host the pattern can match: one more label (of at least one character beyond the prefix).
    const shortest = host.length + 1 + (labelPrefix === undefined ? 1 : labelPrefix.length + 1);
    if (shortest > MAX_HOST_LENGTH || scheme.length > MAX_PATTERN_SCHEME_LENGTH) {
      problems.push(
        problem(
          'origin-bad-wildcard',
          path,
          input,
          scheme.length > MAX_PATTERN_SCHEME_LENGTH
            ? `a wildcard pattern's scheme is at most ${MAX_PATTERN_SCHEME_LENGTH} characters; "${scheme}" is ${scheme.length}`
            : `"${input}" can never match: every host it covers is longer than ${MAX_HOST_LENGTH} characters`,
        ),
      );
    }
  }
  const hasError = problems.some((p) => p.severity === 'error');
  const wildcardLabel = subdomains ? '*.' : labelPrefix !== undefined ? `${labelPrefix}*.` : '';
  const text = `${scheme}://${wildcardLabel}${host}${port === -1 ? ':*' : port > 0 ? `:${port}` : ''}`;
  // Security judgements only make sense for an otherwise well-formed pattern.
  if (!hasError) {
    if (scheme === 'http' && options.credentials && !options.dangerouslyAllowInsecureOrigins && !isLoopbackHost(host)) {
      problems.push(
        problem(
          'origin-insecure-with-credentials',
          path,
          input,
          `"${text}" uses plain http: with credentials; anyone on the network path can act as that origin. Use https:, or set dangerouslyAllowInsecureOrigins`,
        ),
      );
    }
    if ((subdomains || labelPrefix !== undefined) && !options.dangerouslyAllowPublicSuffixWildcards) {
      const info = hostSuffixInfo(host);
      const underPublicSuffix = info.publicSuffix === host && info.listedSuffix;
      if (underPublicSuffix && labelPrefix !== undefined) {
        problems.push(
          problem(
            'origin-public-suffix-wildcard',
            path,
            input,
            `"${host}" is a public suffix: anyone can create a site named ${labelPrefix}<anything>.${host}, so "${text}" would allow sites you do not control. Allow each preview deployment by name instead, with a resolver function in origins that checks the origin against your own list of deployments (docs/middleware.md, "Dynamic origins"); or set dangerouslyAllowPublicSuffixWildcards`,
          ),
        );
      } else if (underPublicSuffix) {
        problems.push(
          problem(
            'origin-public-suffix-wildcard',
            path,
            input,
            `"${host}" is a public suffix: anyone can register a subdomain of it, so "${text}" would allow sites you do not control. List your own domains, or set dangerouslyAllowPublicSuffixWildcards`,
          ),
        );
      }
    }
  }
  if (problems.some((p) => p.severity === 'error')) return fail();
  return {
    pattern: {
      kind: 'origin',
      scheme,
      host,
      port,
      subdomains,
      ...(labelPrefix !== undefined && { labelPrefix }),
      text,
    },
    problems,
  };
}
