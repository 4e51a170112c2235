/**
 * The console text Chromium prints for a blocked fetch
 * (`third_party/blink/renderer/platform/loader/cors/cors_error_string.cc`,
 * `GetErrorStringForConsoleMessage`), checked against Chromium 156's console output.
 */
import { PREFLIGHT_PREFIXED_CODES, type CorsErrorCode } from './errors.js';

/**
 * Escape a header value for a console message the way Chromium does: control characters and every
 * byte outside printable ASCII are written as `\uXXXX` (a TAB shows as `\u0009`, a latin1 `é` as
 * `\u00E9`).
 */
export function escapeForConsole(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += value.charAt(i);
  }
  return out;
}

/**
 * The part of the console message after "has been blocked by CORS policy: " (without the preflight
 * prefix) for a CORS error, as printed for `fetch()`.
 */
export function corsErrorDetail(code: CorsErrorCode, parameter: string, resourceAddressSpace = 'unknown'): string {
  const v = escapeForConsole(parameter);
  switch (code) {
    case 'DisallowedByMode':
      return 'Cross origin requests are not allowed by request mode.';
    case 'InvalidResponse':
      return 'The response is invalid.';
    case 'WildcardOriginNotAllowed':
    case 'PreflightWildcardOriginNotAllowed':
      return "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.";
    case 'MissingAllowOriginHeader':
    case 'PreflightMissingAllowOriginHeader':
      return "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
    case 'MultipleAllowOriginValues':
    case 'PreflightMultipleAllowOriginValues':
      return `The 'Access-Control-Allow-Origin' header contains multiple values '${v}', but only one is allowed. Have the server send the header with a valid value.`;
    case 'InvalidAllowOriginValue':
    case 'PreflightInvalidAllowOriginValue':
      return `The 'Access-Control-Allow-Origin' header contains the invalid value '${v}'. Have the server send the header with a valid value.`;
    case 'AllowOriginMismatch':
    case 'PreflightAllowOriginMismatch':
      return `The 'Access-Control-Allow-Origin' header has a value '${v}' that is not equal to the supplied origin. Have the server send the header with a valid value.`;
    case 'InvalidAllowCredentials':
    case 'PreflightInvalidAllowCredentials':
      return `The value of the 'Access-Control-Allow-Credentials' header in the response is '${v}' which must be 'true' when the request's credentials mode is 'include'.`;
    case 'CorsDisabledScheme':
      return 'Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.';
    case 'PreflightInvalidStatus':
      return 'It does not have HTTP ok status.';
    case 'PreflightDisallowedRedirect':
      return 'Redirect is not allowed for a preflight request.';
    case 'InvalidAllowMethodsPreflightResponse':
      return 'Cannot parse Access-Control-Allow-Methods response header field in preflight response.';
    case 'InvalidAllowHeadersPreflightResponse':
      return 'Cannot parse Access-Control-Allow-Headers response header field in preflight response.';
    case 'MethodDisallowedByPreflightResponse':
      return `Method ${v} is not allowed by Access-Control-Allow-Methods in preflight response.`;
    case 'HeaderDisallowedByPreflightResponse':
      return `Request header field ${v} is not allowed by Access-Control-Allow-Headers in preflight response.`;
    case 'RedirectContainsCredentials':
      return `Redirect location '${v}' contains a username and password, which is disallowed for cross-origin requests.`;
    case 'InsecureLocalNetwork':
      return `The request client is not a secure context and the resource is in more-private address space \`${v}\`.`;
    case 'InvalidLocalNetworkAccess':
      return `Request had a target IP address space of \`${v}\` yet the resource is in address space \`${resourceAddressSpace}\`.`;
    case 'LocalNetworkAccessPermissionDenied':
      return `Permission was denied for this request to access the \`${v}\` address space.`;
    case 'NoCorsRedirectModeNotFollow':
      return "Redirect mode must be 'follow' for a request whose mode is 'no-cors'.";
    case 'PreflightMissingAllowExternal':
      return "No 'Access-Control-Allow-External' header was present in the preflight response for this external request (This is an experimental header which is defined in 'https://wicg.github.io/cors-rfc1918/').";
    case 'PreflightInvalidAllowExternal':
      return `The 'Access-Control-Allow-External' header in the preflight response for this external request had a value of '${v}',  not 'true' (This is an experimental header which is defined in 'https://wicg.github.io/cors-rfc1918/').`;
  }
}

/** Where a CORS error happened, for {@link corsConsoleMessage}. */
export interface MessageContext {
  /** Resource kind after "Access to": `fetch` for `fetch()` (`XMLHttpRequest` for XHR). */
  kind?: string;
  /** The URL the request was made for. */
  initialUrl: string;
  /** The URL of the failing hop (differs from `initialUrl` after redirects). */
  finalUrl: string;
  /** The page's serialized origin (`null` for an opaque origin). */
  origin: string;
  /** For `InvalidLocalNetworkAccess`: the address space the resource turned out to be in. */
  resourceAddressSpace?: string;
}

/**
 * The full console line Chromium prints for a CORS error:
 * `Access to fetch at '<final URL>' [(redirected from '<initial URL>') ]from origin '<origin>' has
 * been blocked by CORS policy: [Response to preflight request doesn't pass access control check: ]<detail>`.
 * `DisallowedByMode` for a request that never left the page uses {@link sameOriginModeMessage} instead.
 */
export function corsConsoleMessage(code: CorsErrorCode, parameter: string, ctx: MessageContext): string {
  const redirected = ctx.finalUrl !== ctx.initialUrl ? `(redirected from '${ctx.initialUrl}') ` : '';
  const prefix = PREFLIGHT_PREFIXED_CODES.includes(code)
    ? "Response to preflight request doesn't pass access control check: "
    : '';
  return `Access to ${ctx.kind ?? 'fetch'} at '${ctx.finalUrl}' ${redirected}from origin '${ctx.origin}' has been blocked by CORS policy: ${prefix}${corsErrorDetail(code, parameter, ctx.resourceAddressSpace)}`;
}

/** Blink's `KURL::ElidedString`: URLs longer than 1024 characters print as the first 511, `...`, the last 510. */
export function elideUrl(url: string): string {
  return url.length <= 1024 ? url : `${url.slice(0, 511)}...${url.slice(-510)}`;
}

/** Blink's message for a cross-origin URL requested with `mode: 'same-origin'` (nothing is sent). */
export function sameOriginModeMessage(url: string, origin: string): string {
  return `Fetch API cannot load ${elideUrl(url)}. Request mode is "same-origin" but the URL's origin is not same as the request origin ${origin}.`;
}

/** Blink's message for `mode: 'no-cors'` with a redirect mode other than `follow`. */
export function noCorsRedirectModeMessage(url: string): string {
  return `Fetch API cannot load ${elideUrl(url)}. Request mode is "no-cors" but the redirect mode is not "follow".`;
}

/** Blink's message for a URL scheme `fetch()` does not support. */
export function unsupportedSchemeMessage(url: string, scheme: string): string {
  return `Fetch API cannot load ${elideUrl(url)}. URL scheme "${scheme}" is not supported.`;
}

/** Blink's message when a `same-origin` mode request is redirected to another origin (with its trailing newline). */
export function unsafeRedirectMessage(nextUrl: string, documentUrl: string): string {
  return `Unsafe attempt to load URL ${elideUrl(nextUrl)} from frame with URL ${documentUrl}. Domains, protocols and ports must match.\n`;
}

/**
 * The `failedParameter` CDP reports for a header value: the bytes decoded as UTF-8, or `''` when they
 * are not valid UTF-8 (observed: a latin1 `é` in ACAO gives an empty failedParameter while the
 * console still prints the value, escaped).
 */
export function cdpParameter(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value)) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff));
  } catch {
    return '';
  }
}

/** Chromium's console line for a failed load that is not a CORS error: `<METHOD> <url> net::ERR_…`. */
export function networkErrorMessage(method: string, url: string, netError: string): string {
  return `${method} ${url} ${netError}`;
}

/** Chromium's console text for mixed content blocked on an `https:` page. */
export function mixedContentMessage(origin: string, url: string): string {
  return `Mixed Content: The page at '${origin}/' was loaded over HTTPS, but requested an insecure resource '${elideUrl(url)}'. This request has been blocked; the content must be served over HTTPS.`;
}
