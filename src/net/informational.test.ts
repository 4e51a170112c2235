import { describe, expect, it } from 'vitest';
import { useCleanup } from './__fixtures__/cleanup.js';
import { createHttpClient } from './client.js';
import { scriptedServer } from './__fixtures__/servers.js';

const { cleanup, serve } = useCleanup();

const final = 'HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://a.example\r\nContent-Length: 2\r\n\r\nok';

// https://www.rfc-editor.org/rfc/rfc9110#name-informational-1xx: "A client MUST be able to parse one or more
// 1xx responses received prior to a final response, even if the client does not expect one."
describe('informational responses before the final answer', () => {
  it.each([
    ['an unsolicited 100 Continue', `HTTP/1.1 100 Continue\r\n\r\n${final}`],
    ['a 100 with headers', `HTTP/1.1 100 Continue\r\nX-Note: early\r\n\r\n${final}`],
    ['102 Processing', `HTTP/1.1 102 Processing\r\n\r\n${final}`],
    [
      '103 Early Hints then 100',
      `HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.js>\r\n\r\n${final}`,
    ],
    ['two 100s', `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n${final}`],
    [
      'a 100 split at every awkward byte',
      [
        'HTTP/1',
        '.1 1',
        '00 Contin',
        'ue\r\nX: y\r',
        '\n\r',
        '\n',
        'HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://a.example\r\n',
        'Content-Length: 2\r\n\r\nok',
      ],
    ],
  ])('reads the final answer after %s, on a kept-alive connection too', async (_, script) => {
    const server = await serve(scriptedServer(() => script));
    const client = createHttpClient({ timeout: 2000, retries: 0, perHost: 1 });
    cleanup.push(() => client.destroy());
    for (let i = 0; i < 3; i++) {
      const outcome = await client.request({ url: new URL(`${server.url}/${i}`), method: 'GET', headers: [] });
      expect(outcome).toMatchObject({
        outcome: 'answered',
        attempts: 1,
        response: { status: 200, bodySnippet: 'ok' },
      });
      if (outcome.outcome === 'answered') {
        expect(outcome.response.headers).toContainEqual(['Access-Control-Allow-Origin', 'https://a.example']);
      }
    }
  });

  it('leaves a body that looks like a 100 alone', async () => {
    const body = 'HTTP/1.1 100 Continue\r\n\r\n';
    const server = await serve(
      scriptedServer(() => [`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, body]),
    );
    const client = createHttpClient({ timeout: 2000, retries: 0 });
    cleanup.push(() => client.destroy());
    const { response } = await client.send({ url: new URL(server.url), method: 'GET', headers: [] });
    expect(response).toMatchObject({ status: 200, bodySnippet: body });
  });
});
