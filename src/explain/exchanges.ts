/**
 * The exchange book: every request the simulated browser makes goes through it. A request seen
 * before is answered from the book (so the four browser profiles and the fix search cost one real
 * request each); a new one is sent for real, except an actual request whose method is not GET or
 * HEAD, which is only sent when the caller allows it (`--send`): otherwise its response is assumed
 * and the assumption is recorded.
 */
import type { Transport, TransportResponse, WireRequest } from '../browser/index.js';
import { getAllHeaderValues, getHeader, nameEquals } from '../fetch/headers.js';
import type { BrowserExchange, FixStep, ResponseRole, Sender } from './types.js';

/**
 * True for a CORS preflight: `OPTIONS` carrying `Access-Control-Request-Method`
 * (https://fetch.spec.whatwg.org/#cors-preflight-request).
 */
export function isPreflightRequest(req: WireRequest): boolean {
  return req.method === 'OPTIONS' && getHeader(req.headers, 'access-control-request-method') !== null;
}

/** The role of a request on the wire. */
export function roleOf(req: WireRequest): ResponseRole {
  return isPreflightRequest(req) ? 'preflight' : 'actual';
}

function requestKey(req: WireRequest): string {
  return JSON.stringify([req.method, req.url, req.headers]);
}

/** Response headers the assumed actual response copies from the response it is modelled on. */
const ASSUMED_COPY = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
  'vary',
];

function copyCorsHeaders(from: TransportResponse | null, names: readonly string[]): [string, string][] {
  if (from === null) return [];
  return from.headers.filter(([n]) => names.some((c) => nameEquals(n, c))).map(([n, v]) => [n, v] as [string, string]);
}

/**
 * Apply fix steps to a response: the steps that target this role and URL, in order. `set-header`
 * replaces every line of the header; `set-status` changes the status; `no-redirect` turns a redirect
 * into a 204 without `Location`.
 */
export function applyFixSteps(
  role: ResponseRole,
  url: string,
  res: TransportResponse,
  steps: readonly FixStep[],
): TransportResponse {
  let status = res.status;
  let headers = res.headers.map(([n, v]) => [n, v] as [string, string]);
  for (const step of steps) {
    if (step.on !== role || step.url !== url) continue;
    if (step.action === 'set-header' && step.header !== undefined && step.value !== undefined) {
      const name = step.header;
      headers = headers.filter(([n]) => !nameEquals(n, name));
      headers.push([name, step.value]);
    } else if (step.action === 'set-status' && step.status !== undefined) {
      status = step.status;
    } else if (step.action === 'no-redirect') {
      headers = headers.filter(([n]) => !nameEquals(n, 'location'));
      if (status >= 300 && status <= 399) status = 204;
    }
  }
  return { status, headers };
}

/** Options of {@link ExchangeBook}. */
export interface ExchangeBookOptions {
  /** Sends a request for real. */
  sender: Sender;
  /**
   * Send actual requests whose method is not GET or HEAD (`--send`). Default false: such a request
   * is not sent and its response is assumed (see {@link ExchangeBook}).
   */
  sendUnsafe?: boolean;
}

/**
 * Records and replays exchanges. Assumed responses (a non-GET/HEAD actual request when
 * `sendUnsafe` is false) are status 200 with the `Access-Control-Allow-Origin`,
 * `-Allow-Credentials`, `-Expose-Headers` and `Vary` lines of the preflight response to the same URL,
 * or, when there was no preflight, of a GET to the same URL with the same headers (sent instead,
 * GET being safe).
 */
export class ExchangeBook {
  readonly #sender: Sender;
  #sendUnsafe: boolean;
  #frozen = false;
  readonly #entries = new Map<string, BrowserExchange>();
  readonly #order: BrowserExchange[] = [];

  constructor(options: ExchangeBookOptions) {
    // Checked at run time for JavaScript callers, whose options may be missing altogether.
    if (typeof (options as Partial<ExchangeBookOptions> | undefined)?.sender !== 'function') {
      throw new TypeError('ExchangeBook needs a sender function (req) => Promise<{ status, headers }>.');
    }
    this.#sender = options.sender;
    this.#sendUnsafe = options.sendUnsafe === true;
  }

  /** Whether non-GET/HEAD actual requests not seen yet are sent (true) or assumed (false). */
  get sendUnsafe(): boolean {
    return this.#sendUnsafe;
  }

  set sendUnsafe(value: boolean) {
    this.#sendUnsafe = value;
  }

  /**
   * When true, nothing new is sent at all: every request not seen yet gets an assumed response
   * (`corsight/testing` sets it for the fix search, so an app under test only ever receives what a
   * browser sends).
   */
  get frozen(): boolean {
    return this.#frozen;
  }

  set frozen(value: boolean) {
    this.#frozen = value;
  }

  /** Every distinct exchange so far, in the order first seen. */
  get exchanges(): readonly BrowserExchange[] {
    return this.#order;
  }

  /** The exchanges whose response was assumed. */
  get assumed(): BrowserExchange[] {
    return this.#order.filter((e) => e.source === 'assumed');
  }

  async #fetch(req: WireRequest): Promise<BrowserExchange> {
    const key = requestKey(req);
    const known = this.#entries.get(key);
    if (known !== undefined) return known;
    const role = roleOf(req);
    let exchange: BrowserExchange;
    if (this.#frozen) {
      exchange = this.#assumeUnsent(req, role);
    } else if (role === 'actual' && req.method !== 'GET' && req.method !== 'HEAD' && !this.#sendUnsafe) {
      exchange = await this.#assume(req);
    } else {
      exchange = { role, request: req, response: null, source: 'network' };
      try {
        exchange.response = await this.#sender(req);
      } catch (err) {
        exchange.error = err instanceof Error ? err.message : String(err);
      }
    }
    this.#entries.set(key, exchange);
    this.#order.push(exchange);
    return exchange;
  }

  #lastPreflight(url: string): BrowserExchange | undefined {
    return [...this.#order]
      .reverse()
      .find((e) => e.role === 'preflight' && e.request.url === url && e.response !== null && e.source === 'network');
  }

  /** A response for a request that is not sent because the book is frozen. */
  #assumeUnsent(req: WireRequest, role: ResponseRole): BrowserExchange {
    const preflight = role === 'actual' ? this.#lastPreflight(req.url) : undefined;
    const base = `the ${role === 'preflight' ? 'preflight' : req.method} request to ${req.url} was not sent (a browser would not have sent it); `;
    if (role === 'preflight') {
      return {
        role,
        request: req,
        response: { status: 204, headers: [] },
        source: 'assumed',
        assumption: base + 'its response is assumed to be 204 without CORS headers',
      };
    }
    return {
      role,
      request: req,
      response: {
        status: 200,
        headers: copyCorsHeaders(preflight?.response ?? null, [
          'access-control-allow-origin',
          'access-control-allow-credentials',
          'vary',
        ]),
      },
      source: 'assumed',
      assumption:
        base +
        (preflight === undefined
          ? 'its response is assumed to be 200 without CORS headers'
          : 'its response is assumed to be 200 with the same Access-Control-Allow-Origin and Access-Control-Allow-Credentials as the preflight response'),
    };
  }

  async #assume(req: WireRequest): Promise<BrowserExchange> {
    const preflight = this.#lastPreflight(req.url);
    if (preflight !== undefined) {
      return {
        role: 'actual',
        request: req,
        response: {
          status: 200,
          headers: copyCorsHeaders(preflight.response, [
            'access-control-allow-origin',
            'access-control-allow-credentials',
            'vary',
          ]),
        },
        source: 'assumed',
        assumption:
          `the ${req.method} request to ${req.url} was not sent (pass --send to send it); ` +
          'its response is assumed to be 200 with the same Access-Control-Allow-Origin and Access-Control-Allow-Credentials as the preflight response',
      };
    }
    const probe = await this.#fetch({
      method: 'GET',
      url: req.url,
      headers: req.headers.filter(([n]) => !nameEquals(n, 'content-type')),
    });
    return {
      role: 'actual',
      request: req,
      response: { status: 200, headers: copyCorsHeaders(probe.response, ASSUMED_COPY) },
      source: 'assumed',
      assumption:
        `the ${req.method} request to ${req.url} was not sent (pass --send to send it); ` +
        (probe.response === null
          ? 'its response is assumed to be 200 without CORS headers (a GET to the same URL failed too)'
          : 'its response is assumed to be 200 with the CORS headers a GET to the same URL returned'),
    };
  }

  /**
   * A transport for `simulateFetch` answering from this book. Each exchange of the run (after
   * `steps` are applied to its response) is appended to `log`.
   */
  transport(log: BrowserExchange[] = [], steps: readonly FixStep[] = []): Transport {
    return async (req) => {
      const base = await this.#fetch(req);
      const patched: BrowserExchange = { ...base, request: req };
      if (base.response !== null) patched.response = applyFixSteps(base.role, req.url, base.response, steps);
      log.push(patched);
      if (patched.response === null) throw new Error(base.error ?? 'no response');
      return patched.response;
    };
  }
}

/** All values of a header joined by `, ` (null when absent), as the CORS algorithms read it. */
export function combinedHeader(res: TransportResponse | null, name: string): string | null {
  if (res === null) return null;
  const lines = getAllHeaderValues(res.headers, name);
  return lines.length === 0 ? null : lines.join(', ');
}
