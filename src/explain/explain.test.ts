/**
 * `explainRequest` against real loopback servers, one per failure kind: verdict, Chromium's console
 * line, and the fix (which header, which value, on which response), checked end to end over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorsRequest } from '../browser/index.js';
import { startRoutes, type RouteServer } from './__fixtures__/servers.js';
import { explainRequest } from './explain.js';
import { createLiveSender, type LiveSender } from './live.js';
import type { Explanation } from './types.js';

const ORIGIN = 'https://app.test';
const ACAO: [string, string] = ['Access-Control-Allow-Origin', '{origin}'];

let server: RouteServer;
let other: RouteServer;
let live: LiveSender;

beforeAll(async () => {
  other = await startRoutes({
    '/final-echo': { actual: { headers: [ACAO] } },
    '/final-public': { actual: { headers: [['Access-Control-Allow-Origin', '*']] } },
  });
  server = await startRoutes({
    '/missing': { actual: {} },
    '/mismatch': { actual: { headers: [['Access-Control-Allow-Origin', 'https://other.test']] } },
    '/multiple': { actual: { headers: [ACAO, ['Access-Control-Allow-Origin', 'https://b.test']] } },
    '/invalid': { actual: { headers: [['Access-Control-Allow-Origin', 'nope']] } },
    '/wildcard': { actual: { headers: [['Access-Control-Allow-Origin', '*']] } },
    '/acac-missing': { actual: { headers: [ACAO, ['Vary', 'Origin']] } },
    '/acac-wrong': { actual: { headers: [ACAO, ['Access-Control-Allow-Credentials', 'TRUE']] } },
    '/preflight-status': {
      preflight: { status: 404, headers: [ACAO, ['Access-Control-Allow-Methods', 'PUT']] },
      actual: { headers: [ACAO] },
    },
    '/preflight-redirect': {
      preflight: { status: 307, headers: [['Location', '/elsewhere']] },
      actual: { headers: [ACAO] },
    },
    '/acam': {
      preflight: { status: 204, headers: [ACAO, ['Access-Control-Allow-Methods', 'GET, POST']] },
      actual: { headers: [] },
    },
    '/acah': {
      preflight: { status: 204, headers: [ACAO, ['Access-Control-Allow-Headers', 'content-type']] },
      actual: { headers: [ACAO, ['Vary', 'Origin']] },
    },
    '/auth-wildcard': {
      preflight: {
        status: 204,
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Headers', '*'],
        ],
      },
      actual: { headers: [['Access-Control-Allow-Origin', '*']] },
    },
    '/echo': { actual: { headers: [ACAO, ['Vary', 'Origin']] } },
  });
  live = createLiveSender({ origin: ORIGIN });
});

afterAll(async () => {
  await live.close();
  await server.close();
  await other.close();
});

function req(path: string, init: Partial<CorsRequest> = {}): CorsRequest {
  return { origin: ORIGIN, url: `${server.url}${path}`, ...init };
}

async function explain(path: string, init: Partial<CorsRequest> = {}, send = false): Promise<Explanation> {
  return explainRequest(req(path, init), { sender: live.send, send });
}

describe('explain: one server per failure kind', () => {
  it('missing Access-Control-Allow-Origin', async () => {
    const x = await explain('/missing');
    expect(x.allowed).toBe(false);
    expect(x.verdicts.map((v) => v.profile)).toEqual(['chromium', 'firefox', 'safari', 'spec']);
    expect(x.verdicts.every((v) => v.code === 'MissingAllowOriginHeader')).toBe(true);
    expect(x.chromiumConsoleMessage).toBe(
      `Access to fetch at '${server.url}/missing' from origin '${ORIGIN}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
    );
    expect(x.fix?.verified).toBe(true);
    expect(x.fix?.steps).toHaveLength(1);
    expect(x.fix?.steps[0]).toMatchObject({
      action: 'set-header',
      on: 'actual',
      header: 'Access-Control-Allow-Origin',
      value: ORIGIN,
      previous: null,
    });
    expect(x.fix?.steps[0]?.text).toBe(
      `add \`Access-Control-Allow-Origin: ${ORIGIN}\` to the GET response of ${server.url}/missing`,
    );
    expect(x.steps.some((s) => !s.ok && s.step === 'cors-check')).toBe(true);
    expect(x.exchanges).toHaveLength(1);
    expect(x.exchanges[0]?.source).toBe('network');
  });

  it('Access-Control-Allow-Origin mismatch', async () => {
    const x = await explain('/mismatch');
    expect(x.verdicts[0]).toMatchObject({ code: 'AllowOriginMismatch', parameter: 'https://other.test' });
    expect(x.chromiumConsoleMessage).toContain(
      "The 'Access-Control-Allow-Origin' header has a value 'https://other.test' that is not equal to the supplied origin.",
    );
    expect(x.fix?.steps[0]?.text).toBe(
      `change \`Access-Control-Allow-Origin: https://other.test\` to \`Access-Control-Allow-Origin: ${ORIGIN}\` on the GET response of ${server.url}/mismatch`,
    );
  });

  it('multiple Access-Control-Allow-Origin lines (Chromium and Firefox name it the same, for different reasons)', async () => {
    const x = await explain('/multiple');
    expect(x.verdicts[0]).toMatchObject({ code: 'MultipleAllowOriginValues', parameter: `${ORIGIN}, https://b.test` });
    expect(x.chromiumConsoleMessage).toContain(
      `contains multiple values '${ORIGIN}, https://b.test', but only one is allowed.`,
    );
    expect(x.fix?.steps[0]?.text).toBe(
      `send one \`Access-Control-Allow-Origin: ${ORIGIN}\` line instead of the 2 lines (\`${ORIGIN}, https://b.test\`) on the GET response of ${server.url}/multiple`,
    );
    expect(x.fix?.verified).toBe(true);
  });

  it('invalid Access-Control-Allow-Origin value', async () => {
    const x = await explain('/invalid');
    expect(x.verdicts[0]).toMatchObject({ code: 'InvalidAllowOriginValue', parameter: 'nope' });
    expect(x.chromiumConsoleMessage).toContain("contains the invalid value 'nope'.");
    expect(x.fix?.steps[0]).toMatchObject({ header: 'Access-Control-Allow-Origin', value: ORIGIN, previous: 'nope' });
  });

  it('wildcard with credentials: two changes, both on the actual response, checked together', async () => {
    const x = await explain('/wildcard', { credentials: 'include' });
    expect(x.verdicts[0]).toMatchObject({ code: 'WildcardOriginNotAllowed', parameter: '' });
    expect(x.chromiumConsoleMessage).toContain(
      "must not be the wildcard '*' when the request's credentials mode is 'include'",
    );
    expect(x.fix?.steps.map((s) => [s.on, s.header, s.value])).toEqual([
      ['actual', 'Access-Control-Allow-Origin', ORIGIN],
      ['actual', 'Access-Control-Allow-Credentials', 'true'],
    ]);
    expect(x.fix?.steps[0]?.text).toContain('replace the wildcard `*` with the requesting origin');
    expect(x.fix?.verified).toBe(true);
    expect(x.fix?.passes).toEqual(['chromium', 'firefox', 'safari', 'spec']);
    expect(x.fix?.notes.join(' ')).toContain('Vary: Origin');
  });

  it('Access-Control-Allow-Credentials missing', async () => {
    const x = await explain('/acac-missing', { credentials: 'include' });
    expect(x.verdicts[0]).toMatchObject({ code: 'InvalidAllowCredentials', parameter: '' });
    expect(x.chromiumConsoleMessage).toContain(
      "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true'",
    );
    expect(x.fix?.steps).toHaveLength(1);
    expect(x.fix?.steps[0]?.text).toBe(
      `add \`Access-Control-Allow-Credentials: true\` to the GET response of ${server.url}/acac-missing`,
    );
  });

  it('Access-Control-Allow-Credentials wrong (case matters)', async () => {
    const x = await explain('/acac-wrong', { credentials: 'include' });
    expect(x.verdicts[0]).toMatchObject({ code: 'InvalidAllowCredentials', parameter: 'TRUE' });
    expect(x.fix?.steps[0]?.text).toBe(
      `change \`Access-Control-Allow-Credentials: TRUE\` to \`Access-Control-Allow-Credentials: true\` on the GET response of ${server.url}/acac-wrong`,
    );
  });

  it('preflight answered with a non-2xx status', async () => {
    const x = await explain('/preflight-status', { method: 'PUT' });
    expect(x.preflighted).toBe(true);
    expect(x.verdicts[0]).toMatchObject({ code: 'PreflightInvalidStatus', parameter: '' });
    expect(x.chromiumConsoleMessage).toBe(
      `Access to fetch at '${server.url}/preflight-status' from origin '${ORIGIN}' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.`,
    );
    expect(x.fix?.steps).toHaveLength(1);
    expect(x.fix?.steps[0]).toMatchObject({ action: 'set-status', on: 'preflight', status: 204 });
    expect(x.fix?.steps[0]?.text).toBe(
      `answer the preflight (OPTIONS ${server.url}/preflight-status) with a 2xx status such as 204 instead of 404`,
    );
    // The PUT itself was never sent: its response was assumed from the preflight's.
    expect(server.log.some((l) => l.method === 'PUT')).toBe(false);
    expect(x.assumptions.join(' ')).toContain('was not sent (pass --send to send it)');
  });

  it('preflight redirected', async () => {
    const x = await explain('/preflight-redirect', { method: 'DELETE' });
    expect(x.verdicts[0]).toMatchObject({ code: 'PreflightDisallowedRedirect' });
    expect(x.chromiumConsoleMessage).toContain(
      "Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request.",
    );
    expect(x.fix?.steps[0]?.action).toBe('no-redirect');
    expect(x.fix?.steps[0]?.text).toContain("don't redirect the preflight");
    // After the redirect is gone, the preflight response still needs the CORS headers; the DELETE
    // response was not fetched (no --send) and is assumed to look like the preflight's, so it needs them too.
    expect(x.fix?.steps.slice(1).map((s) => [s.on, s.header, s.value])).toEqual([
      ['preflight', 'Access-Control-Allow-Origin', ORIGIN],
      ['preflight', 'Access-Control-Allow-Methods', 'DELETE'],
      ['actual', 'Access-Control-Allow-Origin', ORIGIN],
    ]);
    expect(x.fix?.notes.join(' ')).toContain(`the DELETE response of ${server.url}/preflight-redirect was not fetched`);
    expect(x.fix?.verified).toBe(true);
  });

  it('method not in Access-Control-Allow-Methods', async () => {
    const x = await explain('/acam', { method: 'PUT' });
    expect(x.verdicts[0]).toMatchObject({ code: 'MethodDisallowedByPreflightResponse', parameter: 'PUT' });
    expect(x.chromiumConsoleMessage).toContain(
      'Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.',
    );
    expect(x.fix?.steps[0]?.text).toBe(
      `add \`PUT\` to \`Access-Control-Allow-Methods\` (send \`Access-Control-Allow-Methods: GET, POST, PUT\`) on the preflight (OPTIONS) response of ${server.url}/acam`,
    );
    // Without --send the PUT response is assumed to carry the preflight's ACAO: one change suffices.
    expect(x.fix?.steps).toHaveLength(1);
    expect(x.fix?.notes.join(' ')).not.toContain('was not fetched');
  });

  it('with --send the real PUT response is judged too, and its missing ACAO is part of the fix', async () => {
    const x = await explain('/acam', { method: 'PUT' }, true);
    expect(x.assumptions).toEqual([]);
    expect(x.fix?.steps.map((s) => [s.on, s.method, s.header])).toEqual([
      ['preflight', 'OPTIONS', 'Access-Control-Allow-Methods'],
      ['actual', 'PUT', 'Access-Control-Allow-Origin'],
    ]);
    expect(server.log.some((l) => l.method === 'PUT' && l.path === '/acam')).toBe(true);
  });

  it('header not in Access-Control-Allow-Headers', async () => {
    const x = await explain('/acah', { headers: { 'X-Token': 'a', 'X-Trace': 'b' } });
    // Which of the two Chromium names depends on its header-map order (the engine models it).
    const first = x.verdicts[0]?.parameter ?? '';
    expect(['x-token', 'x-trace']).toContain(first);
    expect(x.verdicts[0]?.code).toBe('HeaderDisallowedByPreflightResponse');
    expect(x.chromiumConsoleMessage).toContain(
      `Request header field ${first} is not allowed by Access-Control-Allow-Headers in preflight response.`,
    );
    // Both missing names at once, not one per round.
    expect(x.fix?.steps).toHaveLength(1);
    expect(x.fix?.steps[0]?.value).toBe('content-type, x-token, x-trace');
    expect(x.fix?.steps[0]?.text).toContain('add `x-token`, `x-trace` to `Access-Control-Allow-Headers`');
  });

  it('Authorization covered by `*`: allowed in Chromium with a warning, blocked by the spec, fixed by listing it', async () => {
    const x = await explain('/auth-wildcard', { headers: { Authorization: 'Bearer t' } });
    expect(x.allowed).toBe(true);
    expect(x.verdicts.find((v) => v.profile === 'spec')).toMatchObject({
      allowed: false,
      code: 'HeaderDisallowedByPreflightResponse',
      parameter: 'authorization',
    });
    expect(x.warnings.join(' ')).toContain('List `authorization` explicitly');
    expect(x.fix?.steps[0]).toMatchObject({
      on: 'preflight',
      header: 'Access-Control-Allow-Headers',
      value: '*, authorization',
    });
    expect(x.fix?.passes).toContain('spec');
    expect(x.chromiumConsoleMessage).toBeNull();
  });
});

describe('explain: redirects and Origin: null', () => {
  it('a redirect without CORS headers fails on the redirect hop', async () => {
    const s = await startRoutes({
      '/r': { actual: { status: 302, headers: [['Location', `${other.url}/final-public`]] } },
    });
    try {
      const x = await explainRequest({ origin: ORIGIN, url: `${s.url}/r` }, { sender: live.send });
      expect(x.verdicts[0]).toMatchObject({ code: 'MissingAllowOriginHeader' });
      expect(x.fix?.steps[0]).toMatchObject({
        on: 'actual',
        url: `${s.url}/r`,
        header: 'Access-Control-Allow-Origin',
        value: ORIGIN,
      });
      expect(x.fix?.verified).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('a cross-origin redirect taints the origin to null: the message names both URLs and the fix warns about null', async () => {
    const o = await startRoutes({
      '/final-echo-fixed': { actual: { headers: [['Access-Control-Allow-Origin', ORIGIN]] } },
    });
    const s = await startRoutes({
      '/r': { actual: { status: 302, headers: [ACAO, ['Location', `${o.url}/final-echo-fixed`]] } },
    });
    try {
      const x = await explainRequest({ origin: ORIGIN, url: `${s.url}/r` }, { sender: live.send });
      expect(x.verdicts[0]).toMatchObject({ code: 'AllowOriginMismatch', parameter: ORIGIN });
      expect(x.chromiumConsoleMessage).toBe(
        `Access to fetch at '${o.url}/final-echo-fixed' (redirected from '${s.url}/r') from origin '${ORIGIN}' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value '${ORIGIN}' that is not equal to the supplied origin. Have the server send the header with a valid value.`,
      );
      expect(x.exchanges[1]?.request.headers).toContainEqual(['Origin', 'null']);
      expect(x.fix?.steps[0]).toMatchObject({
        url: `${o.url}/final-echo-fixed`,
        header: 'Access-Control-Allow-Origin',
        value: 'null',
      });
      expect(x.fix?.notes.join(' ')).toContain('Allowing the origin `null`');
    } finally {
      await s.close();
      await o.close();
    }
  });

  it('a redirect Location with credentials', async () => {
    const s = await startRoutes({
      '/r': {
        actual: {
          status: 302,
          headers: [ACAO, ['Location', `${other.url.replace('http://', 'http://user:pw@')}/final-public`]],
        },
      },
    });
    try {
      const x = await explainRequest({ origin: ORIGIN, url: `${s.url}/r` }, { sender: live.send });
      expect(x.verdicts[0]).toMatchObject({ code: 'RedirectContainsCredentials', parameter: '' });
      expect(x.fix?.steps[0]).toMatchObject({ header: 'Location', value: `${other.url}/final-public` });
      expect(x.fix?.verified).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('Origin: null allowed by an echoing server: allowed, with a warning', async () => {
    const x = await explainRequest({ origin: 'null', url: `${server.url}/echo` }, { sender: live.send });
    expect(x.allowed).toBe(true);
    expect(x.exchanges[0]?.request.headers).toContainEqual(['Origin', 'null']);
    expect(x.warnings.join(' ')).toContain('allows the origin `null`');
    expect(x.fix).toBeNull();
  });

  it('Origin: null refused: the fix names the value null', async () => {
    const x = await explainRequest({ origin: 'null', url: `${server.url}/missing` }, { sender: live.send });
    expect(x.chromiumConsoleMessage).toContain("from origin 'null' has been blocked");
    expect(x.fix?.steps[0]).toMatchObject({ header: 'Access-Control-Allow-Origin', value: 'null' });
    expect(x.fix?.notes.join(' ')).toContain('give the page a real origin');
  });

  it('an unreachable server is a network error with no header fix', async () => {
    const s = await startRoutes({});
    const url = `${s.url}/gone`;
    await s.close();
    const x = await explainRequest({ origin: ORIGIN, url }, { sender: live.send });
    expect(x.allowed).toBe(false);
    expect(x.verdicts[0]?.code).toBe('NetworkError');
    expect(x.summary).toContain(`when sending GET ${url} (`);
    expect(x.fix?.verified).toBe(false);
    expect(x.fix?.steps[0]?.action).toBe('client');
    expect(x.fix?.steps[0]?.text).toContain('make the server reachable');
  });

  it('a request fetch() itself rejects throws the TypeError', async () => {
    await expect(
      explainRequest({ origin: ORIGIN, url: `${server.url}/echo`, method: 'TRACE' }, { sender: live.send }),
    ).rejects.toThrow(TypeError);
  });
});
