/**
 * Every probe on the wire, as a record a user can audit ("no findings" should be checkable): what was sent
 * (method, URL, Origin and Access-Control-Request-* headers) and how it ended (status and CORS response headers,
 * or the failure). `corsight scan --verbose` prints them on stderr, `--log FILE` writes them as JSONL.
 */
import { getHeader } from '../fetch/headers.js';
import type { ProbeTransport } from './transport.js';
import type { HeaderList } from './types.js';

/** One request put on the wire for a probe (retries of it included in `attempts`). */
export interface ProbeRecord {
  method: string;
  url: string;
  /** The Origin sent, or null when the probe sends none (the baseline). */
  origin: string | null;
  /** Access-Control-Request-* headers of a preflight, as sent. */
  requestHeaders: HeaderList;
  outcome: 'answered' | 'failed';
  /** The response status (answered only). */
  status?: number;
  /** The response headers that matter to CORS (answered only), in order, as received. */
  corsHeaders?: HeaderList;
  /** Why no answer came (failed only). */
  error?: string;
  /** Requests on the wire for this probe, retries included (0 when it never left). */
  attempts: number;
  durationMs: number;
}

/** Called once per probe when it ends. Must not throw; it runs on the scan's path. */
export type ProbeObserver = (record: ProbeRecord) => void;

const corsResponseHeader = /^(access-control-|vary$|cache-control$|location$)/i;

/** Wraps a transport so `observer` sees every probe it sends. The transport itself is unchanged. */
export function observeTransport(transport: ProbeTransport, observer: ProbeObserver | undefined): ProbeTransport {
  if (observer === undefined) return transport;
  return {
    get stats() {
      return transport.stats;
    },
    close: () => transport.close(),
    destroy: () => transport.destroy(),
    async send(request) {
      const started = performance.now();
      const base = {
        method: request.method,
        url: request.url.href,
        origin: getHeader(request.headers, 'origin'),
        requestHeaders: request.headers.filter(([name]) => /^access-control-request-/i.test(name)),
      };
      try {
        const result = await transport.send(request);
        observer({
          ...base,
          outcome: 'answered',
          status: result.response.status,
          corsHeaders: result.response.headers.filter(([name]) => corsResponseHeader.test(name)),
          attempts: result.attempts,
          durationMs: Math.round(performance.now() - started),
        });
        return result;
      } catch (error) {
        const attempts = (error as { attempts?: unknown }).attempts;
        observer({
          ...base,
          outcome: 'failed',
          error: error instanceof Error ? error.message : String(error),
          attempts: typeof attempts === 'number' ? attempts : 1,
          durationMs: Math.round(performance.now() - started),
        });
        throw error;
      }
    },
  };
}

/**
 * One line for a person: `GET https://api.example/ Origin: https://evil.example -> 200 access-control-allow-origin:
 * https://evil.example`. Not escaped: the caller escapes for its terminal.
 */
export function describeProbe(record: ProbeRecord): string {
  const sent = [
    `${record.method} ${record.url}`,
    record.origin === null ? '(no Origin)' : `Origin: ${record.origin}`,
    ...record.requestHeaders.map(([name, value]) => `${name}: ${value}`),
  ].join('  ');
  const retries = record.attempts > 1 ? ` (${record.attempts} attempts)` : '';
  if (record.outcome === 'failed') return `${sent} -> failed: ${record.error ?? 'unknown error'}${retries}`;
  const headers = (record.corsHeaders ?? []).map(([name, value]) => `  ${name}: ${value}`).join('');
  return `${sent} -> ${record.status ?? '?'}${headers}${retries}`;
}
