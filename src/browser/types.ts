/**
 * Public types of `corsight/browser`: the request a page makes, the transport that answers it, and
 * the outcome a browser would produce.
 */
import type { AddressSpace } from '../fetch/address-space.js';
import type { CorsErrorCode, NetworkErrorCode } from './errors.js';

export type { AddressSpace } from '../fetch/address-space.js';

/** The name of a browser profile. `chromium` (the default) and `firefox` are verified against real browsers. */
export type ProfileName = 'chromium' | 'spec' | 'firefox' | 'safari';

/** Request credentials mode (Fetch "credentials mode"). */
export type CredentialsMode = 'omit' | 'same-origin' | 'include';

/** Request mode (Fetch "mode"); `navigate`, `websocket` and `webtransport` are not modelled. */
export type RequestMode = 'cors' | 'no-cors' | 'same-origin';

/** Request redirect mode (Fetch "redirect mode"). */
export type RedirectMode = 'follow' | 'error' | 'manual';

/**
 * What kind of body the request has: none, a string (`text`, which makes `fetch()` add
 * `Content-Type: text/plain;charset=UTF-8` when no Content-Type was given), or a `ReadableStream`
 * (`stream`, which sets the use-CORS-preflight flag and needs `duplex: 'half'`).
 */
export type BodyKind = 'none' | 'text' | 'stream';

/** One `fetch()` call as a page would make it. */
export interface CorsRequest {
  /** Serialized origin of the page making the request (`https://app.test`), or `null` for an opaque origin. */
  origin: string;
  /** The URL to fetch. A relative URL is resolved against `origin`. */
  url: string;
  /** Request method; default `GET`. Normalized like `fetch()` does (`put` → `PUT`, `patch` stays). */
  method?: string;
  /** Author request headers, as given to `fetch()`. */
  headers?: Record<string, string> | [string, string][];
  /** Default `same-origin`. */
  credentials?: CredentialsMode;
  /** Default `cors`. */
  mode?: RequestMode;
  /** Default `follow`. */
  redirect?: RedirectMode;
  /** Default `none`. */
  body?: BodyKind;
  /**
   * Force a preflight (Fetch "use-CORS-preflight flag"), as an `XMLHttpRequest` with upload listeners
   * does. A `stream` body sets it too. Default false.
   */
  useCorsPreflight?: boolean;
  /**
   * URL of the document making the request, only used in console text (Chromium names it when it
   * refuses a `same-origin` mode redirect). Default: `<origin>/`.
   */
  documentUrl?: string;
  /**
   * Serialized origin of the top-level page (the frame's ancestor at the top). Only used for one
   * Chromium behaviour: a credentialed `no-cors` GET/HEAD from an opaque origin (sandboxed iframe) to
   * a URL same-site with the top-level page carries `Origin: null`. Default: unknown (not applied).
   */
  topLevelOrigin?: string;
  /**
   * The IP address space of the page: that of the address its document was loaded from (a sandboxed
   * iframe shares its parent's). When given, Chromium's Local Network Access check runs on every request
   * of the fetch, redirects included: a request from a `public` page to a `local` or `loopback` server fails
   * before anything is sent, unless the page is a secure context and the user granted the permission
   * (Chromium 156 does not check `local` pages reaching `loopback`). Default: not checked (as between two
   * loopback servers, where it never applies).
   */
  addressSpace?: AddressSpace;
  /**
   * Whether the page is a secure context (only Local Network Access looks at it). Default: whether its
   * origin is potentially trustworthy (`https:`, loopback, `localhost`); for an opaque origin, whether
   * `topLevelOrigin` is, or true when that is not given (a sandboxed iframe inherits its parent's).
   */
  secureContext?: boolean;
  /**
   * The user's answer to Chromium's local network access permission prompt. Default `denied`: headless
   * Chromium denies it, and a real one asks the user, whose answer the model cannot know.
   */
  localNetworkAccess?: 'granted' | 'denied';
  /**
   * `fetch()`'s `targetAddressSpace` option (Local Network Access): the space the page expects the server to
   * be in. Chromium then exempts a plain-http URL from mixed-content blocking (a console warning instead), and
   * fails the request with `InvalidLocalNetworkAccess` when the server is in another space. Needs `addressSpace`.
   */
  targetAddressSpace?: AddressSpace;
}

/** A request as it goes on the wire (see {@link CorsOutcome.requests} for which headers are listed). */
export interface WireRequest {
  method: string;
  url: string;
  headers: [string, string][];
}

/** A response as the transport received it: status and raw header lines (repeated names allowed). */
export interface TransportResponse {
  status: number;
  headers: [string, string][];
}

/** Sends one request and returns the server's answer. It may throw; that is a network error. */
export type Transport = (req: WireRequest) => Promise<TransportResponse>;

/** The error of a failed fetch. */
export interface FetchErrorInfo {
  /** A CORS error (Chromium's CDP `Network.CorsError`) or a network error ({@link NetworkErrorCode}). */
  code: CorsErrorCode | NetworkErrorCode;
  /** `cors` for CORS errors (CDP reports `corsErrorStatus`), `network` for the other network errors. */
  kind: 'cors' | 'network';
  /**
   * For CORS errors, CDP's `corsErrorStatus.failedParameter`. For network errors, what CDP's
   * `Network.loadingFailed` names: its `blockedReason` (`mixed-content`, `origin`) or `errorText`
   * (`net::ERR_TOO_MANY_REDIRECTS` …), or `''` when Chromium refused the request before the network
   * and CDP reports nothing (see `NetworkErrorCode`).
   */
  parameter: string;
  /** The console text Chromium prints for it. */
  message: string;
}

/** The response the page's script gets when the fetch resolves. */
export interface SimulatedResponse {
  /** The status script sees: 0 for opaque and opaqueredirect responses. */
  status: number;
  /** Fetch response type. */
  type: 'basic' | 'cors' | 'opaque' | 'opaqueredirect';
  /** Header names script can read (`[...response.headers.keys()]`): lowercase, sorted, unique. */
  exposedHeaders: string[];
  /** The status the server actually sent (differs from `status` for filtered responses). */
  wireStatus?: number;
  /** The final URL (`response.url`); empty for opaque responses. */
  url?: string;
  /** Whether a redirect was followed (`response.redirected`). */
  redirected?: boolean;
}

/** One step of the simulation, for explaining what happened. */
export interface TraceStep {
  step: string;
  ok: boolean;
  detail: string;
}

/** Everything a browser would do for one `fetch()` call. */
export interface CorsOutcome {
  /** True when the `fetch()` promise resolves (even with an opaque response), false when it rejects. */
  allowed: boolean;
  /** True when at least one CORS preflight was sent. */
  preflighted: boolean;
  /** What went on the wire, in order (preflights included). */
  requests: WireRequest[];
  /** Why the fetch failed (absent when `allowed`). */
  error?: FetchErrorInfo;
  /** What script sees (absent when the fetch failed). */
  response?: SimulatedResponse;
  /** The steps taken. */
  trace: TraceStep[];
}
