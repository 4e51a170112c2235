/**
 * A tiny in-process "server" for the browser engine's unit tests: routes (method, URL) to canned
 * answers and records what it received. Not exported from the package.
 */
import type { Transport, TransportResponse, WireRequest } from '../types.js';

/** One canned answer: a status and header lines; `headers` may be a function of the request. */
export interface Route {
  status?: number;
  headers?: [string, string][] | ((req: WireRequest) => [string, string][]);
}

/** Routes keyed by `"<METHOD> <url>"` or `"* <url>"` (any method) or `"OPTIONS <url>"`. */
export type Routes = Record<string, Route>;

/** A transport answering from `routes` (404 without headers when nothing matches) and the log of requests. */
export function fakeServer(routes: Routes): { transport: Transport; log: WireRequest[] } {
  const log: WireRequest[] = [];
  const transport: Transport = (req) => {
    log.push(req);
    const route = routes[`${req.method} ${req.url}`] ?? routes[`* ${req.url}`];
    if (!route) return Promise.resolve({ status: 404, headers: [] });
    const headers = typeof route.headers === 'function' ? route.headers(req) : (route.headers ?? []);
    const res: TransportResponse = { status: route.status ?? 200, headers };
    return Promise.resolve(res);
  };
  return { transport, log };
}

/** Value of a header in a wire request (case-insensitive, joined), or null. */
export function header(req: WireRequest | undefined, name: string): string | null {
  if (!req) return null;
  const v = req.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, x]) => x);
  return v.length ? v.join(', ') : null;
}
