import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { NetError, toNetError, type NetErrorContext } from './errors.js';

const context: NetErrorContext = { host: 'api.test:8443', timeout: 5000, phase: 'headers' };
const coded = (code: string, message = code, extra: object = {}) => Object.assign(new Error(message), { code }, extra);

describe('toNetError', () => {
  it.each([
    [coded('ECONNREFUSED'), 'connection-refused', true, 'ECONNREFUSED: connection refused by api.test:8443'],
    [coded('ECONNRESET'), 'connection-reset', true, 'ECONNRESET: connection reset by api.test:8443'],
    [
      coded('UND_ERR_SOCKET', 'other side closed'),
      'connection-closed',
      true,
      'connection closed by api.test:8443 (other side closed)',
    ],
    [
      coded('UND_ERR_SOCKET', 'bad response'),
      'invalid-response',
      false,
      'invalid HTTP response from api.test:8443: a response nobody asked for',
    ],
    [coded('ENOTFOUND'), 'dns', false, 'DNS: no address for api.test (ENOTFOUND)'],
    [coded('UND_ERR_CONNECT_TIMEOUT'), 'timeout', true, 'timeout after 5000 ms connecting to api.test:8443'],
    [
      coded('UND_ERR_HEADERS_OVERFLOW'),
      'headers-too-large',
      false,
      'response headers too large (over the 16 KiB limit) from api.test:8443',
    ],
    [
      coded('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'),
      'invalid-response',
      false,
      'invalid HTTP response from api.test:8443: the body does not match its Content-Length',
    ],
    [
      coded('DEPTH_ZERO_SELF_SIGNED_CERT'),
      'tls',
      false,
      'TLS: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); use --insecure to scan it anyway',
    ],
    [
      coded('HPE_INVALID_STATUS', 'Response does not match the HTTP/1.1 protocol (Invalid status code)'),
      'invalid-response',
      false,
      'invalid HTTP response from api.test:8443: invalid status line (HPE_INVALID_STATUS)',
    ],
    // undici wraps socket errors: the innermost code decides.
    [
      Object.assign(new Error('fetch failed'), { cause: coded('ECONNREFUSED') }),
      'connection-refused',
      true,
      'ECONNREFUSED: connection refused by api.test:8443',
    ],
  ])('%s', (error, code, retriable, message) => {
    const mapped = toNetError(error, context);
    expect(mapped).toBeInstanceOf(NetError);
    expect({ code: mapped.code, retriable: mapped.retriable, message: mapped.message }).toEqual({
      code,
      retriable,
      message,
    });
  });

  it('never passes an assertion inside the HTTP client on to a user', () => {
    const assertion = new AssertionError({
      message: 'The expression evaluated to a falsy value:\n\n  assert(statusCode >= 100)\n',
    });
    const mapped = toNetError(assertion, context);
    expect(mapped).toMatchObject({ code: 'invalid-response', retriable: false });
    expect(mapped.message).toBe('invalid HTTP response from api.test:8443 (the HTTP client rejected it)');
    expect(mapped.cause).toBe(assertion);
  });

  it('does not retry a reset once the body was being read', () => {
    expect(toNetError(coded('ECONNRESET'), { ...context, phase: 'body' })).toMatchObject({
      code: 'connection-reset',
      retriable: false,
      message: 'ECONNRESET: connection reset by api.test:8443 while reading the response body',
    });
  });
});
