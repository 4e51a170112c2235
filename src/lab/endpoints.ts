/**
 * The lab's endpoints: each one is CORS code written the way real code gets it wrong (or right, for
 * the secure controls), with the exact set of checks a scan of its https URL must report.
 *
 * The allow rules below are deliberately the buggy one-liners found in the wild (startsWith, endsWith,
 * includes, unescaped or unanchored regexes, `null` in an allowlist, reflection with credentials...):
 * read each `allow` as the server code under test. `LAB_DOMAIN` is the lab's host name; the lab's own
 * origin includes its port, which each request's Host header supplies.
 */
import type { CheckId } from '../scanner/types.js';

/** The lab's host name (a reserved `.test` name, reached with `--resolve`). */
export const LAB_DOMAIN = 'corsight-lab.test';
/** The front end every allowlist trusts besides the lab's own origin. */
export const LAB_APP_ORIGIN = `https://app.${LAB_DOMAIN}`;

/** One endpoint as listed by `startLab` and `corsight lab`. */
export interface LabEndpoint {
  /** Path on the lab servers (also served under `/t/<n>/...` for numbered copies). */
  path: string;
  /** Exactly the checks a scan of the endpoint's https URL must report. */
  expected: CheckId[];
  /** What the endpoint does wrong (or right). */
  description: string;
  /** A secure control: nothing above `info` may be reported on it. */
  secureControl: boolean;
  /**
   * Origins the owner would name with `--origin` when scanning it (front ends the scanner cannot guess);
   * the expected checks hold for a scan given them.
   */
  origins?: string[];
}

/** What a handler sees of a request. */
export interface LabRequest {
  method: string;
  /** The Origin header, if any. */
  origin: string | undefined;
  /** Access-Control-Request-Method, if any (a preflight). */
  requestMethod: string | undefined;
  /** Access-Control-Request-Headers, if any. */
  requestHeaders: string | undefined;
  /** Access-Control-Request-Private-Network, if any. */
  requestPrivateNetwork: string | undefined;
  /** The Cookie header, if any. */
  cookie?: string | undefined;
  /** The lab's own origin for this request (scheme + Host header). */
  ownOrigin: string;
}

/** A handler's answer. Header values that are arrays are sent as several lines. */
export interface LabResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** An endpoint with its handler. */
export interface LabEndpointImpl extends LabEndpoint {
  handle(req: LabRequest): LabResponse;
}

function hostnameOf(origin: string): string | null {
  try {
    return new URL(origin).hostname;
  } catch {
    return null;
  }
}

/**
 * The account data an endpoint guards: returned only to a request that carries the lab's session cookie
 * (as a logged-in victim's browser would), so a PoC shows whether the browser really sent it.
 */
const secretBody = (path: string, req: LabRequest) =>
  /(?:^|;\s*)lab_session=s3cr3t(?:;|$)/.test(req.cookie ?? '')
    ? JSON.stringify({ endpoint: path, account: 'alice', apiKey: 'lab-secret-0000', note: 'corsight lab data' })
    : JSON.stringify({ endpoint: path, account: null, note: 'no session cookie: log in first' });
const SESSION_NONE = 'lab_session=s3cr3t; Path=/; Secure; HttpOnly; SameSite=None';
const SESSION_LAX = 'lab_session=s3cr3t; Path=/; Secure; HttpOnly; SameSite=Lax';

interface AllowlistSpec {
  path: string;
  expected: CheckId[];
  description: string;
  secureControl?: boolean;
  origins?: string[];
  /** The server's allow rule: the code under test. */
  allow: (origin: string, req: LabRequest) => boolean;
  credentials?: boolean;
  vary?: boolean;
  /** 'same': OPTIONS answered with the same rule and fixed method/header lists; 'none': OPTIONS without CORS; 'only': CORS on OPTIONS only. */
  preflight?: 'same' | 'none' | 'only';
  status?: number;
  cookie?: string;
  extra?: Record<string, string>;
}

/** The common shape: an allow rule, echoed origin, optional credentials/Vary, fixed preflight lists. */
function allowlist(spec: AllowlistSpec): LabEndpointImpl {
  const credentials = spec.credentials ?? true;
  const vary = spec.vary ?? true;
  const preflight = spec.preflight ?? 'same';
  return {
    path: spec.path,
    expected: spec.expected,
    description: spec.description,
    secureControl: spec.secureControl ?? false,
    ...(spec.origins !== undefined ? { origins: spec.origins } : {}),
    handle(req) {
      const headers: Record<string, string> = { ...spec.extra };
      const isPreflight = req.method === 'OPTIONS' && req.requestMethod !== undefined;
      const corsHere = isPreflight ? preflight !== 'none' : preflight !== 'only';
      if (vary) headers.Vary = 'Origin';
      if (corsHere && req.origin !== undefined && spec.allow(req.origin, req)) {
        headers['Access-Control-Allow-Origin'] = req.origin;
        if (credentials) headers['Access-Control-Allow-Credentials'] = 'true';
        if (isPreflight) {
          headers['Access-Control-Allow-Methods'] = 'GET, POST, PUT, DELETE';
          headers['Access-Control-Allow-Headers'] = 'content-type, authorization';
          headers['Access-Control-Max-Age'] = '600';
        }
      }
      if (isPreflight) return { status: 204, headers, body: '' };
      if (spec.cookie !== undefined) headers['Set-Cookie'] = spec.cookie;
      headers['Content-Type'] = 'application/json';
      return { status: spec.status ?? 200, headers, body: secretBody(spec.path, req) };
    },
  };
}

const isOwnOrApp = (origin: string, req: LabRequest) => origin === req.ownOrigin || origin === LAB_APP_ORIGIN;

/** A front end on a public domain the lab's owner names with `--origin` (the scanner cannot guess it). */
export const LAB_PUBLIC_APP_ORIGIN = 'https://app.corsight-lab.com';
/** A front end on an internal-only name (ICANN reserved `.internal` for private use in 2024). */
export const LAB_INTERNAL_APP_ORIGIN = 'https://app.corsight-lab.internal';

/** Every lab endpoint. */
export const labEndpoints: readonly LabEndpointImpl[] = [
  allowlist({
    path: '/reflect-credentials',
    expected: ['origin-reflected', 'null-origin-trusted'],
    description:
      'Echoes any Origin with Access-Control-Allow-Credentials: true and sets a SameSite=None; Secure session cookie (`res.setHeader("Access-Control-Allow-Origin", req.headers.origin)`): critical.',
    allow: () => true,
    cookie: SESSION_NONE,
  }),
  allowlist({
    path: '/reflect-public',
    expected: ['origin-reflected', 'null-origin-trusted'],
    description: 'Echoes any Origin without credentials: an uncredentialed read (low on a public host).',
    allow: () => true,
    credentials: false,
  }),
  allowlist({
    path: '/reflect-not-found',
    expected: ['origin-reflected', 'null-origin-trusted'],
    description:
      'Echoes any Origin with credentials, on a 404 page: downgraded because nothing worth reading is there.',
    allow: () => true,
    status: 404,
  }),
  allowlist({
    path: '/reflect-unauthorized',
    expected: ['origin-reflected', 'null-origin-trusted'],
    description:
      'Echoes any Origin with credentials on a 401 login wall: one level lower, since a victim with a session would get the real page.',
    allow: () => true,
    status: 401,
  }),
  allowlist({
    path: '/null-allowlist',
    expected: ['null-origin-trusted'],
    description:
      "Allowlist `['https://app.corsight-lab.test', 'null']` with credentials: `null` came in for local file testing.",
    allow: (origin) => [LAB_APP_ORIGIN, 'null'].includes(origin),
  }),
  allowlist({
    path: '/prefix',
    expected: ['prefix-match'],
    description: "`origin.startsWith('https://corsight-lab.test')` with credentials.",
    allow: (origin) => origin.startsWith(`https://${LAB_DOMAIN}`),
  }),
  allowlist({
    path: '/unanchored-regex',
    expected: ['prefix-match'],
    description: 'A regex without an end anchor: `/^https:\\/\\/(www\\.)?corsight-lab\\.test/.test(origin)`.',
    allow: (origin) => /^https:\/\/(www\.)?corsight-lab\.test/.test(origin),
  }),
  allowlist({
    path: '/suffix',
    expected: ['suffix-match'],
    description: "`new URL(origin).hostname.endsWith('corsight-lab.test')` with credentials (no dot, any scheme).",
    allow: (origin) => hostnameOf(origin)?.endsWith(LAB_DOMAIN) === true,
  }),
  allowlist({
    path: '/substring',
    expected: ['substring-match'],
    description: "`origin.includes('corsight-lab.test')` with credentials.",
    allow: (origin) => origin.includes(LAB_DOMAIN),
  }),
  allowlist({
    path: '/substring-reverse',
    expected: ['substring-match'],
    description:
      "`'corsight-lab.test app.corsight-lab.test'.includes(new URL(origin).hostname)` for https origins: containment tested backwards.",
    allow: (origin) => {
      if (!origin.startsWith('https://')) return false;
      const host = hostnameOf(origin);
      return host !== null && `${LAB_DOMAIN} app.${LAB_DOMAIN}`.includes(host);
    },
  }),
  allowlist({
    path: '/unescaped-dot',
    expected: ['unescaped-dot'],
    description: "`new RegExp('^https://(www|app).corsight-lab.test$')`: the dots are not escaped.",
    allow: (origin) => new RegExp(`^https://(www|app).${LAB_DOMAIN}$`).test(origin),
  }),
  allowlist({
    path: '/special-char',
    expected: ['special-char-bypass'],
    description:
      "Extracts the host with `/^https:\\/\\/([a-z0-9.-]+)/` and compares it with 'corsight-lab.test': `corsight-lab.test_.attacker` passes.",
    allow: (origin) => /^https:\/\/([a-z0-9.-]+)/.exec(origin)?.[1] === LAB_DOMAIN,
  }),
  allowlist({
    path: '/insecure-origin',
    expected: ['insecure-origin-trusted'],
    description:
      "Compares host names only (`['corsight-lab.test', 'app.corsight-lab.test'].includes(hostname)`), so `http://corsight-lab.test` is trusted; no HSTS.",
    allow: (origin) => [LAB_DOMAIN, `app.${LAB_DOMAIN}`].includes(hostnameOf(origin) ?? ''),
  }),
  allowlist({
    path: '/insecure-origin-hsts',
    expected: ['insecure-origin-trusted'],
    description: 'As /insecure-origin, but the response sends Strict-Transport-Security (severity lowered).',
    allow: (origin) => [LAB_DOMAIN, `app.${LAB_DOMAIN}`].includes(hostnameOf(origin) ?? ''),
    extra: { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' },
  }),
  allowlist({
    path: '/any-subdomain',
    expected: ['any-subdomain-trusted'],
    description:
      "https origins whose host is corsight-lab.test or ends with '.corsight-lab.test', with credentials and a SameSite=Lax cookie (same-site pages carry it).",
    allow: (origin) => {
      const host = hostnameOf(origin);
      return origin.startsWith('https://') && host !== null && (host === LAB_DOMAIN || host.endsWith(`.${LAB_DOMAIN}`));
    },
    cookie: SESSION_LAX,
  }),
  allowlist({
    path: '/third-party',
    expected: ['third-party-origin-trusted'],
    description:
      "Own origin, the app, and `hostname.endsWith('.github.io')` for documentation previews, with credentials.",
    allow: (origin, req) =>
      isOwnOrApp(origin, req) || (origin.startsWith('https://') && hostnameOf(origin)?.endsWith('.github.io') === true),
  }),
  allowlist({
    path: '/localhost-dev',
    expected: ['localhost-trusted'],
    description: 'Own origin, the app, and `/^http:\\/\\/localhost(:\\d+)?$/` left over from development.',
    allow: (origin, req) => isOwnOrApp(origin, req) || /^http:\/\/localhost(:\d+)?$/.test(origin),
  }),
  allowlist({
    path: '/localhost-prefix',
    expected: ['localhost-trusted'],
    description:
      "Own origin, the app, and `origin.startsWith('http://localhost')`: `http://localhost.attacker.tld` passes too.",
    allow: (origin, req) => isOwnOrApp(origin, req) || origin.startsWith('http://localhost'),
  }),
  {
    path: '/wildcard-public',
    expected: ['wildcard-origin'],
    description:
      'Secure control: public data with `Access-Control-Allow-Origin: *` and no credentials (reported as info only).',
    secureControl: true,
    handle(req) {
      const headers: Record<string, string> = { 'Access-Control-Allow-Origin': '*' };
      if (req.method === 'OPTIONS') {
        return { status: 204, headers: { ...headers, 'Access-Control-Allow-Methods': 'GET' }, body: '' };
      }
      return {
        status: 200,
        headers: { ...headers, 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=300' },
        body: JSON.stringify({ public: true, version: '1.0' }),
      };
    },
  },
  {
    path: '/wildcard-credentials',
    expected: ['wildcard-with-credentials'],
    description:
      '`Access-Control-Allow-Origin: *` with `Access-Control-Allow-Credentials: true`: browsers refuse credentialed reads, but the intent is wrong.',
    secureControl: false,
    handle(req) {
      const headers: Record<string, string> = {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Credentials': 'true',
      };
      if (req.method === 'OPTIONS') {
        return { status: 204, headers: { ...headers, 'Access-Control-Allow-Methods': 'GET' }, body: '' };
      }
      return {
        status: 200,
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: secretBody('/wildcard-credentials', req),
      };
    },
  },
  {
    path: '/invalid-acao-list',
    expected: ['invalid-acao'],
    description:
      'A static list in one header: `Access-Control-Allow-Origin: https://corsight-lab.test, https://app.corsight-lab.test`.',
    secureControl: false,
    handle(req) {
      return {
        status: 200,
        headers: {
          'Access-Control-Allow-Origin': `https://${LAB_DOMAIN}, ${LAB_APP_ORIGIN}`,
          'Content-Type': 'application/json',
        },
        body: secretBody('/invalid-acao-list', req),
      };
    },
  },
  {
    path: '/invalid-acao-double',
    expected: ['invalid-acao'],
    description:
      'Two layers add CORS: a proxy sends `*` and the app echoes the Origin, so two Access-Control-Allow-Origin lines reach the browser.',
    secureControl: false,
    handle(req) {
      const headers: Record<string, string | string[]> = { Vary: 'Origin', 'Content-Type': 'application/json' };
      headers['Access-Control-Allow-Origin'] = req.origin !== undefined ? ['*', req.origin] : '*';
      return {
        status: req.method === 'OPTIONS' ? 204 : 200,
        headers,
        body: req.method === 'OPTIONS' ? '' : secretBody('/invalid-acao-double', req),
      };
    },
  },
  allowlist({
    path: '/missing-vary',
    expected: ['missing-vary-origin'],
    description:
      'Exact allowlist (own origin, app) with credentials, but no `Vary: Origin` on a response shared caches may store (`Cache-Control: public, max-age=600`).',
    allow: isOwnOrApp,
    vary: false,
    extra: { 'Cache-Control': 'public, max-age=600' },
  }),
  allowlist({
    path: '/missing-vary-trusted',
    expected: ['missing-vary-origin'],
    description:
      'Allows only the front end (`https://app.corsight-lab.test`), with credentials, on a response shared caches may store (`Cache-Control: public, max-age=600`) and without `Vary: Origin`: a cache can serve the answer naming the front end to anyone, or the answer without CORS headers to the front end.',
    allow: (origin) => origin === LAB_APP_ORIGIN,
    vary: false,
    extra: { 'Cache-Control': 'public, max-age=600' },
  }),
  allowlist({
    path: '/allowlist-string',
    expected: ['substring-match'],
    description:
      "`'https://app.corsight-lab.com https://admin.corsight-lab.com'.includes(origin)`: an allowlist kept as one string and tested for containment, so the registrable truncation `https://app.corsight-lab.co` passes (scanned with `--origin https://app.corsight-lab.com`).",
    allow: (origin) => `${LAB_PUBLIC_APP_ORIGIN} https://admin.corsight-lab.com`.includes(origin),
    origins: [LAB_PUBLIC_APP_ORIGIN],
  }),
  allowlist({
    path: '/allowlist-string-unregistrable',
    expected: ['substring-match'],
    description:
      "`'https://app.corsight-lab.test https://admin.corsight-lab.test'.includes(origin)`: the same flawed containment test, but the only truncation it accepts, `https://app.corsight-lab.tes`, is under no public suffix, so nobody can serve a page from it today: low.",
    allow: (origin) => `${LAB_APP_ORIGIN} https://admin.${LAB_DOMAIN}`.includes(origin),
  }),
  allowlist({
    path: '/internal-suffix',
    expected: ['suffix-match'],
    description:
      "`hostname.endsWith('corsight-lab.internal')` for a front end on an internal-only name (scanned with `--origin https://app.corsight-lab.internal`): `attackercorsight-lab.internal` passes, but `.internal` is reserved for private use and cannot be registered, so the flawed rule is reported low.",
    allow: (origin) => hostnameOf(origin)?.endsWith('corsight-lab.internal') === true,
    origins: [LAB_INTERNAL_APP_ORIGIN],
  }),
  {
    path: '/pna',
    expected: ['wildcard-origin', 'private-network-access'],
    description:
      'A device-style API: `*` on every answer, and `Access-Control-Allow-Private-Network: true` to any preflight that asks.',
    secureControl: false,
    handle(req) {
      const headers: Record<string, string> = { 'Access-Control-Allow-Origin': '*' };
      if (req.method === 'OPTIONS') {
        headers['Access-Control-Allow-Methods'] = 'GET, POST';
        headers['Access-Control-Allow-Headers'] = 'content-type';
        if (req.requestPrivateNetwork === 'true') headers['Access-Control-Allow-Private-Network'] = 'true';
        return { status: 204, headers, body: '' };
      }
      return {
        status: 200,
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ device: 'lab-router', firmware: '1.0' }),
      };
    },
  },
  {
    path: '/permissive-preflight',
    expected: ['origin-reflected', 'null-origin-trusted', 'permissive-preflight'],
    description:
      'What `cors({ origin: true, credentials: true })` does: echoes the Origin, the requested method and the requested headers, with credentials.',
    secureControl: false,
    handle(req) {
      const headers: Record<string, string> = { Vary: 'Origin' };
      if (req.origin !== undefined) {
        headers['Access-Control-Allow-Origin'] = req.origin;
        headers['Access-Control-Allow-Credentials'] = 'true';
      }
      if (req.method === 'OPTIONS') {
        if (req.requestMethod !== undefined) headers['Access-Control-Allow-Methods'] = req.requestMethod;
        if (req.requestHeaders !== undefined) headers['Access-Control-Allow-Headers'] = req.requestHeaders;
        headers.Vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
        return { status: 204, headers, body: '' };
      }
      return {
        status: 200,
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: secretBody('/permissive-preflight', req),
      };
    },
  },
  allowlist({
    path: '/preflight-only',
    expected: ['origin-reflected', 'null-origin-trusted'],
    description:
      'CORS only on preflights: OPTIONS echoes any Origin with credentials (fixed method/header lists), GET has no CORS headers. Found only through preflight probes.',
    allow: () => true,
    preflight: 'only',
  }),
  allowlist({
    path: '/exact-allowlist',
    expected: [],
    description:
      'Secure control: exact allowlist (own origin, app) echoed with credentials and `Vary: Origin`, fixed preflight lists.',
    secureControl: true,
    allow: isOwnOrApp,
  }),
  {
    path: '/no-cors',
    expected: [],
    description: 'Secure control: no CORS headers at all.',
    secureControl: true,
    handle(req): LabResponse {
      if (req.method === 'OPTIONS') return { status: 204, headers: { Allow: 'GET, HEAD, OPTIONS' }, body: '' };
      return { status: 200, headers: { 'Content-Type': 'application/json' }, body: secretBody('/no-cors', req) };
    },
  },
];
