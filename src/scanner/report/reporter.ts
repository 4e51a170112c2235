import type {
  Check,
  CheckDecision,
  CheckProbes,
  Exchange,
  Finding,
  ProbeCounts,
  ProbeTrace,
  TargetInterference,
  TargetResult,
  TargetStatus,
} from '../types.js';

export type { TargetStatus } from '../types.js';
import type { Summary } from './summary.js';
import { count } from './terminal.js';

/**
 * What a report renders for one target: the scanner's result (its status, per-check decisions, probe counts
 * and interference), plus where it was scanned after redirects. Reports read only these fields.
 */
export type ReportedTarget = TargetResult & {
  /** The URL the checks ran against when --follow-redirects moved it. */
  finalUrl?: string;
  /** The probes the checks relied on (json and jsonl print the trace on the target, indexes in each check). */
  checkProbes?: CheckProbes;
};

/**
 * One line on why a partial target is partial, e.g. "6 of 17 checks undecided: requests carrying Origin were
 * refused (connection closed)": the most frequent reason among the undecided checks. Undefined unless partial.
 */
export function describeUndecided(result: ReportedTarget): string | undefined {
  if (result.status !== 'partial') return undefined;
  // The scanner's own line names the cause it saw (Origin filtered, rate limited) when it has one.
  if (result.reason !== undefined) return result.reason;
  const checks = result.checks;
  const open = checks.filter((check) => check.outcome === 'inconclusive');
  const reasons = new Map<string, number>();
  for (const check of open) {
    const reason = check.reason ?? 'no reason recorded';
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  // Most frequent first; ties keep the checks' order (Map insertion order, and sort is stable).
  const ranked = [...reasons.entries()].sort((a, b) => b[1] - a[1]);
  let reason = ranked[0]?.[0] ?? result.error ?? 'some checks could not be decided';
  if (ranked.length > 1) reason += ` (and ${count(ranked.length - 1, 'other reason')})`;
  if (open.length === 0) return reason;
  return `${open.length} of ${count(checks.length, 'check')} undecided: ${reason}`;
}

/** Options every format accepts. */
export interface ReportOptions {
  /**
   * Lower-case request header names whose values are replaced by `[redacted]` in evidence (default
   * `defaultRedactedHeaders`; the CLI adds the names given with --header). An empty list shows everything.
   * A `Set` (of lower-case names) is used as given, so names found while the input streams in (the headers of a
   * JSONL target list) are redacted in every result that follows.
   */
  redact?: readonly string[] | ReadonlySet<string>;
}

/** The redaction set of the options. */
export function redactionSet(options: ReportOptions = {}): ReadonlySet<string> {
  const redact = options.redact ?? defaultRedactedHeaders;
  if (!Array.isArray(redact)) return redact as ReadonlySet<string>;
  return new Set(redact.map((name: string) => name.toLowerCase()));
}

/** What every report knows before the first result. */
export interface ReportMeta {
  tool: string;
  version: string;
  startedAt: Date;
  /** The checks the run uses (SARIF lists them as rules). */
  checks: readonly Check[];
  /** A `--baseline` was given: every finding not marked `baseline` is new since it (SARIF says which). */
  baseline?: boolean;
}

/**
 * A report format. Each method returns the text to append to the output, so a report streams: a run never
 * holds more than the results in flight, whatever the format (JSON and SARIF write their arrays element by
 * element). Reporters only format; every judgement is already in the `Finding`.
 */
export interface Reporter {
  begin(meta: ReportMeta): string;
  target(result: ReportedTarget): string;
  end(summary: Summary, finishedAt: Date): string;
}

/** The JSON form of a finding: the contract's fields in a fixed order. */
export interface JsonFinding {
  check: Finding['check'];
  severity: Finding['severity'];
  title: string;
  detail: string;
  attackerOrigin: string;
  via: Finding['via'];
  rule: string;
  evidence: Finding['evidence'];
  poc: string;
  remediation?: string;
  /** Present after `--confirm` attempted the finding in Chromium (a copy of `confirmation.confirmed`). */
  confirmed?: boolean;
  confirmation?: Finding['confirmation'];
  /** The judge's marks (src/scanner/judge), each present only when set. */
  fingerprint?: string;
  declared?: boolean;
  policy?: Finding['policy'];
  baseline?: boolean;
  suppressed?: Finding['suppressed'];
  siteWide?: Finding['siteWide'];
}

/** The target as reports title it: `METHOD URL` for a target with its own request, else the URL. */
export function targetLabel(result: Pick<ReportedTarget, 'url' | 'method'>): string {
  return result.method === undefined ? result.url : `${result.method} ${result.url}`;
}

/** The JSON form of a target result (`json` and `jsonl` formats). */
export interface JsonTarget {
  url: string;
  /** The application's method, for a target given with its own request (--har, --openapi, METHOD URL lines). */
  method?: string;
  status: TargetStatus;
  error?: string;
  /** For a partial target: why some checks are undecided, in one line (as the text report shows it). */
  reason?: string;
  finalUrl?: string;
  redirect?: TargetResult['redirect'];
  requests: number;
  probes: ProbeCounts;
  /** Origin filtering or rate limiting seen on the target. */
  interference?: TargetInterference;
  /**
   * Every check's decision, in the run's check order, with whatever the scanner recorded for it; `probes` are the
   * indexes into `trace` of the probes the decision relied on.
   */
  checks: (CheckDecision & { probes?: readonly number[] })[];
  /** Each probe the checks relied on, once, with what became of it (see `CheckProbes`). */
  trace?: readonly ProbeTrace[];
  findings: JsonFinding[];
}

/**
 * Request headers whose values are the user's own secrets (`--cookie`, `Authorization`...): reports replace
 * their values so a report pasted into a ticket does not carry the session it was made with. The response
 * side is never redacted: it is the evidence.
 */
export const defaultRedactedHeaders: readonly string[] = ['cookie', 'authorization', 'proxy-authorization'];

/** The placeholder written instead of a redacted value. */
export const redacted = '[redacted]';

/** The exchange with the values of `redact` (lower-case names) request headers replaced by `[redacted]`. */
export function redactExchange(exchange: Exchange, redact: ReadonlySet<string>): Exchange {
  if (redact.size === 0 || !exchange.request.headers.some(([name]) => redact.has(name.toLowerCase()))) return exchange;
  return {
    request: {
      ...exchange.request,
      headers: exchange.request.headers.map(([name, value]) => [
        name,
        redact.has(name.toLowerCase()) ? redacted : value,
      ]),
    },
    response: exchange.response,
  };
}

/** Maps a result to its JSON form (fixed key order, runtime-internal fields dropped, secrets redacted). */
export function jsonTarget(
  result: ReportedTarget,
  redact: ReadonlySet<string> = new Set(defaultRedactedHeaders),
): JsonTarget {
  const target: Omit<JsonTarget, 'checks' | 'findings'> = {
    url: result.url,
    ...(result.method === undefined ? {} : { method: result.method }),
    status: result.status,
    requests: result.requests,
    probes: { ...result.probes },
  };
  if (result.error !== undefined) target.error = result.error;
  const reason = describeUndecided(result);
  if (reason !== undefined) target.reason = reason;
  if (result.finalUrl !== undefined) target.finalUrl = result.finalUrl;
  if (result.redirect !== undefined) target.redirect = result.redirect;
  if (result.interference !== undefined) target.interference = structuredClone(result.interference);

  // The long arrays last, after the short fields a reader scans first; each check's decision with the indexes of
  // the probes it relied on into `trace` (kept apart on the result so the other formats and the `TargetResult`
  // contract stay as they were; never modified after the scan, so printed as they are).
  const probes = result.checkProbes;
  return {
    ...target,
    checks: result.checks.map((check) => jsonDecision(check, probes?.byCheck[check.id])),
    ...(probes === undefined ? {} : { trace: probes.trace }),
    findings: result.findings.map((finding) => jsonFinding(finding, redact)),
  };
}

/** A check's decision with the indexes of its probes, its fields copied by name (a spread per check cost more). */
function jsonDecision(check: CheckDecision, probes: readonly number[] | undefined): JsonTarget['checks'][number] {
  const json: JsonTarget['checks'][number] = { id: check.id, outcome: check.outcome };
  if (check.reason !== undefined) json.reason = check.reason;
  if (probes !== undefined) json.probes = probes;
  return json;
}

function jsonFinding(finding: Finding, redact: ReadonlySet<string>): JsonFinding {
  const json: JsonFinding = {
    check: finding.check,
    severity: finding.severity,
    title: finding.title,
    detail: finding.detail,
    attackerOrigin: finding.attackerOrigin,
    via: finding.via,
    rule: finding.rule,
    evidence: redactExchange(finding.evidence, redact),
    poc: finding.poc,
  };
  if (finding.remediation !== undefined) json.remediation = finding.remediation;
  if (finding.confirmation !== undefined) {
    json.confirmed = finding.confirmation.confirmed;
    json.confirmation = finding.confirmation;
  }
  if (finding.fingerprint !== undefined) json.fingerprint = finding.fingerprint;
  if (finding.declared !== undefined) json.declared = finding.declared;
  if (finding.policy !== undefined) json.policy = { ...finding.policy };
  if (finding.baseline !== undefined) json.baseline = finding.baseline;
  if (finding.suppressed !== undefined) json.suppressed = { ...finding.suppressed };
  if (finding.siteWide !== undefined) json.siteWide = { ...finding.siteWide };
  return json;
}

/** One line on a `--confirm` outcome, e.g. "confirmed in Chromium: read 200 ..." (shared by the text formats). */
export function describeConfirmation(confirmation: NonNullable<Finding['confirmation']>): string {
  const head = confirmation.confirmed ? 'confirmed in Chromium' : 'not confirmed in Chromium';
  return `${head}: ${confirmation.detail}${confirmation.corsError === undefined ? '' : ` (console: ${confirmation.corsError})`}`;
}

/** Response headers that matter to CORS, for compact evidence lines. */
export function corsHeaders(headers: readonly (readonly [string, string])[]): [string, string][] {
  return headers
    .filter(([name]) =>
      /^(access-control-|vary$|cache-control$|age$|set-cookie$|location$|strict-transport-security$)/i.test(name),
    )
    .map(([name, value]) => [name, value]);
}
