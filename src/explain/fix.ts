/**
 * The smallest server-side fix. For the error a profile reports, {@link nextFixStep} proposes one
 * change to the response that failed (which header, which value, on the preflight or the actual
 * response); {@link findFix} applies it to the recorded responses, runs the engine again in every
 * profile, and repeats until the request passes everywhere or a failure is left that the server
 * cannot fix. So every fix corsight prints has been checked by the same model that found the error.
 */
import {
  simulateFetch,
  type CorsOutcome,
  type CorsRequest,
  type ProfileName,
  type SimulateOptions,
} from '../browser/index.js';

type ResolveAddressSpace = NonNullable<SimulateOptions['resolveAddressSpace']>;
import { byteLowercase, getHeader, isToken, nameEquals, splitHeaderValue } from '../fetch/headers.js';
import { isCorsSafelistedMethod } from '../fetch/methods.js';
import { combinedHeader, type ExchangeBook } from './exchanges.js';
import type { BrowserExchange, Explanation, Fix, FixStep, ResponseRole } from './types.js';

/** How a response is named in fix text. */
export function describeResponse(role: ResponseRole, method: string, url: string): string {
  return role === 'preflight' ? `the preflight (OPTIONS) response of ${url}` : `the ${method} response of ${url}`;
}

function items(value: string | null): string[] {
  if (value === null) return [];
  return splitHeaderValue(value)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function headerStep(
  failing: BrowserExchange,
  method: string,
  header: string,
  value: string,
  why: string,
  verb?: string,
  reason?: string,
): FixStep {
  const previous = combinedHeader(failing.response, header);
  const where = describeResponse(failing.role, method, failing.request.url);
  const lines = failing.response === null ? 0 : failing.response.headers.filter(([n]) => nameEquals(n, header)).length;
  let text: string;
  if (verb !== undefined) text = `${verb} (send \`${header}: ${value}\`) on ${where}`;
  else if (previous === null) text = `add \`${header}: ${value}\` to ${where}`;
  else if (lines > 1) {
    text = `send one \`${header}: ${value}\` line instead of the ${lines} lines (\`${previous}\`) on ${where}`;
  } else text = `change \`${header}: ${previous}\` to \`${header}: ${value}\` on ${where}`;
  if (reason !== undefined) text += ` (${reason})`;
  return {
    action: 'set-header',
    on: failing.role,
    method,
    url: failing.request.url,
    header,
    value,
    previous,
    text,
    why,
  };
}

function clientStep(failing: BrowserExchange | undefined, request: CorsRequest, text: string, why: string): FixStep {
  return {
    action: 'client',
    on: failing?.role ?? 'actual',
    method: failing?.request.method ?? request.method ?? 'GET',
    url: failing?.request.url ?? request.url,
    text,
    why,
  };
}

/**
 * The one change that gets past the failure in `outcome`. `log` holds the run's exchanges (the last
 * one is the response that failed). Returns a `client` step when the server cannot fix it.
 */
export function nextFixStep(
  outcome: CorsOutcome,
  log: readonly BrowserExchange[],
  request: CorsRequest,
): FixStep | null {
  const error = outcome.error;
  if (outcome.allowed || error === undefined) return null;
  const failing = log[log.length - 1];
  const fixes = `${error.code}${error.parameter === '' ? '' : ` (${error.parameter})`}`;
  const why = `${fixes}: ${error.message}`;
  if (error.code === 'NetworkError') return clientStep(failing, request, networkAdvice(error.parameter, failing), why);
  const pageSide = PAGE_SIDE[error.code];
  if (pageSide !== undefined) return clientStep(failing, request, pageSide, why);
  if (failing === undefined) {
    return clientStep(undefined, request, 'change the request: the browser rejects it before sending anything', why);
  }
  const method = failing.role === 'preflight' ? 'OPTIONS' : failing.request.method;
  const origin = getHeader(failing.request.headers, 'origin') ?? request.origin;
  const include = request.credentials === 'include';
  const res = failing.response;
  const code =
    error.code.startsWith('Preflight') &&
    error.code !== 'PreflightInvalidStatus' &&
    error.code !== 'PreflightDisallowedRedirect'
      ? error.code.slice('Preflight'.length)
      : error.code;

  switch (code) {
    case 'MissingAllowOriginHeader':
    case 'AllowOriginMismatch':
    case 'InvalidAllowOriginValue':
    case 'MultipleAllowOriginValues':
      return headerStep(failing, method, 'Access-Control-Allow-Origin', origin, why);
    case 'WildcardOriginNotAllowed':
      return headerStep(
        failing,
        method,
        'Access-Control-Allow-Origin',
        origin,
        why,
        `replace the wildcard \`*\` with the requesting origin \`${origin}\``,
        'a credentialed request needs the exact origin',
      );
    case 'InvalidAllowCredentials':
      return headerStep(failing, method, 'Access-Control-Allow-Credentials', 'true', why);
    case 'PreflightInvalidStatus':
      return {
        action: 'set-status',
        on: 'preflight',
        method: 'OPTIONS',
        url: failing.request.url,
        status: 204,
        previous: String(res?.status ?? ''),
        text: `answer the preflight (OPTIONS ${failing.request.url}) with a 2xx status such as 204 instead of ${res?.status ?? 'its current status'}`,
        why,
      };
    case 'PreflightDisallowedRedirect': {
      const location = res === null ? null : getHeader(res.headers, 'location');
      return {
        action: 'no-redirect',
        on: 'preflight',
        method: 'OPTIONS',
        url: failing.request.url,
        previous: location,
        text:
          `don't redirect the preflight: answer OPTIONS ${failing.request.url} itself with a 2xx and the CORS headers instead of ${res?.status ?? ''} to ${location ?? '(no Location)'}` +
          ' (or have the page request the final URL directly)',
        why,
      };
    }
    case 'InvalidAllowMethodsPreflightResponse':
    case 'MethodDisallowedByPreflightResponse': {
      const listed = items(combinedHeader(res, 'access-control-allow-methods')).filter(isToken);
      const wanted =
        code === 'MethodDisallowedByPreflightResponse'
          ? error.parameter
          : (getHeader(failing.request.headers, 'access-control-request-method') ?? 'GET');
      const keep = listed.filter((m) => !(include && m === '*'));
      // GET, HEAD and POST pass without being listed (the method check of
      // https://fetch.spec.whatwg.org/#cors-preflight-fetch); other methods must appear byte for byte.
      if (!keep.includes(wanted) && !isCorsSafelistedMethod(wanted)) keep.push(wanted);
      const value = keep.join(', ');
      let verb = `add \`${wanted}\` to \`Access-Control-Allow-Methods\``;
      let reason: string | undefined;
      if (code === 'InvalidAllowMethodsPreflightResponse') {
        verb = 'send a comma-separated list of method tokens in `Access-Control-Allow-Methods`';
      } else if (listed.includes('*') && include) {
        verb = `list \`${wanted}\` in \`Access-Control-Allow-Methods\``;
        reason = '`*` is a literal method name when credentials are included';
      } else if (listed.some((m) => m.toUpperCase() === wanted.toUpperCase())) {
        verb = `list \`${wanted}\` in \`Access-Control-Allow-Methods\` with this exact case`;
        reason = 'methods are compared case-sensitively';
      }
      return headerStep(failing, method, 'Access-Control-Allow-Methods', value, why, verb, reason);
    }
    case 'InvalidAllowHeadersPreflightResponse':
    case 'HeaderDisallowedByPreflightResponse': {
      const listed = items(combinedHeader(res, 'access-control-allow-headers')).filter(isToken);
      const lower = listed.map(byteLowercase);
      const wildcard = !include && lower.includes('*');
      const requested = items(getHeader(failing.request.headers, 'access-control-request-headers')).map(byteLowercase);
      const keep = listed.filter((h) => !(include && h === '*'));
      const added: string[] = [];
      for (const name of requested) {
        if (lower.includes(name)) continue;
        // `*` covers every name but Authorization in the Fetch Standard (Chromium lets it cover
        // Authorization too, with a DevTools warning); list Authorization explicitly to be portable.
        if (wildcard && name !== 'authorization') continue;
        keep.push(name);
        added.push(name);
      }
      if (added.length === 0 && code === 'HeaderDisallowedByPreflightResponse') {
        keep.push(error.parameter);
        added.push(error.parameter);
      }
      const value = keep.join(', ');
      const names = added.map((a) => `\`${a}\``).join(', ');
      let verb = `add ${names} to \`Access-Control-Allow-Headers\``;
      let reason: string | undefined;
      if (code === 'InvalidAllowHeadersPreflightResponse') {
        verb = 'send a comma-separated list of header-name tokens in `Access-Control-Allow-Headers`';
      } else if (added.includes('authorization') && lower.includes('*') && !include) {
        verb = `list ${names} explicitly in \`Access-Control-Allow-Headers\``;
        reason = 'the wildcard `*` does not cover Authorization in the Fetch Standard';
      } else if (lower.includes('*') && include) {
        verb = `list ${names} in \`Access-Control-Allow-Headers\``;
        reason = '`*` is a literal name when credentials are included';
      }
      return headerStep(failing, method, 'Access-Control-Allow-Headers', value, why, verb, reason);
    }
    case 'RedirectContainsCredentials': {
      const location = res === null ? null : getHeader(res.headers, 'location');
      if (location === null) {
        return clientStep(failing, request, 'remove the username and password from the redirect Location', why);
      }
      let clean = location;
      try {
        const u = new URL(location, failing.request.url);
        u.username = '';
        u.password = '';
        clean = u.href;
      } catch {
        clean = location.replace(/\/\/[^/@]*@/, '//');
      }
      return headerStep(
        failing,
        method,
        'Location',
        clean,
        why,
        'remove the username and password from the redirect `Location`',
      );
    }
    default:
      return clientStep(
        failing,
        request,
        `nothing on the server fixes ${error.code}: the page's request must change`,
        why,
      );
  }
}

/** Errors that only the page can fix, and what it must change. */
const PAGE_SIDE: Partial<Record<string, string>> = {
  DisallowedByMode: "the page must not use mode 'same-origin' for a cross-origin URL (use the default mode 'cors')",
  NoCorsRedirectModeNotFollow: "a no-cors request must use redirect 'follow'",
  CorsDisabledScheme: 'fetch an http: or https: URL: other schemes do not support CORS',
  InsecureLocalNetwork: 'serve the page from a secure context (https:) to reach a more private address space',
  LocalNetworkAccessPermissionDenied: 'the user must grant the local network access permission',
  InvalidLocalNetworkAccess: "the fetch() option targetAddressSpace must match the resource's address space",
};

function networkAdvice(parameter: string, failing: BrowserExchange | undefined): string {
  if (parameter === 'mixed-content') return 'serve the resource over https: (an https: page cannot fetch an http: URL)';
  if (parameter === 'net::ERR_TOO_MANY_REDIRECTS') {
    return 'break the redirect loop (a browser follows at most 20 redirects)';
  }
  if (failing?.error !== undefined) return `make the server reachable: ${failing.error}`;
  return `fix the network error ${parameter} (not a CORS header problem)`;
}

/** The result of running the engine on patched responses in one profile. */
interface Run {
  profile: ProfileName;
  outcome: CorsOutcome;
  log: BrowserExchange[];
}

async function runAll(
  request: CorsRequest,
  book: ExchangeBook,
  profiles: readonly ProfileName[],
  steps: readonly FixStep[],
  resolveAddressSpace?: ResolveAddressSpace,
): Promise<Run[]> {
  const runs: Run[] = [];
  for (const profile of profiles) {
    const log: BrowserExchange[] = [];
    const outcome = await simulateFetch(
      request,
      book.transport(log, steps),
      resolveAddressSpace === undefined ? { profile } : { profile, resolveAddressSpace },
    );
    runs.push({ profile, outcome, log });
  }
  return runs;
}

/** At most this many changes are proposed; a fix longer than that would not be the smallest one. */
const MAX_STEPS = 12;

/**
 * Find the smallest set of server-side changes that makes `request` pass in every profile of
 * `profiles` (the first is fixed first), by applying one {@link nextFixStep} at a time to the
 * responses in `book` and re-running the engine. Returns null when every profile already passes.
 */
export async function findFix(
  request: CorsRequest,
  book: ExchangeBook,
  profiles: readonly ProfileName[],
  resolveAddressSpace?: ResolveAddressSpace,
): Promise<Fix | null> {
  const steps: FixStep[] = [];
  const notes: string[] = [];
  for (let round = 0; round <= MAX_STEPS; round++) {
    const runs = await runAll(request, book, profiles, steps, resolveAddressSpace);
    const failing = runs.find((r) => !r.outcome.allowed);
    const passes = runs.filter((r) => r.outcome.allowed).map((r) => r.profile);
    if (failing === undefined) {
      if (round === 0) return null;
      return { steps, verified: true, passes, notes: [...notes, ...securityNotes(steps, request)] };
    }
    const step = round === MAX_STEPS ? null : nextFixStep(failing.outcome, failing.log, request);
    if (step === null) return { steps, verified: false, passes, notes };
    if (step.action === 'client') {
      steps.push(step);
      return { steps, verified: false, passes, notes };
    }
    // A later change to the same header of the same response replaces the earlier one.
    const same = steps.findIndex(
      (s) =>
        s.on === step.on &&
        s.url === step.url &&
        s.action === step.action &&
        (s.header === undefined || nameEquals(s.header, step.header ?? '')),
    );
    if (same >= 0) {
      const prev = steps[same]!;
      if (prev.value === step.value && prev.status === step.status) {
        // The same change again did not help: stop rather than loop.
        notes.push(
          `applying "${step.text}" did not get past ${failing.outcome.error?.code ?? 'the failure'} in ${failing.profile}`,
        );
        return { steps, verified: false, passes, notes };
      }
      steps[same] = { ...step, previous: prev.previous ?? null, text: rewordReplaced(step, prev) };
    } else {
      steps.push(step);
    }
  }
  return { steps, verified: false, passes: [], notes };
}

function rewordReplaced(step: FixStep, prev: FixStep): string {
  if (step.action !== 'set-header' || prev.previous === undefined) return step.text;
  const where = describeResponse(step.on, step.method, step.url);
  return prev.previous === null
    ? `add \`${step.header}: ${step.value}\` to ${where}`
    : `change \`${step.header}: ${prev.previous}\` to \`${step.header}: ${step.value}\` on ${where}`;
}

function securityNotes(steps: readonly FixStep[], request: CorsRequest): string[] {
  const notes: string[] = [];
  if (steps.some((s) => s.header === 'Access-Control-Allow-Origin' && s.value === 'null')) {
    notes.push(
      request.origin === 'null'
        ? 'Allowing the origin `null` lets every sandboxed iframe, data: and file: page read the response, not just yours; give the page a real origin (e.g. serve it over http(s), or sandbox it with allow-same-origin) instead when you can.'
        : "Allowing the origin `null` lets every sandboxed iframe, data: and file: page read the response; the request's origin became `null` because of a cross-origin redirect — prefer requesting the final URL directly so the real origin is sent.",
    );
  }
  if (steps.some((s) => s.header === 'Access-Control-Allow-Origin' && s.value !== '*' && s.value !== 'null')) {
    notes.push(
      'When the server picks Access-Control-Allow-Origin per request, also send `Vary: Origin` so caches keep the answers apart.',
    );
  }
  return notes;
}

/**
 * The change that lets script read `missing`: list them in `Access-Control-Expose-Headers` on the
 * final response (a response header the server does not send cannot be exposed at all).
 */
export function exposeFix(x: Pick<Explanation, 'exchanges' | 'request'>, missing: readonly string[]): string {
  const last = [...x.exchanges].reverse().find((e) => e.role === 'actual' && e.response !== null);
  if (last === undefined || last.response === null) {
    return `list ${missing.join(', ')} in Access-Control-Expose-Headers`;
  }
  const present = new Set(last.response.headers.map(([n]) => n.toLowerCase()));
  const absent = missing.filter((n) => !present.has(n));
  const current = combinedHeader(last.response, 'access-control-expose-headers');
  const listed =
    current === null
      ? []
      : current
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '' && !(v === '*' && x.request.credentials === 'include'));
  const value = [...listed, ...missing.filter((n) => !listed.map((l) => l.toLowerCase()).includes(n))].join(', ');
  const where = `the ${last.request.method} response of ${last.request.url}`;
  let text =
    current === null
      ? `add \`Access-Control-Expose-Headers: ${value}\` to ${where}`
      : `change \`Access-Control-Expose-Headers: ${current}\` to \`Access-Control-Expose-Headers: ${value}\` on ${where}`;
  if (current !== null && current.split(',').some((v) => v.trim() === '*') && x.request.credentials === 'include') {
    text += ' (`*` exposes nothing extra when credentials are included)';
  }
  if (absent.length > 0) text += `; the response does not send ${absent.join(', ')} at all`;
  return text;
}
