/**
 * Configuration validation: every problem at once, each with a stable code (jub0bs/cors `cfgerrors` is the
 * model), and the normalized configuration the compiler builds from.
 */
import { isWildcardPattern, parseOriginPattern, type OriginPattern } from './origin-pattern.js';
import { OriginMatcher } from './origin-matcher.js';
import { KNOWN_OPTIONS, isKnownOption, suggestOption } from './options.js';
import { problem, type PolicyProblem } from './problems.js';
import { originRisk } from './risks.js';
import { snapshotConfig } from './snapshot.js';
import { checkRuntimeOptions, type RuntimeConfig } from './validate-runtime.js';
import {
  SAFELISTED_RESPONSE_HEADERS,
  isForbiddenMethod,
  isForbiddenRequestHeaderName,
  isForbiddenResponseHeaderName,
  isToken,
  normalizeMethod,
} from './tokens.js';

/** A configuration that passed validation, normalized for the compiler. */
export interface NormalizedConfig {
  /** `'*'` alone, or the parsed patterns (deduplicated). */
  origins: '*' | Extract<OriginPattern, { kind: 'origin' }>[];
  credentials: boolean;
  /** Normalized methods (https://fetch.spec.whatwg.org/#methods), or `'*'`. */
  methods: string[] | '*';
  /** Lower-case names; `wildcard` when `'*'` was given. */
  requestHeaders: { names: string[]; wildcard: boolean };
  /** Lower-case names, or `'*'`. */
  exposeHeaders: string[] | '*';
  maxAge: number | undefined;
  /** Status of a granted preflight. */
  preflightStatus: 200 | 204;
  privateNetwork: boolean;
  debug: boolean;
  /** The origin resolver (validate-runtime.ts). */
  runtime: RuntimeConfig;
}

const BOOLEAN_OPTIONS = [
  'credentials',
  'privateNetwork',
  'debug',
  'dangerouslyAllowInsecureOrigins',
  'dangerouslyAllowPublicSuffixWildcards',
] as const;

/** Names no request header list should contain even though scripts could set them. */
function isProhibitedRequestHeader(name: string): boolean {
  return name.startsWith('access-control-');
}

/**
 * Headers that make no sense in `exposeHeaders`: the CORS protocol's own headers, and `Origin`, a request
 * header (a response never carries it, so exposing it is a mistake, usually for `Vary` or `requestHeaders`).
 */
function isProhibitedExposedHeader(name: string): boolean {
  return name.startsWith('access-control-') || name === 'origin';
}

/**
 * Problems for the holes of a sparse array (`['a', , 'b']`): `forEach` and `map` skip them in silence, so a
 * slip of the keyboard would otherwise vanish from the policy unnoticed.
 */
function holes(list: readonly unknown[], path: string): PolicyProblem[] {
  const found: PolicyProblem[] = [];
  for (let i = 0; i < list.length; i++) {
    if (!(i in list)) {
      found.push(
        problem(
          'invalid-type',
          `${path}[${i}]`,
          undefined,
          `${path}[${i}] is empty: the array has a hole (two commas in a row, or a deleted element); remove it`,
        ),
      );
    }
  }
  return found;
}

/** A header-invalid message that names whitespace as whitespace. */
function invalidHeaderMessage(h: string): string {
  return h.trim() !== h && h.trim() !== ''
    ? `"${h}" has whitespace around the header name; write "${h.trim()}"`
    : `"${h}" is not a valid header name (an HTTP token)`;
}

/**
 * Fetch normalizes only these methods' case (https://fetch.spec.whatwg.org/#concept-method-normalize); every
 * other method is sent exactly as the script wrote it and compared case-sensitively.
 */
const NORMALIZED_METHODS: ReadonlySet<string> = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/**
 * Methods of the IANA HTTP Method Registry that Fetch does not normalize: defined in upper case, so clients send
 * them upper case, and a lower-case entry (`patch`) is almost surely a slip. Unregistered methods (`purge`) are
 * taken as written: some servers really use lower-case ones.
 * https://www.iana.org/assignments/http-methods/http-methods.xhtml
 */
const REGISTERED_METHODS: ReadonlySet<string> = new Set([
  'PATCH',
  'QUERY',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'REPORT',
  'SEARCH',
  'ACL',
  'BIND',
  'UNBIND',
  'REBIND',
  'CHECKOUT',
  'CHECKIN',
  'UNCHECKOUT',
  'MERGE',
  'LABEL',
  'MKACTIVITY',
  'MKCALENDAR',
  'MKREDIRECTREF',
  'MKWORKSPACE',
  'ORDERPATCH',
  'UPDATE',
  'UPDATEREDIRECTREF',
  'VERSION-CONTROL',
  'BASELINE-CONTROL',
  'LINK',
  'UNLINK',
  'PRI',
]);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value}"` : typeof value;
}

/**
 * The warning for a risk an origins entry takes on purpose (risks.ts), with the risk's id as its code and its
 * advice as its message: the words `corsight scan --policy` prints on the finding the same trust produces.
 */
function riskProblem(
  pattern: Extract<OriginPattern, { kind: 'origin' }> | undefined,
  path: string,
  entry: string,
  credentials: boolean,
): PolicyProblem | undefined {
  const risk = originRisk(pattern, credentials);
  return risk === undefined ? undefined : problem(risk.id, path, entry, risk.advice);
}

/**
 * Validates a configuration. Returns every problem (errors and warnings) and, when there is no error, the
 * normalized configuration.
 */
export function checkConfig(config: unknown): {
  problems: PolicyProblem[];
  normalized?: NormalizedConfig;
  /** The configuration as read once (see snapshot.ts), present with `normalized`: what the policy keeps. */
  snapshot?: Readonly<Record<string, unknown>>;
} {
  const problems: PolicyProblem[] = [];
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    problems.push(
      problem(
        'config-not-object',
        '',
        config,
        `a CORS policy configuration must be an object such as { origins: ['https://app.example.com'] }, not ${describe(config)}`,
      ),
    );
    return { problems };
  }
  const read = snapshotConfig(config, KNOWN_OPTIONS);
  if ('failure' in read) {
    const { path, error } = read.failure;
    problems.push(
      problem(
        'config-unreadable',
        path,
        undefined,
        `reading ${path === '' ? 'the configuration' : path} threw ${error instanceof Error ? `"${error.message}"` : 'a non-Error value'}; pass a plain object`,
      ),
    );
    return { problems };
  }
  const c = read.snapshot.values;
  for (const key of read.snapshot.keys) {
    if (!isKnownOption(key)) {
      problems.push(problem('unknown-option', key, c[key], `unknown option "${key}"${suggestOption(key)}`));
    }
  }
  for (const key of BOOLEAN_OPTIONS) {
    if (c[key] !== undefined && typeof c[key] !== 'boolean') {
      problems.push(problem('invalid-type', key, c[key], `${key} must be true or false, not ${describe(c[key])}`));
    }
  }
  const credentials = c.credentials === true;
  // The risks the configuration takes on purpose: warned about only when it is otherwise valid (a refused
  // configuration declares nothing), after every other problem.
  const risks: PolicyProblem[] = [];
  const originOptions = {
    credentials,
    dangerouslyAllowInsecureOrigins: c.dangerouslyAllowInsecureOrigins === true,
    dangerouslyAllowPublicSuffixWildcards: c.dangerouslyAllowPublicSuffixWildcards === true,
  };

  // origins
  let origins: NormalizedConfig['origins'] = [];
  if (c.origins === undefined) {
    problems.push(
      problem(
        'origins-missing',
        'origins',
        undefined,
        `origins is required: there is no default policy. List the origins allowed to read responses, e.g. origins: ['https://app.example.com']`,
      ),
    );
  } else if (!Array.isArray(c.origins)) {
    problems.push(
      problem(
        'invalid-type',
        'origins',
        c.origins,
        `origins must be an array of strings, not ${describe(c.origins)}${typeof c.origins === 'string' ? ` (write ["${c.origins}"])` : ''}`,
      ),
    );
  } else if (c.origins.length === 0) {
    problems.push(
      problem('origins-empty', 'origins', c.origins, `origins is empty: at least one origin must be allowed`),
    );
  } else {
    const list = c.origins as unknown[];
    const seen = new Map<string, number>();
    let any = false;
    const parsed: Extract<OriginPattern, { kind: 'origin' }>[] = [];
    problems.push(...holes(list, 'origins'));
    for (const [i, entry] of list.entries()) {
      if (!(i in list)) continue; // a hole, reported above
      const path = `origins[${i}]`;
      if (typeof entry === 'function') continue; // an origin resolver (validate-runtime.ts)
      if (typeof entry !== 'string') {
        problems.push(
          problem(
            'invalid-type',
            path,
            entry,
            `each origin must be a string, not ${describe(entry)}${entry instanceof RegExp ? ' (regular expressions are not supported: use exact origins or https://*.example.com)' : ''}`,
          ),
        );
        continue;
      }
      const result = parseOriginPattern(entry, path, originOptions);
      problems.push(...result.problems);
      if (!result.pattern) continue;
      if (result.pattern.kind === 'any') {
        any = true;
        const risk = credentials ? undefined : riskProblem(undefined, path, entry, credentials);
        if (risk !== undefined) risks.push(risk);
        if (credentials) {
          problems.push(
            problem(
              'origin-wildcard-with-credentials',
              path,
              entry,
              `"*" cannot be combined with credentials: browsers reject "Access-Control-Allow-Origin: *" on credentialed requests, and reflecting every origin instead would let any site read your users' data. List the allowed origins`,
            ),
          );
        }
        continue;
      }
      const previous = seen.get(result.pattern.text);
      if (previous !== undefined) {
        problems.push(problem('origin-duplicate', path, entry, `"${entry}" is already listed at origins[${previous}]`));
        continue;
      }
      seen.set(result.pattern.text, i);
      parsed.push(result.pattern);
      const risk = riskProblem(result.pattern, path, entry, credentials);
      if (risk !== undefined) risks.push(risk);
    }
    if (any && list.length > 1) {
      problems.push(
        problem(
          'origin-wildcard-mixed',
          'origins',
          list,
          `"*" allows every origin and must be the only entry of origins`,
        ),
      );
    }
    // Exact origins that a wildcard pattern already covers.
    const wildcards = new OriginMatcher<true>();
    for (const p of parsed) if (isWildcardPattern(p)) wildcards.add(p, true);
    for (const p of parsed) {
      if (!isWildcardPattern(p) && wildcards.matchesPattern(p.text)) {
        problems.push(
          problem(
            'origin-redundant',
            `origins[${seen.get(p.text)}]`,
            p.text,
            `"${p.text}" is already allowed by a wildcard pattern in origins`,
          ),
        );
      }
    }
    origins = any ? '*' : parsed;
  }

  // methods
  let methods: NormalizedConfig['methods'] = [];
  if (c.methods !== undefined) {
    if (!Array.isArray(c.methods)) {
      problems.push(
        problem(
          'invalid-type',
          'methods',
          c.methods,
          `methods must be an array of strings, not ${describe(c.methods)}`,
        ),
      );
    } else if (c.methods.length === 1 && c.methods[0] === '*') {
      methods = '*';
    } else {
      const seen = new Set<string>();
      problems.push(...holes(c.methods, 'methods'));
      (c.methods as unknown[]).forEach((m, i) => {
        const path = `methods[${i}]`;
        if (typeof m !== 'string') {
          problems.push(problem('invalid-type', path, m, `each method must be a string, not ${describe(m)}`));
        } else if (m === '*') {
          problems.push(problem('method-invalid', path, m, `"*" must be the only entry of methods`));
        } else if (!isToken(m)) {
          problems.push(problem('method-invalid', path, m, `"${m}" is not a valid method name (an HTTP token)`));
        } else if (isForbiddenMethod(m)) {
          problems.push(
            problem(
              'method-forbidden',
              path,
              m,
              `${m.toUpperCase()} is a forbidden method: fetch() refuses to send it`,
            ),
          );
        } else {
          const normalized = normalizeMethod(m);
          if (normalized !== normalized.toUpperCase() && REGISTERED_METHODS.has(normalized.toUpperCase())) {
            problems.push(
              problem(
                'method-case',
                path,
                m,
                `"${m}" is compared case-sensitively: browsers upper-case only ${[...NORMALIZED_METHODS].join(', ')}, so fetch(url, { method: "${m.toUpperCase()}" }) sends "${m.toUpperCase()}" (the registered spelling), which "${m}" does not allow; write "${m.toUpperCase()}"`,
              ),
            );
          }
          if (seen.has(normalized)) {
            problems.push(problem('method-duplicate', path, m, `${normalized} is listed more than once`));
          } else {
            seen.add(normalized);
            (methods as string[]).push(normalized);
          }
        }
      });
    }
  }

  // requestHeaders
  const requestHeaders = { names: [] as string[], wildcard: false };
  if (c.requestHeaders !== undefined) {
    if (c.requestHeaders === '*') {
      requestHeaders.wildcard = true;
    } else if (!Array.isArray(c.requestHeaders)) {
      problems.push(
        problem(
          'invalid-type',
          'requestHeaders',
          c.requestHeaders,
          `requestHeaders must be an array of header names or "*", not ${describe(c.requestHeaders)}`,
        ),
      );
    } else {
      const seen = new Set<string>();
      problems.push(...holes(c.requestHeaders, 'requestHeaders'));
      (c.requestHeaders as unknown[]).forEach((h, i) => {
        const path = `requestHeaders[${i}]`;
        if (typeof h !== 'string') {
          problems.push(problem('invalid-type', path, h, `each header name must be a string, not ${describe(h)}`));
          return;
        }
        if (h === '*') {
          requestHeaders.wildcard = true;
          return;
        }
        const name = h.toLowerCase();
        if (!isToken(h)) {
          problems.push(problem('header-invalid', path, h, invalidHeaderMessage(h)));
        } else if (isForbiddenRequestHeaderName(name)) {
          problems.push(
            problem(
              'header-forbidden',
              path,
              h,
              `"${h}" is a forbidden request header: browsers never let scripts set it, so allowing it has no effect`,
            ),
          );
        } else if (isProhibitedRequestHeader(name)) {
          problems.push(
            problem('header-prohibited', path, h, `"${h}" is a CORS response header, not a request header`),
          );
        } else if (seen.has(name)) {
          problems.push(
            problem('header-duplicate', path, h, `"${h}" is listed more than once (header names are case-insensitive)`),
          );
        } else {
          seen.add(name);
          requestHeaders.names.push(name);
        }
      });
      if (requestHeaders.wildcard) {
        // Under "*" only `authorization` still needs its name (https://fetch.spec.whatwg.org/#http-responses).
        for (const name of requestHeaders.names) {
          if (name !== 'authorization') {
            problems.push(
              problem(
                'header-duplicate',
                'requestHeaders',
                name,
                `"${name}" is already allowed by "*" (only authorization needs to be listed next to "*")`,
              ),
            );
          }
        }
        requestHeaders.names = requestHeaders.names.filter((n) => n === 'authorization');
      }
    }
  }

  // exposeHeaders
  let exposeHeaders: NormalizedConfig['exposeHeaders'] = [];
  if (c.exposeHeaders !== undefined) {
    if (!Array.isArray(c.exposeHeaders)) {
      problems.push(
        problem(
          'invalid-type',
          'exposeHeaders',
          c.exposeHeaders,
          `exposeHeaders must be an array of header names, not ${describe(c.exposeHeaders)}`,
        ),
      );
    } else if (c.exposeHeaders.includes('*')) {
      if (c.exposeHeaders.length > 1) {
        problems.push(
          problem(
            'expose-wildcard-mixed',
            'exposeHeaders',
            c.exposeHeaders,
            `"*" exposes every header and must be the only entry of exposeHeaders`,
          ),
        );
      }
      if (credentials) {
        problems.push(
          problem(
            'expose-wildcard-with-credentials',
            'exposeHeaders',
            c.exposeHeaders,
            `exposeHeaders: ["*"] cannot be combined with credentials: browsers then read "*" as a header literally named "*". List the header names`,
          ),
        );
      }
      exposeHeaders = '*';
    } else {
      const seen = new Set<string>();
      problems.push(...holes(c.exposeHeaders, 'exposeHeaders'));
      (c.exposeHeaders as unknown[]).forEach((h, i) => {
        const path = `exposeHeaders[${i}]`;
        if (typeof h !== 'string') {
          problems.push(problem('invalid-type', path, h, `each header name must be a string, not ${describe(h)}`));
          return;
        }
        const name = h.toLowerCase();
        if (!isToken(h)) {
          problems.push(problem('header-invalid', path, h, invalidHeaderMessage(h)));
        } else if (isForbiddenResponseHeaderName(name)) {
          problems.push(
            problem(
              'header-forbidden',
              path,
              h,
              `"${h}" is a forbidden response header: browsers never expose it to scripts`,
            ),
          );
        } else if (isProhibitedExposedHeader(name)) {
          problems.push(
            problem(
              'header-prohibited',
              path,
              h,
              name === 'origin'
                ? `"${h}" is a request header: responses never carry it, so exposing it has no effect (to vary responses on it, corsight already sends Vary: Origin)`
                : `"${h}" is a CORS protocol header; exposing it makes no sense`,
            ),
          );
        } else if (seen.has(name)) {
          problems.push(
            problem('header-duplicate', path, h, `"${h}" is listed more than once (header names are case-insensitive)`),
          );
        } else if (SAFELISTED_RESPONSE_HEADERS.has(name)) {
          problems.push(
            problem(
              'header-safelisted',
              path,
              h,
              `"${h}" is a CORS-safelisted response header; scripts can always read it`,
            ),
          );
        } else {
          seen.add(name);
          (exposeHeaders as string[]).push(name);
        }
      });
    }
  }

  // maxAge
  let maxAge: number | undefined;
  if (c.maxAge !== undefined) {
    if (typeof c.maxAge !== 'number' || Number.isNaN(c.maxAge)) {
      problems.push(
        problem('invalid-type', 'maxAge', c.maxAge, `maxAge must be a number of seconds, not ${describe(c.maxAge)}`),
      );
    } else if (!Number.isInteger(c.maxAge)) {
      problems.push(
        problem('max-age-not-integer', 'maxAge', c.maxAge, `maxAge must be a whole number of seconds, not ${c.maxAge}`),
      );
    } else if (c.maxAge < -1 || c.maxAge > 86400) {
      problems.push(
        problem(
          'max-age-out-of-range',
          'maxAge',
          c.maxAge,
          `maxAge ${c.maxAge} is out of bounds: use 1..86400 seconds (browsers cap it: Chromium at 7200), 0 or nothing for the browser default (5 s), or -1 to disable caching`,
        ),
      );
    } else {
      maxAge = c.maxAge;
    }
  }

  // preflightStatus
  let preflightStatus: 200 | 204 = 204;
  if (c.preflightStatus !== undefined) {
    if (c.preflightStatus === 200 || c.preflightStatus === 204) {
      preflightStatus = c.preflightStatus;
    } else {
      problems.push(
        problem(
          'preflight-status-invalid',
          'preflightStatus',
          c.preflightStatus,
          `preflightStatus must be 204 (the default) or 200 (for old clients that choke on 204), not ${typeof c.preflightStatus === 'number' ? c.preflightStatus : describe(c.preflightStatus)}: browsers accept any 2xx, and other statuses fail the preflight`,
        ),
      );
    }
  }

  const privateNetwork = c.privateNetwork === true;
  if (privateNetwork && origins === '*') {
    problems.push(
      problem(
        'private-network-with-wildcard-origin',
        'privateNetwork',
        true,
        `privateNetwork cannot be combined with origins: ["*"]: every site on the web could then reach this private-network server. List the allowed origins`,
      ),
    );
  }

  const runtime = checkRuntimeOptions(c, problems);

  if (problems.some((p) => p.severity === 'error')) return { problems };
  problems.push(...risks);
  return {
    problems,
    normalized: {
      origins,
      credentials,
      methods,
      requestHeaders,
      exposeHeaders,
      maxAge,
      preflightStatus,
      privateNetwork,
      debug: c.debug === true,
      runtime,
    },
    snapshot: c,
  };
}

/**
 * Validates a policy configuration without throwing. Returns every problem found (an empty list when the
 * configuration is valid); `createPolicy` throws a `CorsConfigError` when any of them is an error.
 */
export function validatePolicy(config: unknown): PolicyProblem[] {
  return checkConfig(config).problems;
}
