/**
 * The contract between the scanner's runtime (targets in, requests on the wire, reports out) and its
 * checks (which probes to send, what the answers mean). Data flows one way:
 * target -> checks ask for probes through `ProbeContext.send` -> exchanges -> findings -> reporters.
 * Reporters never re-run logic: a `Finding` carries everything a report needs.
 */
import type { HeaderList } from '../fetch/headers.js';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const severities: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export type CheckId =
  | 'origin-reflected'
  | 'null-origin-trusted'
  | 'prefix-match'
  | 'suffix-match'
  | 'substring-match'
  | 'unescaped-dot'
  | 'special-char-bypass'
  | 'insecure-origin-trusted'
  | 'any-subdomain-trusted'
  | 'third-party-origin-trusted'
  | 'localhost-trusted'
  | 'wildcard-origin'
  | 'wildcard-with-credentials'
  | 'invalid-acao'
  | 'missing-vary-origin'
  | 'private-network-access'
  | 'permissive-preflight';

/** A header list as it goes on the wire: names as sent, repeated names kept, order kept (Fetch's own). */
export type { HeaderList } from '../fetch/headers.js';

/** One request the scanner sends. `origin: null` sends no Origin header; the string 'null' sends `Origin: null`. */
export interface ProbeRequest {
  method: string;
  /** Serialized origin to send, or null for no Origin header. */
  origin: string | null;
  /** Extra request headers (e.g. Access-Control-Request-Method / -Headers for a preflight). */
  headers?: HeaderList;
}

/** What came back: status and raw header lines; the body is read only up to a small cap. */
export interface ProbeResponse {
  status: number;
  headers: HeaderList;
  /** At most the first few KiB of the body, decoded as UTF-8 (for evidence only). */
  bodySnippet: string;
}

/** One request and its answer, exactly as sent and received (the target's own headers, cookies included). */
export interface Exchange {
  request: { method: string; url: string; headers: HeaderList };
  response: ProbeResponse;
}

/** What a check gets for one target. The runtime de-duplicates identical probes across checks. */
export interface ProbeContext {
  /** The target URL as given (after redirects are resolved when --follow-redirects allows it). */
  readonly url: URL;
  /** Origins the owner says it trusts (`--origin`), serialized. */
  readonly trustedOrigins: readonly string[];
  /** Method for simple probes (`--method`, default GET). */
  readonly method: string;
  /** Whether the user supplied cookies or an Authorization header (the request would be credentialed). */
  readonly hasCredentials: boolean;
  /** The baseline exchange, sent without an Origin header. */
  baseline(): Promise<Exchange>;
  /** Sends (or reuses) a probe. Rejects with a `ProbeError` when the target fails (timeout, reset, TLS...). */
  send(probe: ProbeRequest): Promise<Exchange>;
}

export interface Finding {
  check: CheckId;
  severity: Severity;
  title: string;
  /** What is wrong and what an attacker gets, in a sentence or two, including any downgrade reason. */
  detail: string;
  /** One concrete origin an attacker could own that the server trusts ('null' for the opaque origin). */
  attackerOrigin: string;
  via: 'simple' | 'preflight';
  /** The rule the server appears to apply, e.g. "accepts any origin ending in `target.tld`, over http or https". */
  rule: string;
  evidence: Exchange;
  /** A self-contained HTML page that performs the cross-origin read from the attacker origin. */
  poc: string;
  /** How to fix it, one or two sentences. */
  remediation?: string;
  /**
   * What the browser model says the attacker's page gets (absent for hygiene findings that grade
   * themselves). `--confirm` attempts only 'read' and 'credentialed-read'.
   */
  access?: 'credentialed-read' | 'credentialed-send' | 'read' | 'send' | 'none';
  /** Set by `corsight scan --confirm`: what headless Chromium did with the PoC. */
  confirmation?: Confirmation;
}

/** The outcome of running a finding's PoC in headless Chromium from the attacker origin (`--confirm`). */
export interface Confirmation {
  /** True when the page read the target's response, as the browser model predicted. */
  confirmed: boolean;
  /** What the page reported, e.g. "read 200 from the target (1234 bytes)" or "blocked: TypeError: Failed to fetch". */
  detail: string;
  /** The CORS error Chromium printed to the console, when it blocked the read. */
  corsError?: string;
}

/** A scanner check: one misconfiguration class, with its definition and the probes it sends. */
export interface Check {
  id: CheckId;
  title: string;
  /** A written definition of the class (shown by `--help`-style listings and in docs). */
  definition: string;
  run(ctx: ProbeContext): Promise<Finding[]>;
}

export interface TargetResult {
  url: string;
  status: 'ok' | 'error';
  /** Present when status is 'error': what failed, e.g. 'timeout after 10000 ms', 'ECONNRESET', 'TLS: self-signed'. */
  error?: string;
  findings: Finding[];
  /** Requests sent to this target. */
  requests: number;
  /** Redirect seen on the baseline but not followed (reported, never followed without --follow-redirects). */
  redirect?: { status: number; location: string };
}
