/**
 * Errors of the scanner runtime. A target that fails yields one `TargetResult` with `status: 'error'` whose
 * `error` is the message of a `ProbeError`; the run itself never aborts because of a target.
 */

/** Why a probe failed, in categories a user can act on. */
export type ProbeErrorCode =
  | 'timeout'
  | 'connection-refused'
  | 'connection-reset'
  | 'connection-closed'
  | 'dns'
  | 'tls'
  | 'headers-too-large'
  | 'invalid-response'
  | 'redirect'
  | 'aborted'
  | 'network';

/**
 * A probe that got no usable answer. `ProbeContext.send` rejects with one; `message` names what happened in
 * words a user can act on (e.g. "timeout after 10000 ms waiting for response headers", "TLS: self-signed
 * certificate (DEPTH_ZERO_SELF_SIGNED_CERT); use --insecure to scan it anyway").
 */
export class ProbeError extends Error {
  override name = 'ProbeError';
  /** The category of failure. */
  readonly code: ProbeErrorCode;
  /** Whether a retry could help: only connection-level failures before any response are retried. */
  readonly retriable: boolean;

  constructor(code: ProbeErrorCode, message: string, options?: { retriable?: boolean; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options?.retriable ?? false;
  }
}

/** A scan option with an unusable value; the message names the option and the value. The CLI maps it to exit 2. */
export class ScanOptionError extends TypeError {
  override name = 'ScanOptionError';
}

const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

const tlsReasons: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate chain cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'certificate issuer unknown',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not name this host',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS on this port',
};

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The innermost error with a string code (undici wraps socket errors in `cause`). */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null || codeOf(cause) === undefined) break;
    current = cause;
  }
  return current;
}

/**
 * Turns whatever undici, `net` or `tls` threw into a `ProbeError` with a plain message. `phase` says what we
 * were waiting for when it happened, so timeouts and resets name the step ("...while reading the body").
 */
export function toProbeError(
  error: unknown,
  context: { host: string; timeout: number; phase: 'headers' | 'body' },
): ProbeError {
  if (error instanceof ProbeError) return error;
  const root = rootCause(error);
  const code = codeOf(root) ?? codeOf(error) ?? '';
  const message = (root as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : String(root);
  const during = context.phase === 'body' ? ' while reading the response body' : '';
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new ProbeError('timeout', `timeout after ${context.timeout} ms connecting to ${context.host}`, {
        retriable: true,
        cause: error,
      });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new ProbeError('timeout', `timeout after ${context.timeout} ms waiting for response headers`, {
        cause: error,
      });
    case 'UND_ERR_BODY_TIMEOUT':
      return new ProbeError('timeout', `timeout after ${context.timeout} ms reading the response body`, {
        cause: error,
      });
    case 'ECONNREFUSED':
      return new ProbeError('connection-refused', `ECONNREFUSED: connection refused by ${context.host}`, {
        retriable: true,
        cause: error,
      });
    case 'ECONNRESET':
    case 'EPIPE':
      return new ProbeError('connection-reset', `${code}: connection reset by ${context.host}${during}`, {
        retriable: context.phase === 'headers',
        cause: error,
      });
    case 'UND_ERR_SOCKET':
      return new ProbeError('connection-closed', `connection closed by ${context.host}${during} (${text})`, {
        retriable: context.phase === 'headers',
        cause: error,
      });
    case 'ENOTFOUND':
      return new ProbeError('dns', `DNS: no address for ${context.host.replace(/:\d+$/, '')} (ENOTFOUND)`, {
        cause: error,
      });
    case 'EAI_AGAIN':
      return new ProbeError(
        'dns',
        `DNS: lookup of ${context.host.replace(/:\d+$/, '')} failed temporarily (EAI_AGAIN)`,
        {
          retriable: true,
          cause: error,
        },
      );
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new ProbeError('network', `${code}: ${context.host} is unreachable`, { retriable: true, cause: error });
    case 'UND_ERR_HEADERS_OVERFLOW':
      return new ProbeError(
        'headers-too-large',
        `response headers too large (over the 16 KiB limit) from ${context.host}`,
        { cause: error },
      );
    case 'UND_ERR_ABORTED':
      return new ProbeError('aborted', 'request aborted', { cause: error });
  }
  if (tlsCodes.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    const reason = tlsReasons[code] ?? text;
    const hint = code === 'ERR_SSL_WRONG_VERSION_NUMBER' ? '' : '; use --insecure to scan it anyway';
    return new ProbeError('tls', `TLS: ${reason} (${code})${hint}`, { cause: error });
  }
  if (code.startsWith('HPE_') || (error as { name?: unknown } | null)?.name === 'HTTPParserError') {
    // llhttp's reason ("Invalid header value char") is the useful part of undici's message.
    const reason = text.replace(/^Response does not match the HTTP\/1\.1 protocol \((.*)\)$/s, '$1');
    return new ProbeError(
      'invalid-response',
      `invalid HTTP response from ${context.host}: ${reason}${code ? ` (${code})` : ''}`,
      { cause: error },
    );
  }
  return new ProbeError('network', `${code ? `${code}: ` : ''}${text}`, { cause: error });
}
