/**
 * The live sender against servers that answer in ways a browser takes in its stride: interim 1xx responses
 * before the final one (https://www.rfc-editor.org/rfc/rfc9110#name-informational-1xx), and answers the
 * HTTP client cannot read, which must fail with a sentence, never with the client's assertion text.
 */
import { describe, expect, it } from 'vitest';
import { useCleanup } from '../net/__fixtures__/cleanup.js';
import { interimCorsServer } from '../net/__fixtures__/interim.js';
import { rawServer } from '../net/__fixtures__/servers.js';
import { explainRequest } from './explain.js';
import { createLiveSender } from './live.js';

const APP = 'https://app.example';

const { cleanup, serve } = useCleanup();
function sender(origin = APP) {
  const live = createLiveSender({ origin, timeout: 5000 });
  cleanup.push(() => live.close());
  return live;
}

describe('explain over the network, with interim responses', () => {
  it.each([
    ['100 Continue', 'HTTP/1.1 100 Continue\r\n\r\n'],
    ['103 Early Hints', 'HTTP/1.1 103 Early Hints\r\nLink: </app.js>; rel=preload\r\n\r\n'],
  ])(
    'explains a server that sends %s before each answer as a browser does (it skips interim responses): allowed',
    async (_, interim) => {
      const server = await serve(interimCorsServer(APP, interim));
      const live = sender();
      const get = await explainRequest(
        { origin: APP, url: `${server.url}/me`, credentials: 'include' },
        { sender: live.send },
      );
      expect(get.allowed).toBe(true);
      expect(get.exchanges[0]?.response?.status).toBe(200);
      const put = await explainRequest(
        { origin: APP, url: `${server.url}/me`, method: 'PUT', credentials: 'include' },
        { sender: live.send, send: true },
      );
      expect(put.allowed).toBe(true);
      expect(server.requests.map((line) => line.split(' ')[0])).toEqual(['GET', 'OPTIONS', 'PUT']);
      const other = await explainRequest(
        { origin: 'https://evil.example', url: `${server.url}/me` },
        { sender: sender('https://evil.example').send },
      );
      expect(other.allowed).toBe(false);
      expect(other.verdicts[0]).toMatchObject({ code: 'MissingAllowOriginHeader' });
    },
  );

  it('rejects a 000 status line with a sentence, not the HTTP client assertion', async () => {
    const server = await serve(
      rawServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 000 OK\r\nContent-Length: 0\r\n\r\n'))),
    );
    const live = sender();
    const error = await live
      .send({ method: 'GET', url: `${server.url}/`, headers: [['Origin', APP]] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/invalid status line \(status 000\)/);
    expect((error as Error).message).not.toMatch(/assert/i);
  });
});
