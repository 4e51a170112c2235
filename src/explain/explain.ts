/**
 * `explainRequest`: run one `fetch()` through `corsight/browser` in every profile against real
 * answers, and turn the outcome into an explanation: each profile's verdict, Chromium's console
 * line, every step with pass or fail, the exchanges, warnings, and the smallest verified fix.
 */
import {
  simulateFetch,
  type AddressSpace,
  type CorsOutcome,
  type CorsRequest,
  type ProfileName,
  type SimulateOptions,
} from '../browser/index.js';
import { addressSpaceOfHost } from '../fetch/address-space.js';
import { byteLowercase, getHeader, splitHeaderValue, toHeaderList } from '../fetch/headers.js';
import { ExchangeBook } from './exchanges.js';
import type { PolicyConfig } from '../policy/types.js';
import { describeResponse, exposeFix, findFix } from './fix.js';
import { corsightFix } from './policy-fix.js';
import type { BrowserExchange, Explanation, ProfileVerdict, Sender } from './types.js';

/** Every profile, in the order they are listed after the chosen one. */
export const ALL_PROFILES: readonly ProfileName[] = ['chromium', 'firefox', 'safari', 'spec'];

/** Options of {@link explainRequest}. */
export interface ExplainOptions {
  /** Sends a request for real (network or in process). */
  sender: Sender;
  /** The profile of the main verdict; default `chromium`. */
  profile?: ProfileName;
  /** Send actual requests whose method is not GET/HEAD (otherwise their response is assumed). */
  send?: boolean;
  /**
   * While searching for the fix, send requests the browser itself did not send (the actual request
   * after a failed preflight, a later redirect hop ...) to check their responses too: GET/HEAD ones
   * always, others when `send` is true. `false`: send nothing new, assume instead (`corsight/testing`
   * uses it so an app under test only ever receives what a browser sends). Default true.
   */
  sendInFixSearch?: boolean;
  /** Response header names the page needs to read; the explanation says whether it can (`exposure`). */
  expose?: readonly string[];
  /**
   * The address space of the server of a URL, for Local Network Access (used when the request gives the
   * page's `addressSpace`; see `SimulateOptions.resolveAddressSpace`).
   */
  resolveAddressSpace?: (url: URL) => AddressSpace | undefined;
  /**
   * Warn when a page on a named host calls a loopback or private address without `addressSpace` (Local
   * Network Access may apply). Default true; `corsight/testing` turns it off, as its servers are on loopback
   * only because the test runs there.
   */
  addressSpaceHint?: boolean;
  /**
   * The server's corsight policy configuration (`explain --policy FILE`): the fix then names configuration
   * changes ("add `x-client-version` to `requestHeaders`"), checked against answers from the changed policy.
   * Without it, a `corsight-debug` header in the answers gives the first change.
   */
  policy?: PolicyConfig;
}

function simulateOptions(profile: ProfileName, options: ExplainOptions): SimulateOptions {
  return options.resolveAddressSpace === undefined
    ? { profile }
    : { profile, resolveAddressSpace: options.resolveAddressSpace };
}

function profileVerdict(profile: ProfileName, outcome: CorsOutcome): ProfileVerdict {
  const v: ProfileVerdict = { profile, allowed: outcome.allowed, preflighted: outcome.preflighted };
  if (outcome.error !== undefined) {
    v.code = outcome.error.code;
    v.parameter = outcome.error.parameter;
    v.message = outcome.error.message;
  }
  return v;
}

/** Names of an `Access-Control-Allow-Headers`-style value, lowercase. */
function listNames(value: string | null): string[] {
  return value === null
    ? []
    : splitHeaderValue(value)
        .map((s) => byteLowercase(s.trim()))
        .filter((s) => s !== '');
}

/** Things that pass today but a reader should know. */
export function warningsFor(
  request: CorsRequest,
  outcome: CorsOutcome,
  log: readonly BrowserExchange[],
  options: { addressSpaceHint?: boolean } = {},
): string[] {
  const warnings: string[] = [];
  const include = request.credentials === 'include';
  for (const e of log) {
    if (e.response === null) continue;
    const acao = getHeader(e.response.headers, 'access-control-allow-origin');
    const origin = getHeader(e.request.headers, 'origin');
    if (e.role === 'preflight') {
      const requested = listNames(getHeader(e.request.headers, 'access-control-request-headers'));
      const allowed = listNames(getHeader(e.response.headers, 'access-control-allow-headers'));
      if (
        requested.includes('authorization') &&
        !allowed.includes('authorization') &&
        allowed.includes('*') &&
        !include &&
        outcome.allowed
      ) {
        warnings.push(
          'Authorization passes only because `Access-Control-Allow-Headers: *` covers it in Chromium (which shows a DevTools issue for it), Firefox and Safari; the Fetch Standard does not. List `authorization` explicitly.',
        );
      }
    }
    if (outcome.allowed && acao === 'null' && origin === 'null') {
      warnings.push(
        `${describeResponse(e.role, e.request.method, e.request.url)} allows the origin \`null\`: every sandboxed iframe, data: and file: page can read it.`,
      );
    }
    if (outcome.allowed && e.role === 'actual' && acao !== null && acao !== '*' && origin !== null && acao === origin) {
      const vary = listNames(getHeader(e.response.headers, 'vary'));
      if (!vary.includes('origin') && !vary.includes('*')) {
        warnings.push(
          `${describeResponse(e.role, e.request.method, e.request.url)} echoes the origin in Access-Control-Allow-Origin without \`Vary: Origin\`: a shared cache may serve it to another origin.`,
        );
      }
    }
  }
  // A page on a public host calling a loopback or private IP (or localhost) meets Local Network Access in
  // Chromium 142+, which only a model told where the page is can judge.
  if (options.addressSpaceHint !== false && request.addressSpace === undefined && outcome.allowed) {
    const page = request.origin === 'null' ? null : addressSpaceOfHost(new URL(request.origin).hostname);
    const target = addressSpaceOfHost(new URL(request.url).hostname);
    if (page === undefined && target !== undefined && target !== 'public') {
      warnings.push(
        `The server is in the ${target} address space. If the page is served from a public address, Chromium 142+ blocks this request unless the user allows local network access (Local Network Access): check with --page-address-space public.`,
      );
    }
  }
  return [...new Set(warnings)];
}

/**
 * Hints from the answers themselves: a corsight policy in debug mode says why it refused
 * (`corsight-debug`), and a 403 preflight without CORS headers is usually a deliberate refusal by
 * CORS middleware, whose configuration (not a hand-added header) is the place to change.
 */
export function serverHints(exchanges: readonly BrowserExchange[]): string[] {
  const hints: string[] = [];
  for (const e of exchanges) {
    if (e.response === null || e.source !== 'network') continue;
    const debug = getHeader(e.response.headers, 'corsight-debug');
    if (debug !== null) {
      hints.push(
        `the server's corsight policy says (corsight-debug on ${describeResponse(e.role, e.request.method, e.request.url)}): ${debug}`,
      );
    }
    if (
      e.role === 'preflight' &&
      e.response.status === 403 &&
      getHeader(e.response.headers, 'access-control-allow-origin') === null
    ) {
      hints.push(
        `the preflight was refused with 403 and no CORS headers: CORS middleware usually does that on purpose; allow the origin, method or header in its configuration rather than adding headers by hand`,
      );
    }
  }
  return [...new Set(hints)];
}

function summarize(outcome: CorsOutcome, log: readonly BrowserExchange[], profile: ProfileName): string {
  if (outcome.allowed) {
    const r = outcome.response!;
    return (
      `Allowed in ${profile}: fetch() resolves with a ${r.type} response (status ${r.status})` +
      (outcome.preflighted ? ' after a successful preflight' : '') +
      `; script can read ${r.exposedHeaders.length === 0 ? 'no headers' : r.exposedHeaders.join(', ')}.`
    );
  }
  const e = outcome.error!;
  const last = log[log.length - 1];
  const where =
    last === undefined
      ? 'before anything was sent'
      : last.response === null
        ? `when sending ${last.request.method} ${last.request.url} (${last.error ?? 'no response'})`
        : `on ${describeResponse(last.role, last.request.method, last.request.url)}`;
  return `Blocked in ${profile}: ${e.code}${e.parameter === '' ? '' : ` (${e.parameter})`} ${where}; fetch() rejects with TypeError: Failed to fetch.`;
}

/**
 * Explain one cross-origin `fetch()`: send what a browser would send (through `options.sender`, at
 * most once per distinct request), judge the answers in all four profiles, and find the smallest
 * server-side fix. Throws the TypeError `fetch()` would throw for a malformed request.
 */
export async function explainRequest(request: CorsRequest, options: ExplainOptions): Promise<Explanation> {
  const chosen: ProfileName = options.profile ?? 'chromium';
  if (!ALL_PROFILES.includes(chosen)) {
    throw new TypeError(`Unknown profile '${String(chosen)}': expected one of ${ALL_PROFILES.join(', ')}.`);
  }
  const order: ProfileName[] = [chosen, ...ALL_PROFILES.filter((p) => p !== chosen)];
  const book = new ExchangeBook({ sender: options.sender, sendUnsafe: options.send === true });

  const runs: { profile: ProfileName; outcome: CorsOutcome; log: BrowserExchange[] }[] = [];
  for (const profile of order) {
    const log: BrowserExchange[] = [];
    const outcome = await simulateFetch(request, book.transport(log), simulateOptions(profile, options));
    runs.push({ profile, outcome, log });
  }
  const main = runs[0]!;
  const chromium = runs.find((r) => r.profile === 'chromium')!;
  book.frozen = options.sendInFixSearch === false;
  let fix = runs.every((r) => r.outcome.allowed)
    ? null
    : await findFix(request, book, order, options.resolveAddressSpace);
  // A corsight server writes its CORS headers itself: its fix is a configuration change, not headers.
  const failing = runs.find((r) => !r.outcome.allowed);
  const configured =
    fix === null || failing === undefined
      ? null
      : await corsightFix(
          request,
          {
            preflighted: failing.outcome.preflighted,
            log: failing.log,
            why: `${failing.outcome.error?.code ?? 'refused'}: ${failing.outcome.error?.message ?? ''}`,
          },
          book.exchanges,
          order,
          {
            ...(options.policy !== undefined && { policy: options.policy }),
            simulate: (p) => simulateOptions(p, options),
          },
        );
  if (configured !== null) fix = configured;
  const assumptions = [...new Set(book.assumed.flatMap((e) => (e.assumption === undefined ? [] : [e.assumption])))];
  if (fix !== null && configured === null) {
    fix.notes.push(...serverHints(book.exchanges));
    for (const step of fix.steps) {
      const assumed = book.assumed.some((e) => e.request.url === step.url && step.on === 'actual');
      if (assumed) {
        fix.notes.push(
          `${describeResponse(step.on, step.method, step.url)} was not fetched; check that it really carries what the fix says.`,
        );
      }
    }
  }
  // Several steps on one response would repeat the same note: each note once.
  if (fix !== null) fix.notes = [...new Set(fix.notes)];
  const explanation: Explanation = {
    request: {
      origin: request.origin,
      url: request.url,
      method: request.method ?? 'GET',
      credentials: request.credentials ?? 'same-origin',
      headers: toHeaderList(request.headers),
    },
    profile: chosen,
    allowed: main.outcome.allowed,
    preflighted: main.outcome.preflighted,
    summary: summarize(main.outcome, main.log, chosen),
    verdicts: runs.map((r) => profileVerdict(r.profile, r.outcome)),
    chromiumConsoleMessage: chromium.outcome.error?.message ?? null,
    steps: main.outcome.trace,
    exchanges: main.log,
    outcome: main.outcome,
    fix,
    warnings: warningsFor(request, main.outcome, main.log, { addressSpaceHint: options.addressSpaceHint !== false }),
    assumptions,
  };
  if (options.expose !== undefined && options.expose.length > 0) {
    const wanted = [...new Set(options.expose.map(byteLowercase))];
    const readable = main.outcome.response?.exposedHeaders ?? [];
    const missing = main.outcome.allowed ? wanted.filter((n) => !readable.includes(n)) : wanted;
    explanation.exposure = {
      wanted,
      readable,
      missing,
      fix: main.outcome.allowed && missing.length > 0 ? exposeFix(explanation, missing) : null,
    };
  }
  return explanation;
}
