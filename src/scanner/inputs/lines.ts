/**
 * One line of a target list, in any of its three forms: a bare URL (the run's method and headers), `METHOD URL`
 * (as recon tools print requests), or a JSON object `{"url": ..., "method": ..., "headers": {...}}` (JSONL, so a
 * tool's JSON output converts with one `jq`).
 */
import { isHeaderName } from '../../fetch/headers.js';
import type { HeaderList, ScanTarget } from '../types.js';
import { normalizeTarget } from './target-url.js';
import { TargetRequestError, targetRequest } from './request.js';

// An upper-case method, then the URL: `GET https://api.example.com/items`. Upper case only, so a line of two
// words that is no request is not read as one with a made-up method.
const methodLine = /^([A-Z][A-Z_-]*)[ \t]+(\S+)$/;

/** Reads one non-blank, non-comment line: the target, or the reason it is unusable. */
export function parseTargetLine(text: string): { target: ScanTarget } | { reason: string } {
  if (text.startsWith('{')) return parseJsonLine(text);
  const request = methodLine.exec(text);
  if (request !== null) {
    const [, method = '', url = ''] = request;
    return withMethod(url, method, []);
  }
  const target = normalizeTarget(text);
  return 'url' in target ? { target: target.url } : target;
}

function withMethod(url: string, method: string, headers: HeaderList): { target: ScanTarget } | { reason: string } {
  const normalized = normalizeTarget(url);
  if (!('url' in normalized)) return normalized;
  try {
    return { target: targetRequest(normalized.url, method, headers) };
  } catch (error) {
    if (error instanceof TargetRequestError) return { reason: error.message };
    throw error;
  }
}

function parseJsonLine(text: string): { target: ScanTarget } | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { reason: `invalid JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { reason: 'a JSON line must be an object {"url": ..., "method": ..., "headers": {...}}' };
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !['url', 'method', 'headers'].includes(key));
  if (unknown.length > 0) {
    return {
      reason: `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (known: url, method, headers)`,
    };
  }
  if (typeof record.url !== 'string') return { reason: '"url" must be a string' };
  if (record.method !== undefined && typeof record.method !== 'string') return { reason: '"method" must be a string' };
  const headers: HeaderList = [];
  if (record.headers !== undefined) {
    if (record.headers === null || typeof record.headers !== 'object' || Array.isArray(record.headers)) {
      return { reason: '"headers" must be an object of name: value' };
    }
    for (const [name, raw] of Object.entries(record.headers as Record<string, unknown>)) {
      const values = Array.isArray(raw) ? (raw as unknown[]) : [raw];
      for (const item of values) {
        if (typeof item !== 'string') return { reason: `header "${name}": the value must be a string` };
        if (!isHeaderName(name)) return { reason: `"${name}" is not a valid header name` };
        if (/[\0\r\n]/.test(item)) return { reason: `header "${name}": the value contains a NUL, CR or LF byte` };
        if (name.toLowerCase() === 'origin') {
          return { reason: 'the Origin header is set by each probe; name trusted origins with --origin instead' };
        }
        headers.push([name, item]);
      }
    }
  }
  return withMethod(record.url, record.method ?? 'GET', headers);
}
