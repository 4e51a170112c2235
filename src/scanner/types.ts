/**
 * The contract between the scanner's runtime (targets in, requests on the wire, reports out) and its
 * checks (which probes to send, what the answers mean). Data flows one way:
 * target -> checks ask for probes through `ProbeContext.send` -> exchanges -> findings -> reporters.
 * Reporters never re-run logic: a `Finding` carries everything a report needs.
 */
import type { HeaderList } from '../fetch/headers.js';
// A type-only import: the ids are written once, on the checks themselves, and listed in `checks/index.ts`.
import type { CheckId } from './checks/index.js';

/** A check's id, derived from the list of checks (`checks/index.ts`). */
export type { CheckId } from './checks/index.js';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const severities: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

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

/**
 * A target with the request the application really sends to it (`--har`, `--openapi`, `METHOD URL` and JSONL lines
 * of `--input`). A bare URL string is a target too: the run's method and headers.
 */
export interface TargetRequest {
  /** The absolute http(s) URL. */
  url: string;
  /** The application's method, normalized (GET when absent). */
  method?: string;
  /**
   * Headers the application sends to this URL, credentials included (Cookie, Authorization, custom auth headers),
   * never Origin, Host, Content-Length or hop-by-hop headers. Sent with every probe of the target.
   */
  headers?: HeaderList;
  /**
   * The CORS-preflight the browser sends before this request (https://fetch.spec.whatwg.org/#cors-preflight-fetch)
   * when it is not simple: the method and the CORS-unsafe request-header names it asks for. Absent for a simple
   * request, whose preflight probes keep the scanner's own.
   */
  preflight?: AppPreflight;
}

/** The method and CORS-unsafe header names (sorted, lower-case) a non-simple request's preflight asks for. */
export interface AppPreflight {
  method: string;
  headers: readonly string[];
}

/** What the scanner takes: a URL, or a URL with the application's own request. */
export type ScanTarget = string | TargetRequest;

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
  /**
   * The preflight the application's own request needs (a per-target request that is not simple): the preflight
   * probes ask for exactly this method and these headers instead of the scanner's generic ones.
   */
  readonly preflight?: AppPreflight;
  /** The baseline exchange, sent without an Origin header. */
  baseline(): Promise<Exchange>;
  /** Sends (or reuses) a probe. Rejects with a `ProbeError` when the target fails (timeout, reset, TLS...). */
  send(probe: ProbeRequest): Promise<Exchange>;
  /**
   * Sends (or reuses) a probe and resolves with what became of it; never rejects for the target's behaviour.
   * A 429 (or a 503 with Retry-After) is 'rate-limited', not an answer.
   */
  outcome(probe: ProbeRequest): Promise<ProbeOutcome>;
  /**
   * The target's context when this one is a check's view of it (the runtime gives each check a view that
   * notes the probes the check asks for). Work shared by several checks (the trust analysis) runs on it, so
   * its probes are not credited to whichever check happened to ask first.
   */
  readonly shared?: ProbeContext;
  /** Tells the runtime that the decision also relied on `probes`, asked through `shared` (e.g. by an analysis). */
  relied?(probes: readonly ProbeRequest[]): void;
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
  // What the judge (src/scanner/judge) adds after the scan: every field below is absent on a raw scan result.
  /** A stable identity of target + check + rule (independent of run order and time), for baselines and ignore files. */
  fingerprint?: string;
  /** `--policy`: true when the trust reported is what the declared policy allows (the severity is then info). */
  declared?: boolean;
  /** `--policy`: how the finding stands against the declared policy. */
  policy?: PolicyJudgement;
  /** `--baseline`: the finding was in the baseline report (it does not count for --fail-on). */
  baseline?: boolean;
  /** An ignore-file entry accepts this risk (reported, never dropped; it does not count for --fail-on). */
  suppressed?: Suppression;
  /** The same rule was already reported on another endpoint of this origin (the site view groups them). */
  siteWide?: SiteRepeat;
}

/** A finding judged against the declared policy (`scan --policy FILE`). */
export interface PolicyJudgement {
  /**
   * 'declared': the policy allows this trust (reported at info); 'drift': the server grants more than the policy
   * (full severity); 'broken-caller': the server refuses a caller the policy declares.
   */
  verdict: 'declared' | 'drift' | 'broken-caller';
  /** The policy entry concerned, e.g. `origins[1] https://*.example.com`, or `credentials false`. */
  entry: string;
  /** One or two sentences: the validator's advice on a declared choice, or what the server does beyond the entry. */
  advice: string;
  /** The severity the scanner assessed before the judgement (a declared finding is reported at info). */
  assessed: Severity;
}

/** Why a finding is suppressed: the ignore-file entry that accepts it. */
export interface Suppression {
  /** The `# reason` written on the entry. */
  reason: string;
  /** Where the entry is, e.g. `.corsightignore:3`. */
  entry: string;
}

/** A finding whose rule was first reported on another endpoint of the same origin. */
export interface SiteRepeat {
  /** The serialized origin of the endpoints. */
  origin: string;
  /** The endpoint where the rule was reported first (in input order). */
  first: string;
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

/**
 * What became of one probe. Checks decide only from `answered` probes; every other outcome leaves the checks
 * that needed the probe `inconclusive` (never "clear": a probe that got no answer proves nothing).
 */
export type ProbeOutcome =
  /** A response came back (any status but a rate limiter's 429/503). */
  | { kind: 'answered'; exchange: Exchange; attempts: number }
  /** No usable response: `reason` names what happened ("connection closed by host:port", "timeout after ..."). */
  | { kind: 'failed'; reason: string; attempts: number }
  /** The server kept answering 429 (or 503 with Retry-After) after the retries: it refused to be probed now. */
  | { kind: 'rate-limited'; reason: string; status: number; attempts: number; retryAfter?: string }
  /** Never sent (the target had already failed as a whole, or was cancelled). */
  | { kind: 'not-sent'; reason: string };

/** How a check ended on one target. */
export type CheckOutcome = 'finding' | 'clear' | 'inconclusive' | 'not-applicable';

/** One probe a check's decision relied on, and what became of it (an entry of the JSON report's `trace`). */
export interface ProbeTrace {
  /** The Origin sent; null when the probe sends none (the baseline). */
  origin: string | null;
  method: string;
  /** Access-Control-Request-Method of a preflight (two preflights from one origin differ only by it). */
  requestMethod?: string;
  outcome: 'answered' | 'failed' | 'rate-limited' | 'not-sent';
  /** The response status (answered and rate-limited). */
  status?: number;
  /** Why no answer came (every outcome but answered). */
  reason?: string;
}

/** One check's decision on one target. `reason` says why for 'inconclusive' and 'not-applicable'. */
export interface CheckDecision {
  id: CheckId;
  outcome: CheckOutcome;
  reason?: string;
}

/**
 * The probes the checks' decisions relied on. `trace` holds each such probe once, baseline first, then by origin,
 * method and asked method (code-unit order, so two runs against the same server give the same table); `byCheck`
 * gives, for each check, the indexes into `trace` of the probes its decision relied on, ascending. The JSON
 * reports print `trace` on the target and the indexes as each check's `probes`: a probe that decides ten checks is
 * written once, not ten times (a target with no findings: 3.4 KB of JSON, against 6.5 KB with a list per check).
 */
export interface CheckProbes {
  readonly trace: readonly ProbeTrace[];
  readonly byCheck: Readonly<Partial<Record<CheckId, readonly number[]>>>;
}

/** Probe counts of one target. `sent` counts distinct probes; retries are counted apart (and in `requests`). */
export interface ProbeCounts {
  /** Distinct probes the checks asked for that went on the wire. */
  sent: number;
  answered: number;
  /** Probes that got no usable answer (reset, closed, timeout, TLS, garbage). */
  failed: number;
  /** Probes refused by a rate limiter (429, or 503 with Retry-After) even after retrying. */
  rateLimited: number;
  /** Extra attempts made after a failure or a rate-limit answer. */
  retried: number;
}

/** What the target did to the scan itself, when it did something worth knowing. */
export interface TargetInterference {
  /**
   * Requests carrying an `Origin` failed while the same request without one was answered: a WAF or proxy
   * filters on Origin. The sentence names what happened to them.
   */
  originFiltered?: string;
  /** Rate limiting seen on this target: how many probes got 429/503 at least once, and how it ended. */
  rateLimited?: { probes: number; detail: string };
}

/** What a check reports for one target: its decision and the findings behind a 'finding'. */
export interface CheckReport {
  outcome: CheckOutcome;
  reason?: string;
  findings: Finding[];
}

/** A scanner check: one misconfiguration class, with its definition and the probes it sends. */
export interface Check {
  id: CheckId;
  title: string;
  /** A written definition of the class (shown by `--help`-style listings and in docs). */
  definition: string;
  /**
   * 'trust' checks decide which origins the server lets read; 'hygiene' checks grade headers that are wrong
   * without by themselves letting an attacker read (invalid values, missing Vary, `*` with credentials).
   */
  kind: 'trust' | 'hygiene';
  /** Whether `--confirm` may run its findings' PoCs in Chromium (a read the browser can show). */
  confirmable: boolean;
  run(ctx: ProbeContext): Promise<CheckReport>;
}

/**
 * The status of one target:
 * - 'ok': every check was decided (finding, clear or not applicable);
 * - 'partial': some checks are inconclusive (`reason` says why in one line); the findings made are reported;
 * - 'error': nothing could be scanned (`error` says why), e.g. the baseline request failed.
 */
export type TargetStatus = 'ok' | 'partial' | 'error';

export interface TargetResult {
  url: string;
  /** The application's method, for a target given with its own request (two methods on one URL are two targets). */
  method?: string;
  status: TargetStatus;
  /** Present when status is 'error': what failed, e.g. 'timeout after 10000 ms', 'ECONNRESET', 'TLS: self-signed'. */
  error?: string;
  /**
   * Present when status is 'partial': one line, e.g. "6 of 17 checks undecided: requests carrying Origin were
   * refused (connection closed)".
   */
  reason?: string;
  findings: Finding[];
  /** Every check's decision, in check order (empty when the target failed before any check ran). */
  checks: CheckDecision[];
  /** What became of the probes. */
  probes: ProbeCounts;
  /** Requests sent to this target, retries included. */
  requests: number;
  /** Redirect seen on the baseline but not followed (reported, never followed without --follow-redirects). */
  redirect?: { status: number; location: string };
  /** Origin filtering or rate limiting seen on this target. */
  interference?: TargetInterference;
}
