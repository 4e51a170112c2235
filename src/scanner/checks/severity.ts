/**
 * Severity from what a browser lets the attacker do, decided by `corsight/browser`'s `simulateFetch`
 * replaying the recorded answers (no request is re-sent).
 *
 * The model (docs/scanner.md "Severity model"):
 *
 * | What the attacker's page gets (Chromium)                  | Base severity |
 * |-----------------------------------------------------------|---------------|
 * | reads a 2xx response with the victim's cookies             | high; critical when the target sets cookies that request would carry |
 * | sends a credentialed non-simple request (preflight passes) but cannot read the answer | high |
 * | reads without credentials                                  | low; medium when the target looks internal |
 * | sends a non-simple request without credentials             | info; low when the target looks internal |
 * | nothing (a browser still refuses)                          | info |
 *
 * Then, by what the attacker needs to be able to send that Origin: a sub-domain (XSS or takeover on
 * one) -1; a plain-http twin (a network attacker) -1, -2 when the target sends HSTS; a loopback origin
 * (code on the victim's machine) -2. Finally a non-2xx answer is downgraded: 401/403 -1 (a victim with
 * a session would get the real page), any other status -2. The floor is info. Every step is said in
 * the finding's detail.
 *
 * Cookies "a request would carry" follow SameSite as Chromium applies it: a cross-site page's requests
 * carry only `SameSite=None; Secure` cookies (no attribute means Lax); a same-site page (a sub-domain)
 * carries all of them. Schemeful same-site: `http://target` is cross-site to `https://target`.
 */
import { simulateFetch } from '../../browser/index.js';
import type { CorsOutcome, CorsRequest, ProfileName, Transport } from '../../browser/index.js';
import { getAllHeaderValues, getHeader } from '../../fetch/headers.js';
import { isPotentiallyTrustworthy, isSameSite } from '../../fetch/origin.js';
import type { Exchange, Severity } from '../types.js';
import { severities } from '../types.js';
import type { ProbeKind, TargetNames } from './origins.js';
import { isSuccess, PREFLIGHT_METHOD } from './probes.js';

/** Moves `severity` by `steps` (negative = down), clamped to info..critical. */
export function shift(severity: Severity, steps: number): Severity {
  const index = severities.indexOf(severity) + steps;
  return severities[Math.max(0, Math.min(severities.length - 1, index))]!;
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severities.indexOf(a) >= severities.indexOf(b) ? a : b;
}

/** True when a is strictly more severe than b. */
export function moreSevere(a: Severity, b: Severity): boolean {
  return severities.indexOf(a) > severities.indexOf(b);
}

/**
 * True when the target looks internal: a private, loopback or link-local IP, a single-label host, a
 * reserved internal suffix (`.local`, `.internal`, `.intranet`, `.corp`, `.lan`, `.home.arpa`,
 * `.localhost`), or a first label such as `intranet` / `internal` / `corp`. A page on the internet that
 * reads such a target reads what only the victim's network position can reach.
 */
export function looksInternal(names: TargetNames): boolean {
  const host = names.host.replace(/^\[|\]$/g, '').toLowerCase();
  if (names.isIp) {
    if (host.includes(':')) return host === '::1' || /^f[cd]/.test(host) || host.startsWith('fe80');
    const parts = host.split('.').map(Number);
    const [a = 0, b = 0] = parts;
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (!host.includes('.')) return true;
  if (/\.(local|internal|intranet|corp|lan|home\.arpa|localhost)$/.test(host)) return true;
  return /^(intranet|internal|corp|int|lan|private)[.-]/.test(host);
}

/** One parsed `Set-Cookie`. */
export interface CookieInfo {
  name: string;
  sameSite: 'none' | 'lax' | 'strict' | 'default';
  secure: boolean;
}

/** Parses the `Set-Cookie` lines of `exchange`'s response (name and the attributes SameSite depends on). */
export function cookiesOf(exchange: Exchange): CookieInfo[] {
  return getAllHeaderValues(exchange.response.headers, 'set-cookie').map((line) => {
    const [pair = '', ...attrs] = line.split(';');
    const name = pair.split('=')[0]?.trim() ?? '';
    let sameSite: CookieInfo['sameSite'] = 'default';
    let secure = false;
    for (const attr of attrs) {
      const [key = '', value = ''] = attr.split('=').map((s) => s.trim().toLowerCase());
      if (key === 'secure') secure = true;
      if (key === 'samesite' && (value === 'none' || value === 'lax' || value === 'strict')) sameSite = value;
    }
    return { name, sameSite, secure };
  });
}

/** Cookies among `cookies` that a request from `attackerOrigin` to the target would carry. */
export function carriedCookies(cookies: readonly CookieInfo[], attackerOrigin: string, targetUrl: URL): CookieInfo[] {
  const sameSite = attackerOrigin !== 'null' && isSameSite(attackerOrigin, targetUrl);
  // A Secure cookie is neither stored from nor sent to a non-secure URL
  // (https://httpwg.org/http-extensions/draft-ietf-httpbis-rfc6265bis.html#name-storage-model; Chromium treats loopback
  // hosts as secure). Same-site requests carry every other cookie; cross-site ones only SameSite=None, which Chromium
  // requires to be Secure (without Secure it is rejected when set).
  const secureTarget = isPotentiallyTrustworthy(targetUrl);
  return cookies.filter((c) => (secureTarget || !c.secure) && (sameSite || (c.sameSite === 'none' && c.secure)));
}

/** A request the attacker's page makes, as the PoC will make it. */
export interface Scenario {
  method: string;
  headers: [string, string][];
  credentials: 'include' | 'omit';
}

/**
 * What the attacker's page gets: reads with or without the victim's credentials, sends a non-simple
 * request (the preflight passed) without being able to read the answer, or nothing.
 */
export type Access = 'credentialed-read' | 'credentialed-send' | 'read' | 'send' | 'none';

/** What the severity model concluded for one trust verdict. */
export interface Assessment {
  severity: Severity;
  /** What a browser lets the attacker do (absent for hygiene findings that grade themselves). */
  access?: Access;
  /** Sentences for the finding's detail. */
  detail: string;
  /** The request the PoC should make. */
  scenario: Scenario;
}

/** Inputs of {@link assessAccess}. */
export interface AccessInput {
  names: TargetNames;
  /** The attacker's origin (or 'null'). */
  origin: string;
  kind: ProbeKind;
  via: 'simple' | 'preflight';
  /** The simple exchange for `origin` (the answer to the actual request), if one was sent. */
  simple: Exchange | undefined;
  /** The preflight exchange for `origin`, when via is 'preflight'. */
  preflight?: Exchange | undefined;
  /** The baseline (no Origin), for Set-Cookie and HSTS. */
  baseline: Exchange | undefined;
  /** Method of simple probes (the target's `--method`). */
  method: string;
  /** The user supplied cookies or Authorization (the probes were credentialed). */
  hasCredentials: boolean;
  /** The browser to model; default Chromium. */
  profile?: ProfileName;
}

/** A replay transport: answers the simulated browser from recorded exchanges, never the network. */
export function replayTransport(url: URL, preflight: Exchange | undefined, actual: Exchange | undefined): Transport {
  return async (req) => {
    let same = false;
    try {
      same = new URL(req.url).href === url.href;
    } catch {
      same = false;
    }
    const exchange = req.method === 'OPTIONS' ? preflight : actual;
    // A redirect to elsewhere, or a request we never sent: a network error for the simulated browser.
    if (!same || exchange === undefined) throw new Error(`no recorded answer for ${req.method} ${req.url}`);
    return { status: exchange.response.status, headers: exchange.response.headers };
  };
}

async function simulate(
  request: CorsRequest,
  transport: Transport,
  profile: ProfileName,
): Promise<CorsOutcome | undefined> {
  try {
    return await simulateFetch(request, transport, { profile });
  } catch {
    // simulateFetch rejects only for requests fetch() itself would reject (e.g. an origin it cannot
    // parse): then no browser makes this request.
    return undefined;
  }
}

/**
 * The candidate non-simple requests tried through a recorded preflight, most useful first. Candidates the
 * answer cannot possibly allow (a method or `content-type` that the Allow lists neither name nor cover with
 * `*`) are skipped to save simulations; case is ignored here, so the browser model still has the last word.
 */
function preflightScenarios(preflight: Exchange | undefined): Scenario[] {
  const list = (name: string) =>
    (preflight === undefined ? '' : (getHeader(preflight.response.headers, name) ?? ''))
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== '');
  const methods = list('access-control-allow-methods');
  const headers = list('access-control-allow-headers');
  const methodOk = (m: string) => methods.includes('*') || methods.includes(m.toLowerCase());
  const jsonOk = headers.includes('*') || headers.includes('content-type');
  const out: Scenario[] = [];
  for (const credentials of ['include', 'omit'] as const) {
    for (const method of [PREFLIGHT_METHOD, 'DELETE', 'PATCH']) {
      if (!methodOk(method)) continue;
      if (jsonOk) out.push({ method, headers: [['content-type', 'application/json']], credentials });
      out.push({ method, headers: [], credentials });
    }
    if (jsonOk) out.push({ method: 'POST', headers: [['content-type', 'application/json']], credentials });
  }
  // Nothing can pass: still simulate one request so the finding quotes the browser's reason.
  if (out.length === 0) {
    out.push({ method: PREFLIGHT_METHOD, headers: [['content-type', 'application/json']], credentials: 'include' });
  }
  return out;
}

const assessed = new WeakMap<Exchange, Map<string, Promise<Assessment>>>();

/**
 * {@link assessAccess}, computed once per recorded answer and question: several checks grade the same
 * exchange (the arbitrary origin's preflight feeds four of them), and the simulation is pure.
 */
export function assessAccessOnce(input: AccessInput): Promise<Assessment> {
  const anchor = input.via === 'preflight' ? input.preflight : input.simple;
  if (anchor === undefined) return assessAccess(input);
  let byKey = assessed.get(anchor);
  if (byKey === undefined) {
    byKey = new Map();
    assessed.set(anchor, byKey);
  }
  const key = `${input.origin}\n${input.via}\n${input.kind}\n${input.method}\n${input.simple === undefined ? '-' : 's'}\n${input.profile ?? 'chromium'}`;
  let pending = byKey.get(key);
  if (pending === undefined) {
    pending = assessAccess(input);
    byKey.set(key, pending);
  }
  return pending;
}

/**
 * Decides what the attacker's page can do with the recorded answers for `origin`, and grades it.
 */
export async function assessAccess(input: AccessInput): Promise<Assessment> {
  const url = input.names.url;
  const transport = replayTransport(url, input.preflight, input.simple);
  let access: Access = 'none';
  let scenario: Scenario = { method: input.method, headers: [], credentials: 'include' };
  let failure = '';
  const scenarios: Scenario[] =
    input.via === 'simple'
      ? [
          { method: input.method, headers: [], credentials: 'include' },
          { method: input.method, headers: [], credentials: 'omit' },
        ]
      : preflightScenarios(input.preflight);
  for (const s of scenarios) {
    const outcome = await simulate(
      { origin: input.origin, url: url.href, method: s.method, headers: s.headers, credentials: s.credentials },
      transport,
      input.profile ?? 'chromium',
    );
    if (outcome === undefined) continue;
    const sentActual = outcome.requests.some((r) => r.method !== 'OPTIONS');
    if (outcome.allowed) {
      access = s.credentials === 'include' ? 'credentialed-read' : 'read';
      scenario = s;
      break;
    }
    if (sentActual && input.via === 'preflight') {
      const a: Access = s.credentials === 'include' ? 'credentialed-send' : 'send';
      if (access === 'none' || (access === 'send' && a === 'credentialed-send')) {
        access = a;
        scenario = s;
      }
      if (a === 'credentialed-send') break;
    } else if (failure === '' && outcome.error !== undefined) {
      failure = outcome.error.message.replace(/\.+$/, '');
    }
  }

  const parts: string[] = [];
  const shown = input.origin === 'null' ? 'an opaque origin (`null`, e.g. a sandboxed iframe)' : `\`${input.origin}\``;
  const internal = looksInternal(input.names);
  let severity: Severity;
  // The answer the attacker reads is the actual request's; for a preflight finding that is the simple
  // probe's answer from the same origin (the scanner never sends unsafe methods itself).
  const status = input.simple?.response.status;
  const sameSiteAttacker = input.origin !== 'null' && isSameSite(input.origin, url);
  const request = `${scenario.method}${scenario.headers.length > 0 ? ` with ${scenario.headers.map(([n, v]) => `${n}: ${v}`).join(', ')}` : ''}`;
  switch (access) {
    case 'credentialed-read': {
      severity = 'high';
      parts.push(
        `A page on ${shown} can read this response with the victim's cookies (fetch with credentials: 'include'${input.via === 'preflight' ? `, ${request} through a preflight` : ''}).`,
      );
      const cookies = [
        ...(input.baseline !== undefined ? cookiesOf(input.baseline) : []),
        ...(input.simple !== undefined ? cookiesOf(input.simple) : []),
      ];
      const carried = carriedCookies(cookies, input.origin, url);
      if (carried.length > 0) {
        severity = 'critical';
        const names = [...new Set(carried.map((c) => c.name))].join(', ');
        parts.push(
          sameSiteAttacker
            ? `The target sets cookies such a request carries (${names}, sent because the attacker is same-site), so the victim's session is read.`
            : `The target sets cookies such a request carries (${names}, SameSite=None; Secure), so the victim's session is read in browsers that send third-party cookies (Chrome's default windows); Safari, Firefox's Total Cookie Protection and private windows withhold or partition them.`,
        );
      } else if (cookies.length > 0) {
        parts.push(
          `Cookies the target sets (${[...new Set(cookies.map((c) => c.name))].join(', ')}) are SameSite Lax/Strict (or unmarked, which Chromium treats as Lax), so a cross-site request does not carry them; other credentials (HTTP auth, client certificates, other cookies) still would be.`,
        );
      } else if (input.hasCredentials) {
        parts.push(
          "The scan sent your credentials: a cross-site request carries a session cookie only if it is SameSite=None; Secure (and HTTP authentication the browser has cached), never a bearer token the site's own script adds.",
        );
      }
      break;
    }
    case 'credentialed-send':
      severity = 'high';
      parts.push(
        `A page on ${shown} passes the preflight with credentials, so it can send ${request} carrying the victim's cookies (a cross-site request forgery the preflight was meant to stop); the answer itself is not readable.`,
      );
      break;
    case 'read':
      severity = internal ? 'medium' : 'low';
      parts.push(
        `A page on ${shown} can read this response without credentials${input.via === 'preflight' ? ` (${request} through a preflight)` : ''}; credentialed reads are refused${failure !== '' ? ` (${failure})` : ''}.`,
      );
      parts.push(
        internal
          ? "The target looks internal, so this reads what only the victim's network position reaches (Chromium 142+ asks the user first under Local Network Access)."
          : "That matters when the response depends on the client's network position (intranet, IP allowlists); otherwise anyone could fetch it directly.",
      );
      break;
    case 'send':
      severity = internal ? 'low' : 'info';
      parts.push(
        `A page on ${shown} passes the preflight without credentials and can send ${request}; it cannot use the victim's cookies.`,
      );
      break;
    default:
      severity = 'info';
      parts.push(
        `The server names ${shown} in Access-Control-Allow-Origin, but a browser still refuses the read${failure !== '' ? `: ${failure}` : ''}.`,
      );
  }

  // What the attacker needs in order to send this Origin at all.
  if (input.kind === 'subdomain') {
    severity = shift(severity, -1);
    parts.push(
      'Exploiting it needs control of a page on a sub-domain (XSS or a sub-domain takeover), so the severity is one level lower.',
    );
  } else if (input.kind === 'insecure') {
    const hsts =
      input.baseline !== undefined ? getHeader(input.baseline.response.headers, 'strict-transport-security') : null;
    const hstsOn = hsts !== null && /max-age\s*=\s*"?[1-9]/i.test(hsts);
    severity = shift(severity, hstsOn ? -2 : -1);
    parts.push(
      hstsOn
        ? `Exploiting it needs a network attacker to answer for the http origin; the target sends HSTS (${hsts}), so browsers that have seen it (or preload it) will not load the http page: two levels lower.`
        : 'Exploiting it needs a network attacker (open Wi-Fi, a hostile proxy) to answer for the http origin; the target sends no HSTS, which would stop that: one level lower.',
    );
  } else if (input.kind === 'local') {
    severity = shift(severity, -2);
    parts.push(
      "Exploiting it needs code on the victim's own machine (a local dev server or a local app with XSS), so the severity is two levels lower.",
    );
  }

  if (
    status !== undefined &&
    !isSuccess(status) &&
    access !== 'none' &&
    access !== 'send' &&
    access !== 'credentialed-send'
  ) {
    const steps = status === 401 || status === 403 ? -1 : -2;
    const before = severity;
    severity = shift(severity, steps);
    parts.push(
      status === 401 || status === 403
        ? `Downgraded from ${before}: this URL answered ${status} to the scan; a victim with a session may get the real page.`
        : `Downgraded from ${before}: this URL answered ${status}, not a page worth reading; the same rule elsewhere on the site would matter more.`,
    );
  }
  return { severity, access, detail: parts.join(' '), scenario };
}
