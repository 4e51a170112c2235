/**
 * What a browser lets the attacker do, and the severity it earns, decided by `corsight/browser`'s `simulateFetch`
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
import { getAllHeaderValues, getHeader } from '../../fetch/headers.js';
import { isSameSite } from '../../fetch/origin.js';
import type { ProfileName } from '../../browser/index.js';
import type { AppPreflight, Exchange, Severity } from '../types.js';
import { carriedCookies, cookiesOf } from './cookies.js';
import { looksInternal } from './internal-target.js';
import type { ProbeKind, TargetNames } from './origins.js';
import { isSuccess } from './probes.js';
import { preflightScenarios, replayTransport, simulate, type Access, type Scenario } from './replay.js';
import { shift } from './severity.js';

export type { Access, Scenario } from './replay.js';

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
  /** The application's own non-simple request to the target (its preflight), tried first through a preflight. */
  app?: AppPreflight | undefined;
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
  const app = input.app === undefined ? '-' : `${input.app.method} ${input.app.headers.join(',')}`;
  const key = `${input.origin}\n${input.via}\n${input.kind}\n${input.method}\n${input.simple === undefined ? '-' : 's'}\n${input.profile ?? 'chromium'}\n${app}`;
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
      : preflightScenarios(input.preflight, input.app);
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
    default: {
      severity = 'info';
      // Say what the header really held: a list of two legitimate origins is not "naming the attacker".
      const anchor = input.via === 'preflight' ? input.preflight : input.simple;
      const held =
        anchor === undefined ? [] : getAllHeaderValues(anchor.response.headers, 'access-control-allow-origin');
      const items = held.flatMap((line) => line.split(',').map((item) => item.trim()));
      const refused = `a browser still refuses the read${failure !== '' ? `: ${failure}` : ''}`;
      parts.push(
        held.length === 0
          ? `The answer to ${shown} has no Access-Control-Allow-Origin, so ${refused}.`
          : items.includes(input.origin)
            ? `The server names ${shown} in Access-Control-Allow-Origin (\`${held.join(', ')}\`), but ${refused}.`
            : `Access-Control-Allow-Origin held \`${held.join(', ')}\`, which does not name ${shown}; ${refused}.`,
      );
    }
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
