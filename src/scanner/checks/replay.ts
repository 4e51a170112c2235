/**
 * Replaying recorded answers to the browser model: a transport that answers `simulateFetch` from the
 * exchanges the scan already has (never the network), and the non-simple requests worth trying through a
 * recorded preflight.
 */
import { simulateFetch } from '../../browser/index.js';
import type { CorsOutcome, CorsRequest, ProfileName, Transport } from '../../browser/index.js';
import { getHeader } from '../../fetch/headers.js';
import type { AppPreflight, Exchange } from '../types.js';
import { PREFLIGHT_METHOD } from './probes.js';

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

/** A replay transport: answers the simulated browser from recorded exchanges, never the network. */
export function replayTransport(url: URL, preflight: Exchange | undefined, actual: Exchange | undefined): Transport {
  return (req) => {
    // The model asks for the URL it was given, serialized as given: compared as a string first, parsed only when
    // it differs (a redirect, or a spelling the parser normalizes).
    let same = req.url === url.href;
    if (!same) {
      try {
        same = new URL(req.url).href === url.href;
      } catch {
        same = false;
      }
    }
    const exchange = req.method === 'OPTIONS' ? preflight : actual;
    // A redirect to elsewhere, or a request we never sent: a network error for the simulated browser.
    if (!same || exchange === undefined) {
      return Promise.reject(new Error(`no recorded answer for ${req.method} ${req.url}`));
    }
    return Promise.resolve({ status: exchange.response.status, headers: exchange.response.headers });
  };
}

export async function simulate(
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
 * The candidate non-simple requests tried through a recorded preflight, most useful first: the application's own
 * request when the target came with one (`app`), then the generic ones. Generic candidates the
 * answer cannot possibly allow (a method or `content-type` that the Allow lists neither name nor cover with
 * `*`) are skipped to save simulations; case is ignored here, so the browser model still has the last word.
 */
export function preflightScenarios(preflight: Exchange | undefined, app?: AppPreflight): Scenario[] {
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
  // The application's own request first (a target with its own request): what its page really sends, so the
  // grade is of that request, and the PoC makes it.
  const own: Scenario[] =
    app === undefined
      ? []
      : (['include', 'omit'] as const).map((credentials) => ({
          method: app.method,
          headers: app.headers.map((name): [string, string] => [
            name,
            name === 'content-type' ? 'application/json' : 'corsight',
          ]),
          credentials,
        }));
  out.push(...own);
  for (const credentials of ['include', 'omit'] as const) {
    for (const method of [PREFLIGHT_METHOD, 'DELETE', 'PATCH']) {
      if (!methodOk(method)) continue;
      if (jsonOk) out.push({ method, headers: [['content-type', 'application/json']], credentials });
      out.push({ method, headers: [], credentials });
    }
    if (jsonOk) out.push({ method: 'POST', headers: [['content-type', 'application/json']], credentials });
  }
  // Nothing can pass: still simulate one request so the finding quotes the browser's reason (the application's
  // own request when there is one, which is always tried).
  if (out.length === 0) {
    out.push({ method: PREFLIGHT_METHOD, headers: [['content-type', 'application/json']], credentials: 'include' });
  }
  return out;
}
