/**
 * corsight/testing against a URL whose server sends interim 1xx responses before its answers
 * (https://www.rfc-editor.org/rfc/rfc9110#name-informational-1xx): the assertions read the final answers,
 * as a browser does, instead of failing on "bad response".
 */
import { describe, expect, it } from 'vitest';
import { useCleanup } from '../net/__fixtures__/cleanup.js';
import { interimCorsServer } from '../net/__fixtures__/interim.js';
import { expectCors } from './index.js';

const APP = 'https://app.example';

const { serve } = useCleanup();

describe('expectCors with a URL whose server sends 100 Continue first', () => {
  it('allows the app origin, preflights PUT, and blocks another origin', async () => {
    const server = await serve(interimCorsServer(APP));
    await expectCors(server.url).from(APP).fetch('/me', { credentials: 'include' }).toBeAllowed();
    const put = expectCors(server.url).from(APP).fetch('/me', { method: 'PUT', credentials: 'include' });
    await put.toBeAllowed();
    await put.toBePreflighted();
    await expectCors(server.url)
      .from('https://evil.example')
      .fetch('/me')
      .toBeBlockedWith('MissingAllowOriginHeader', '');
    expect(server.requests.some((line) => line.startsWith('OPTIONS '))).toBe(true);
  });
});
