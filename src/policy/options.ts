/**
 * The option names a policy configuration knows, and what the names of other CORS middlewares (`cors`,
 * `@fastify/cors`, `@koa/cors`, hono's `cors`) mean in corsight, so that a migrated configuration gets a
 * "did you mean" instead of a bare "unknown option".
 */

/** Every option of `PolicyConfig`, in the order the documentation lists them. */
export const KNOWN_OPTIONS: readonly string[] = [
  'origins',
  'credentials',
  'methods',
  'requestHeaders',
  'exposeHeaders',
  'maxAge',
  'preflightStatus',
  'privateNetwork',
  'debug',
  'dangerouslyAllowInsecureOrigins',
  'dangerouslyAllowPublicSuffixWildcards',
  // Dynamic origins (validate-runtime.ts).
  'originCache',
  'originTimeoutMs',
  'onError',
];

const KNOWN: ReadonlySet<string> = new Set(KNOWN_OPTIONS);

/** Whether `name` is an option of `PolicyConfig`. */
export function isKnownOption(name: string): boolean {
  return KNOWN.has(name);
}

/**
 * Option names of other CORS middlewares: either the corsight option that does the same (`rename`), or why
 * corsight has none (`note`). docs/migrating.md maps each in full.
 */
const FOREIGN_OPTIONS: Readonly<Record<string, { rename: string } | { note: string }>> = {
  origin: { rename: 'origins' },
  allowedHeaders: { rename: 'requestHeaders' },
  allowHeaders: { rename: 'requestHeaders' },
  exposedHeaders: { rename: 'exposeHeaders' },
  allowMethods: { rename: 'methods' },
  optionsSuccessStatus: { rename: 'preflightStatus' },
  privateNetworkAccess: { rename: 'privateNetwork' },
  allowPrivateNetwork: { rename: 'privateNetwork' },
  preflightContinue: {
    note: 'not needed: corsight answers every CORS preflight itself and never passes it on, because a preflight asks the CORS layer, not your route; other OPTIONS requests reach your routes as they are',
  },
  preflight: {
    note: 'not needed: corsight always answers CORS preflights (they never reach your routes); an OPTIONS request without Access-Control-Request-Method reaches your routes as it is',
  },
  strictPreflight: {
    note: 'not needed: corsight always refuses a preflight without a valid Origin and Access-Control-Request-Method',
  },
  keepHeadersOnError: {
    note: 'not needed: corsight adapters always set CORS headers on error responses, so the browser shows the real error',
  },
  secureContext: {
    note: 'not supported: Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy are not CORS; set them with your framework or a headers middleware',
  },
  hideOptionsRoute: { note: 'not needed: corsight registers no OPTIONS route' },
  cacheControl: {
    note: 'not supported: set Cache-Control on preflights with your framework if a CDN caches them; maxAge is the browser cache',
  },
  hook: { note: 'not needed: corsight/fastify picks its hooks itself (see docs/middleware.md)' },
  delegator: {
    note: 'per-request configuration is chosen by passing a function that returns a policy (docs/middleware.md)',
  },
  logLevel: { note: 'not needed: corsight registers no route to log' },
};

/** Lower-cased names, for `maxage`, `Origins` and other case slips. */
const BY_LOWER_CASE: ReadonlyMap<string, string> = new Map(KNOWN_OPTIONS.map((n) => [n.toLowerCase(), n]));

/**
 * A hint for an unknown option name: ` (did you mean "origins"?)`, or why the other middleware's option has no
 * counterpart; `''` when nothing fits.
 */
export function suggestOption(name: string): string {
  const foreign = Object.hasOwn(FOREIGN_OPTIONS, name) ? FOREIGN_OPTIONS[name] : undefined;
  if (foreign !== undefined) {
    return 'rename' in foreign ? ` (did you mean "${foreign.rename}"?)` : `: ${foreign.note}`;
  }
  const sameLetters = BY_LOWER_CASE.get(name.toLowerCase());
  if (sameLetters !== undefined) return ` (did you mean "${sameLetters}"?)`;
  if (name.toLowerCase().startsWith('origin')) return ' (did you mean "origins"?)';
  return '';
}
