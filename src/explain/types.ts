/**
 * Public types of `corsight explain` and the `corsight/testing` helpers: what was exchanged with the
 * server, the verdict of each browser profile, and the smallest server-side change that makes the
 * request pass.
 */
import type {
  CorsOutcome,
  CorsRequest,
  ProfileName,
  TraceStep,
  Transport,
  TransportResponse,
  WireRequest,
} from '../browser/index.js';

/** Which response a request/response pair is: the CORS preflight (`OPTIONS`) or a response to the request itself (redirect hops included). */
export type ResponseRole = 'preflight' | 'actual';

/**
 * Sends one request for real (over the network or in process) and returns the answer: a browser
 * {@link Transport} that reaches the server. It throws when nothing usable came back (connection
 * refused, timeout ...); the message is shown.
 */
export type Sender = Transport;

/** Where an exchange's response came from. */
export type ExchangeSource =
  /** The server answered this exact request. */
  | 'network'
  /**
   * The request was not sent (a non-GET/HEAD actual request without `--send`) and the response was
   * assumed; {@link BrowserExchange.assumption} says how.
   */
  | 'assumed';

/**
 * One request that the simulated browser made, and the answer it got (the scanner's `Exchange` is a probe
 * and its answer; this one carries the browser's role for it and where the answer came from).
 */
export interface BrowserExchange {
  role: ResponseRole;
  request: WireRequest;
  /** The answer; null when sending failed ({@link BrowserExchange.error}). */
  response: TransportResponse | null;
  source: ExchangeSource;
  /** Why sending failed. */
  error?: string;
  /** For `assumed` responses: what was assumed and why. */
  assumption?: string;
}

/** One profile's verdict. */
export interface ProfileVerdict {
  profile: ProfileName;
  allowed: boolean;
  preflighted: boolean;
  /** CDP `Network.CorsError` name, or `NetworkError`. */
  code?: string;
  /** CDP `failedParameter` (or the `net::ERR_*` name for network errors). */
  parameter?: string;
  /** The console text of the failure. */
  message?: string;
}

/** What kind of change a fix step asks for. */
export type FixAction =
  /** Send the header with this value (replacing every line of it). */
  | 'set-header'
  /** Answer with this status instead. */
  | 'set-status'
  /** Answer the preflight itself instead of redirecting it. */
  | 'no-redirect'
  /** Nothing the server can do: the page must change (request mode, URL ...). */
  | 'client'
  /** Change the server's corsight policy configuration (it writes the CORS headers itself). */
  | 'configure';

/** One server-side change. */
export interface FixStep {
  action: FixAction;
  /** Which response must change. */
  on: ResponseRole;
  /** The request that response answers. */
  method: string;
  url: string;
  /** For `set-header`: the header name, as it should be sent. */
  header?: string;
  /** For `set-header`: the full value to send. */
  value?: string;
  /** For `set-header`: the value the response has now (all lines joined by `, `), null if absent. */
  previous?: string | null;
  /** For `set-status`: the status to send. */
  status?: number;
  /** One sentence, imperative, naming header, value and response. */
  text: string;
  /** Why this change is needed (the error it fixes). */
  why: string;
}

/** The smallest set of server-side changes, found by re-running the engine on patched responses. */
export interface Fix {
  steps: FixStep[];
  /** True when the patched responses pass in every profile listed in {@link Fix.passes}. */
  verified: boolean;
  /** The profiles in which the request passes once the steps are applied. */
  passes: ProfileName[];
  /** Caveats (security notes, assumptions the fix relies on). */
  notes: string[];
}

/** Everything `explain` says about one request. */
export interface Explanation {
  /** The request as explained (after defaults). */
  request: Required<Pick<CorsRequest, 'origin' | 'url' | 'method' | 'credentials'>> & { headers: [string, string][] };
  /** The profile chosen for the main verdict. */
  profile: ProfileName;
  /** The chosen profile's verdict. */
  allowed: boolean;
  preflighted: boolean;
  /** One line: what happened and why. */
  summary: string;
  /** Every profile's verdict, the chosen one first. */
  verdicts: ProfileVerdict[];
  /** The console line Chromium prints for this request (null when Chromium allows it). */
  chromiumConsoleMessage: string | null;
  /** The chosen profile's steps, each with pass or fail. */
  steps: TraceStep[];
  /** The chosen profile's request/response pairs, in order. */
  exchanges: BrowserExchange[];
  /** The chosen profile's full outcome. */
  outcome: CorsOutcome;
  /** The smallest server-side change; null when every profile already allows the request. */
  fix: Fix | null;
  /** Things that pass but deserve attention (Authorization covered by `*`, `null` allowed, Vary missing ...). */
  warnings: string[];
  /** Responses that were assumed rather than fetched, and what was assumed. */
  assumptions: string[];
  /** Present when response headers the page needs to read were named (`--expose`). */
  exposure?: Exposure;
}

/** Whether script can read the response headers the page needs (`--expose`). */
export interface Exposure {
  /** The names asked for, lowercase. */
  wanted: string[];
  /** What script can read (chosen profile), lowercase, sorted. */
  readable: string[];
  /** Wanted but not readable. */
  missing: string[];
  /** The change that makes them readable, when something is missing and the request is allowed. */
  fix: string | null;
}
