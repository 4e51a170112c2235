/**
 * The net layer's errors: what a user reads when a request got no usable answer, and what a caller switches
 * on. Whatever undici, `net` or `tls` throws (codes such as `UND_ERR_SOCKET`, `ECONNRESET`, `HPE_INVALID_STATUS`,
 * and even an internal `AssertionError`) is turned into a `NetError` here, so no client internals reach users.
 */

/** Why a request failed, in categories a user can act on. */
export type NetErrorCode =
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
 * A request that got no usable answer. `message` names what happened in words a user can act on (e.g.
 * "timeout after 10000 ms waiting for response headers", "TLS: self-signed certificate
 * (DEPTH_ZERO_SELF_SIGNED_CERT); use --insecure to scan it anyway", "invalid status line from api.test: status 000").
 */
export class NetError extends Error {
  override name = 'NetError';
  /** The category of failure. */
  readonly code: NetErrorCode;
  /** Whether a retry could help: only connection-level failures before any response are retried. */
  readonly retriable: boolean;

  constructor(code: NetErrorCode, message: string, options?: { retriable?: boolean; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options?.retriable ?? false;
  }
}

/** A net option with an unusable value; the message names the option and the value (the CLI exits 2). */
export class NetOptionError extends TypeError {
  override name = 'NetOptionError';
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

// llhttp's error codes for a response it cannot parse, in words (the codes themselves stay in the message).
const parserReasons: Record<string, string> = {
  HPE_INVALID_CONSTANT: 'not an HTTP response',
  HPE_INVALID_VERSION: 'invalid HTTP version in the status line',
  HPE_INVALID_STATUS: 'invalid status line',
  HPE_INVALID_HEADER_TOKEN: 'invalid header name',
  HPE_INVALID_CONTENT_LENGTH: 'invalid Content-Length',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'Content-Length together with Transfer-Encoding',
  HPE_INVALID_CHUNK_SIZE: 'invalid chunk size',
  HPE_INVALID_TRANSFER_ENCODING: 'invalid Transfer-Encoding',
  HPE_LF_EXPECTED: 'malformed line ending',
  HPE_CR_EXPECTED: 'malformed line ending',
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

/** What the request was waiting for when an error happened, so messages name the step. */
export type NetPhase = 'connect' | 'headers' | 'body';

/** Context for {@link toNetError}: the `host:port` asked, the per-request timeout, and the phase. */
export interface NetErrorContext {
  host: string;
  timeout: number;
  phase: NetPhase;
}

/**
 * Turns whatever undici, `net` or `tls` threw into a `NetError` with a plain message. Unknown errors keep
 * their code and message but never an assertion's source text.
 */
export function toNetError(error: unknown, context: NetErrorContext): NetError {
  if (error instanceof NetError) return error;
  const root = rootCause(error);
  const code = codeOf(root) ?? codeOf(error) ?? '';
  const message = (root as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : String(root);
  const during = context.phase === 'body' ? ' while reading the response body' : '';
  const beforeAnswer = context.phase !== 'body';
  const name = context.host.replace(/:\d+$/, '');
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new NetError('timeout', `timeout after ${context.timeout} ms connecting to ${context.host}`, {
        retriable: true,
        cause: error,
      });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new NetError('timeout', `timeout after ${context.timeout} ms waiting for response headers`, {
        cause: error,
      });
    case 'UND_ERR_BODY_TIMEOUT':
      return new NetError('timeout', `timeout after ${context.timeout} ms reading the response body`, {
        cause: error,
      });
    case 'ECONNREFUSED':
      return new NetError('connection-refused', `ECONNREFUSED: connection refused by ${context.host}`, {
        retriable: true,
        cause: error,
      });
    case 'ECONNRESET':
    case 'ECONNABORTED':
    case 'EPIPE':
      return new NetError('connection-reset', `${code}: connection reset by ${context.host}${during}`, {
        retriable: beforeAnswer,
        cause: error,
      });
    case 'UND_ERR_SOCKET':
      if (text === 'bad response' || text === 'bad upgrade') {
        // undici's words for a response it will not take: one nobody asked for, or an unrequested upgrade.
        return new NetError(
          'invalid-response',
          `invalid HTTP response from ${context.host}: ${text === 'bad upgrade' ? 'an upgrade nobody asked for' : 'a response nobody asked for'}`,
          { cause: error },
        );
      }
      return new NetError('connection-closed', `connection closed by ${context.host}${during} (${text})`, {
        retriable: beforeAnswer,
        cause: error,
      });
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return new NetError('aborted', 'request aborted: the client was closed', { cause: error });
    case 'ENOTFOUND':
      return new NetError('dns', `DNS: no address for ${name} (ENOTFOUND)`, { cause: error });
    case 'EAI_AGAIN':
      return new NetError('dns', `DNS: lookup of ${name} failed temporarily (EAI_AGAIN)`, {
        retriable: true,
        cause: error,
      });
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new NetError('network', `${code}: ${context.host} is unreachable`, { retriable: true, cause: error });
    case 'UND_ERR_HEADERS_OVERFLOW':
      return new NetError(
        'headers-too-large',
        `response headers too large (over the 16 KiB limit) from ${context.host}`,
        {
          cause: error,
        },
      );
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return new NetError(
        'invalid-response',
        `invalid HTTP response from ${context.host}: the body does not match its Content-Length`,
        { cause: error },
      );
    case 'UND_ERR_ABORTED':
      return new NetError('aborted', 'request aborted', { cause: error });
    case 'ERR_ASSERTION':
      // An assertion inside the HTTP client means the bytes broke one of its invariants (a status below 100,
      // say); its source text means nothing to a user, so it never reaches one.
      return new NetError(
        'invalid-response',
        `invalid HTTP response from ${context.host} (the HTTP client rejected it)`,
        {
          cause: error,
        },
      );
  }
  if (tlsCodes.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    const reason = tlsReasons[code] ?? text;
    const hint = code === 'ERR_SSL_WRONG_VERSION_NUMBER' ? '' : '; use --insecure to scan it anyway';
    return new NetError('tls', `TLS: ${reason} (${code})${hint}`, { cause: error });
  }
  if (code.startsWith('HPE_') || (error as { name?: unknown } | null)?.name === 'HTTPParserError') {
    // llhttp's reason ("Invalid header value char") is the useful part of undici's message.
    const reason =
      parserReasons[code] ?? text.replace(/^Response does not match the HTTP\/1\.1 protocol \((.*)\)$/s, '$1');
    return new NetError(
      'invalid-response',
      `invalid HTTP response from ${context.host}: ${reason}${code ? ` (${code})` : ''}`,
      { cause: error },
    );
  }
  if ((error as { name?: unknown } | null)?.name === 'AssertionError') {
    return new NetError(
      'invalid-response',
      `invalid HTTP response from ${context.host} (the HTTP client rejected it)`,
      {
        cause: error,
      },
    );
  }
  return new NetError('network', `${code ? `${code}: ` : ''}${text}`, { cause: error });
}
