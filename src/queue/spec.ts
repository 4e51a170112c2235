/**
 * What travels with a scan from the coordinator to the workers: the scan's options, split into what may rest in
 * Redis for the scan's life (`ScanSpec`: origins, method, timeouts, checks...) and the secrets (`ScanSecrets`:
 * `--header` values, `--cookie`, a proxy URL that may carry a password), which are stored apart, only while
 * targets remain, and deleted when the last result is in.
 */
import { createHash } from 'node:crypto';
import type { ScanOptions } from '../scanner/index.js';
import { defaultRedactedHeaders } from '../scanner/report/index.js';

/** The options a worker scans with, as stored in the scan's meta record. */
export interface ScanSpec {
  trustedOrigins: string[];
  method?: string;
  resolve: string[];
  perHost?: number;
  rate?: number;
  timeout?: number;
  retries?: number;
  maxRetryAfter?: number;
  insecure: boolean;
  followRedirects: boolean;
  /** `--checks`: the check ids to run (all when absent). */
  select?: string[];
  /** `--confirm`: workers run each exploitable finding's PoC in their own headless Chromium. */
  confirm: boolean;
  /**
   * `--show-secrets`: results keep the Cookie, Authorization and `--header` values in their evidence. Without
   * it the worker redacts them before the result is stored, so no secret outlives the scan in Redis.
   */
  showSecrets?: boolean;
}

/** The secrets of a scan: sent with every probe, never written to the scan's meta record. */
export interface ScanSecrets {
  headers: [string, string][];
  cookie?: string;
  proxy?: string;
}

/** Splits library scan options into the spec and the secrets. */
export function splitScanOptions(
  options: Partial<ScanOptions>,
  confirm: boolean,
  showSecrets = false,
): { spec: ScanSpec; secrets: ScanSecrets } {
  const spec: ScanSpec = {
    trustedOrigins: [...(options.trustedOrigins ?? [])],
    resolve: [...(options.resolve ?? [])],
    insecure: options.insecure === true,
    followRedirects: options.followRedirects === true,
    confirm,
  };
  if (options.method !== undefined) spec.method = options.method;
  if (options.perHost !== undefined) spec.perHost = options.perHost;
  if (options.rate !== undefined) spec.rate = options.rate;
  if (options.timeout !== undefined) spec.timeout = options.timeout;
  if (options.retries !== undefined) spec.retries = options.retries;
  if (options.maxRetryAfter !== undefined) spec.maxRetryAfter = options.maxRetryAfter;
  if (options.select !== undefined) spec.select = [...options.select];
  if (showSecrets) spec.showSecrets = true;
  const secrets: ScanSecrets = { headers: (options.headers ?? []).map(([name, value]) => [name, value]) };
  if (options.cookie !== undefined) secrets.cookie = options.cookie;
  if (options.proxy !== undefined) secrets.proxy = options.proxy;
  return { spec, secrets };
}

/** The library scan options a worker builds from a spec and its secrets. */
export function scanOptionsOf(spec: ScanSpec, secrets: ScanSecrets | undefined): Partial<ScanOptions> {
  const options: Partial<ScanOptions> = {
    trustedOrigins: spec.trustedOrigins,
    resolve: spec.resolve,
    insecure: spec.insecure,
    followRedirects: spec.followRedirects,
    headers: secrets?.headers ?? [],
  };
  if (spec.method !== undefined) options.method = spec.method;
  if (spec.perHost !== undefined) options.perHost = spec.perHost;
  if (spec.rate !== undefined) options.rate = spec.rate;
  if (spec.timeout !== undefined) options.timeout = spec.timeout;
  if (spec.retries !== undefined) options.retries = spec.retries;
  if (spec.maxRetryAfter !== undefined) options.maxRetryAfter = spec.maxRetryAfter;
  if (spec.select !== undefined) options.select = spec.select;
  if (secrets?.cookie !== undefined) options.cookie = secrets.cookie;
  if (secrets?.proxy !== undefined) options.proxy = secrets.proxy;
  return options;
}

/** Lower-case names of the request headers whose values a stored result must not keep. */
export function secretHeaderNames(secrets: ScanSecrets): string[] {
  return [...defaultRedactedHeaders, ...secrets.headers.map(([name]) => name.toLowerCase())];
}

/** Whether the scan has anything to keep secret (then workers need the secrets record to scan). */
export function hasSecrets(secrets: ScanSecrets): boolean {
  return secrets.headers.length > 0 || secrets.cookie !== undefined || secrets.proxy !== undefined;
}

/**
 * A fingerprint of a scan's options, secrets included (salted with the scan id, so equal cookies of two scans
 * do not share a hash): resuming a scan with other options would mix two scans' results in one report.
 */
export function specFingerprint(scanId: string, spec: ScanSpec, secrets: ScanSecrets): string {
  return createHash('sha256')
    .update(scanId)
    .update('\0')
    .update(JSON.stringify(spec))
    .update('\0')
    .update(JSON.stringify(secrets))
    .digest('base64url')
    .slice(0, 22);
}
