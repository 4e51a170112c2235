/**
 * HTTP-network fetch (https://fetch.spec.whatwg.org/#concept-http-network-fetch): the request goes to the
 * caller's transport, and what comes back must be an HTTP response a browser could have received.
 */
import { isByteString, toByteString, trimHttpTabOrSpace, type HeaderList } from '../fetch/headers.js';
import { note, type FetchParams } from './fetch-params.js';
import type { TransportResponse, WireRequest } from './types.js';

/**
 * Normalize what a transport returned into an HTTP response a browser could have received, or null
 * if it cannot be one. Header values lose leading/trailing tab and space (as an HTTP parser strips
 * them); code units above 0xFF are taken as UTF-8 and turned into bytes.
 */
export function normalizeTransportResponse(value: unknown): TransportResponse | null {
  if (value === null || typeof value !== 'object') return null;
  const { status, headers } = value as { status?: unknown; headers?: unknown };
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 999) return null;
  if (!Array.isArray(headers)) return null;
  const out: HeaderList = [];
  for (const entry of headers) {
    if (!Array.isArray(entry) || entry.length < 2) return null;
    const [n, v] = entry as unknown[];
    if (typeof n !== 'string' || typeof v !== 'string') return null;
    out.push([isByteString(n) ? n : toByteString(n), trimHttpTabOrSpace(toByteString(v))]);
  }
  return { status, headers: out };
}

/**
 * Send one request (the actual request or a preflight) through the transport and record it in the outcome.
 * Null when the transport threw or answered something that is not an HTTP response: the caller turns that into
 * a network error (Chromium: `net::ERR_FAILED`).
 */
export async function httpNetworkFetch(params: FetchParams, wire: WireRequest): Promise<TransportResponse | null> {
  params.outcome.requests.push(wire);
  let raw: unknown;
  try {
    raw = await params.transport({
      method: wire.method,
      url: wire.url,
      headers: wire.headers.map(([n, v]) => [n, v]),
    });
  } catch (err) {
    note(params, 'transport', false, `transport threw: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
  const res = normalizeTransportResponse(raw);
  if (res === null) note(params, 'transport', false, 'transport answered something that is not an HTTP response');
  return res;
}
