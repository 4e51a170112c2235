/**
 * The `simulateFetch` Transport of this suite: it performs the real HTTP request (undici) against the same
 * adapter server the browser talks to, so the simulation judges the adapter's real answers. `*.test` hosts
 * resolve to 127.0.0.1, as in the browser; the test certificate is accepted.
 */
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import type { Transport, WireRequest } from '../../src/browser/index.js';

const lookup: LookupFunction = (hostname, options, callback) => {
  if (!hostname.endsWith('.test')) {
    callback(new Error(`the middleware suite only talks to *.test hosts, not ${hostname}`), '', 4);
    return;
  }
  if (options.all) {
    (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
      { address: '127.0.0.1', family: 4 },
    ]);
  } else callback(null, '127.0.0.1', 4);
};

/** One dispatcher for the whole suite (keep-alive connections to every adapter). */
export const dispatcher = new Agent({ connect: { rejectUnauthorized: false, lookup } });

/**
 * A Transport that sends each request as is, plus `body` on the non-preflight requests (the page sends that
 * body too; `simulateFetch` only says that there is one), and returns the status and every header line
 * (repeated names kept apart).
 */
export function realTransport(body?: string): Transport {
  return async (req: WireRequest) => {
    const res = await request(req.url, {
      method: req.method as 'GET',
      headers: req.headers.flat(),
      ...(body !== undefined && req.method !== 'OPTIONS' ? { body } : {}),
      dispatcher,
      headersTimeout: 15_000,
      bodyTimeout: 15_000,
    });
    await res.body.dump();
    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(res.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.push([name, v]);
      else if (value !== undefined) headers.push([name, value]);
    }
    return { status: res.statusCode, headers };
  };
}
