/**
 * Table-driven tests: Chromium's console text (messages.ts).
 */
import { describe, expect, it } from 'vitest';
import { corsConsoleMessage, corsErrorDetail, escapeForConsole } from './messages.js';

describe('console messages', () => {
  it.each([
    [
      'MethodDisallowedByPreflightResponse',
      'patch',
      'Method patch is not allowed by Access-Control-Allow-Methods in preflight response.',
    ],
    [
      'HeaderDisallowedByPreflightResponse',
      'x-a',
      'Request header field x-a is not allowed by Access-Control-Allow-Headers in preflight response.',
    ],
    ['PreflightInvalidStatus', '', 'It does not have HTTP ok status.'],
    ['PreflightDisallowedRedirect', '', 'Redirect is not allowed for a preflight request.'],
    [
      'InvalidAllowCredentials',
      'True',
      "The value of the 'Access-Control-Allow-Credentials' header in the response is 'True' which must be 'true' when the request's credentials mode is 'include'.",
    ],
    [
      'MultipleAllowOriginValues',
      '*, *',
      "The 'Access-Control-Allow-Origin' header contains multiple values '*, *', but only one is allowed. Have the server send the header with a valid value.",
    ],
    [
      'InvalidAllowOriginValue',
      'foo',
      "The 'Access-Control-Allow-Origin' header contains the invalid value 'foo'. Have the server send the header with a valid value.",
    ],
  ] as const)('%s detail', (code, p, text) => expect(corsErrorDetail(code, p)).toBe(text));
  it('builds the full line with the redirect and preflight parts', () => {
    expect(
      corsConsoleMessage('PreflightInvalidStatus', '', {
        initialUrl: 'http://b.test/1',
        finalUrl: 'http://c.test/2',
        origin: 'null',
      }),
    ).toBe(
      "Access to fetch at 'http://c.test/2' (redirected from 'http://b.test/1') from origin 'null' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
    );
  });
  it('escapes control characters as \\uXXXX', () => {
    expect(escapeForConsole('a\tb\u0001\u007f\u00e9')).toBe('a\\u0009b\\u0001\\u007F\\u00E9');
  });
});
