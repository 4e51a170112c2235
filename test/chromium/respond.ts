/**
 * The one answer function of the differential test. It is pure: the answer depends only on the world (where
 * the named origins live), the request method, URL and headers. The wire server (./wire-server.ts) calls it for
 * Chromium's requests and the engine's Transport (./engine.ts) calls it for simulateFetch's requests, so both
 * sides see byte-identical answers.
 */
import { expandHops, hopUrl, parseCaseUrl } from './spec.js';
import type { Answer, HeaderLine, World } from './spec.js';

/** A complete response: every header line that goes on the wire, in order, plus the body. */
export interface Reply {
  status: number;
  headers: HeaderLine[];
  body: string;
}

/** Case-insensitive `get` of the Fetch Standard: all values of `name` joined by ", ", or null if absent. */
export function getHeader(headers: readonly HeaderLine[], name: string): string | null {
  const lower = name.toLowerCase();
  const values = headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  return values.length === 0 ? null : values.join(', ');
}

/**
 * A request is a CORS preflight when it is an OPTIONS carrying Access-Control-Request-Method
 * (https://fetch.spec.whatwg.org/#cors-preflight-fetch).
 */
export function isPreflight(method: string, headers: readonly HeaderLine[]): boolean {
  return method === 'OPTIONS' && getHeader(headers, 'access-control-request-method') !== null;
}

/** Statuses that must not carry a body (https://www.rfc-editor.org/rfc/rfc9110#section-6.4.1). */
function bodyless(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

function harnessError(problem: string): Reply {
  const body = `harness: ${problem}\n`;
  return {
    status: 599,
    headers: [
      ['X-Harness-Error', problem.replace(/[^\x20-\x7e]/g, '?')],
      ['Content-Length', String(body.length)],
      ['Connection', 'keep-alive'],
    ],
    body,
  };
}

/**
 * Answers one request.
 *
 * - Case URLs (`/c/<key>/<hop>?s=...`): the hop's `preflight` answers preflights, its `actual` answers everything
 *   else; the first answer whose `when` holds wins; with none, 200 with no extra headers.
 * - `/` on any origin: the empty HTML page the browser side runs in.
 * - Anything else (e.g. `/favicon.ico`): 404.
 *
 * The harness appends `Content-Type: text/plain` and `Cache-Control: no-store` unless the answer set them, then
 * `Content-Length` (except for bodyless statuses) and `Connection: keep-alive`; nothing else is ever sent, so
 * the header names a browser can read are exactly the lines listed here. A request that reaches a hop on
 * the wrong origin, or a malformed case URL, gets status 599 with `X-Harness-Error` (a harness bug).
 */
export function respond(world: World, method: string, url: string, headers: readonly HeaderLine[]): Reply {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return harnessError(`unparsable URL ${url}`);
  }
  if (u.pathname === '/') {
    const body = '<!doctype html><meta charset="utf-8"><title>corsight differential page</title>\n';
    return {
      status: 200,
      headers: [
        ['Content-Type', 'text/html; charset=utf-8'],
        ['Cache-Control', 'no-store'],
        ['Content-Length', String(body.length)],
        ['Connection', 'keep-alive'],
      ],
      body,
    };
  }
  let parsed;
  try {
    parsed = parseCaseUrl(url);
  } catch (e) {
    return harnessError((e as Error).message);
  }
  if (!parsed) {
    return {
      status: 404,
      headers: [
        ['Content-Type', 'text/plain'],
        ['Content-Length', '10'],
        ['Connection', 'keep-alive'],
      ],
      body: 'not found\n',
    };
  }
  const hops = expandHops(parsed.hops);
  const hop = hops[parsed.hop];
  if (!hop) return harnessError(`hop ${parsed.hop} out of range`);
  if (world.origins[hop.at] !== u.origin) {
    return harnessError(`hop ${parsed.hop} is served by ${hop.at} but reached ${u.origin}`);
  }

  const preflight = isPreflight(method, headers);
  const answers = (preflight ? hop.preflight : hop.actual) ?? [];
  const list: Answer[] = Array.isArray(answers) ? answers : [answers];
  const requestOrigin = getHeader(headers, 'origin');
  const acrm = getHeader(headers, 'access-control-request-method');
  const acrh = getHeader(headers, 'access-control-request-headers');
  const fill = (v: string): string =>
    v.replace(/\{\{([a-z]+)(?::([a-z]+))?\}\}/g, (whole, name: string, arg: string | undefined) => {
      switch (name) {
        case 'origin':
          if (arg === undefined) return requestOrigin ?? '';
          return arg in world.origins ? world.origins[arg as keyof World['origins']] : whole;
        case 'page':
          return world.origins.page;
        case 'pagehost':
          return new URL(world.origins.page).host;
        case 'pageupper':
          return world.origins.page.toUpperCase();
        case 'next':
          return parsed.hop + 1 < hops.length
            ? hopUrl(world, parsed.key, parsed.hops, parsed.hop + 1, parsed.encoded)
            : '';
        case 'nextpath': {
          if (parsed.hop + 1 >= hops.length) return '';
          const next = new URL(hopUrl(world, parsed.key, parsed.hops, parsed.hop + 1, parsed.encoded));
          return next.pathname + next.search;
        }
        case 'self':
          return hopUrl(world, parsed.key, parsed.hops, parsed.hop, parsed.encoded);
        case 'acrm':
          return acrm ?? '';
        case 'acrh':
          return acrh ?? '';
        case 'method':
          return method;
        default:
          return whole;
      }
    });
  const chosen = list.find((a) => {
    const w = a.when;
    if (!w) return true;
    if (w.method !== undefined && w.method !== method) return false;
    if (w.acrm !== undefined && w.acrm !== acrm) return false;
    if (w.acrh !== undefined && w.acrh !== acrh) return false;
    if (w.origin !== undefined && (w.origin === null ? requestOrigin !== null : fill(w.origin) !== requestOrigin)) {
      return false;
    }
    return true;
  });
  const status = chosen?.status ?? 200;
  const out: HeaderLine[] = (chosen?.headers ?? []).map(([n, v]) => [n, fill(v)]);
  const has = (name: string) => out.some(([n]) => n.toLowerCase() === name);
  if (!has('content-type')) out.push(['Content-Type', 'text/plain']);
  if (!has('cache-control')) out.push(['Cache-Control', 'no-store']);
  const body = bodyless(status) ? '' : 'ok\n';
  if (!bodyless(status)) out.push(['Content-Length', String(body.length)]);
  out.push(['Connection', 'keep-alive']);
  return { status, headers: out, body };
}
