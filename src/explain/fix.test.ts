/**
 * The fix search on in-process senders (a function answering like a server): the less common
 * failures and the rules of `applyFixSteps`. The loopback suite (explain.test.ts) covers the common ones over HTTP.
 */
import { describe, expect, it } from 'vitest';
import type { CorsRequest, TransportResponse, WireRequest } from '../browser/index.js';
import { applyFixSteps } from './exchanges.js';
import { explainRequest } from './explain.js';
import type { Sender } from './types.js';

const ORIGIN = 'https://app.test';
const URL_ = 'https://api.test/x';

/** A server answering OPTIONS with `preflight` and everything else with `actual` (placeholder {origin}). */
function server(
  preflight: [string, string][],
  actual: [string, string][] = [['Access-Control-Allow-Origin', '{origin}']],
  status = 204,
): Sender & { seen: WireRequest[] } {
  const seen: WireRequest[] = [];
  const fill = (h: [string, string][], req: WireRequest): [string, string][] => {
    const origin = req.headers.find(([n]) => n.toLowerCase() === 'origin')?.[1] ?? '';
    return h.map(([n, v]) => [n, v.replace('{origin}', origin)]);
  };
  const send = async (req: WireRequest): Promise<TransportResponse> => {
    seen.push(req);
    return req.method === 'OPTIONS'
      ? { status, headers: fill(preflight, req) }
      : { status: 200, headers: fill(actual, req) };
  };
  return Object.assign(send, { seen });
}

async function fixFor(request: Partial<CorsRequest>, sender: Sender) {
  const x = await explainRequest({ origin: ORIGIN, url: URL_, ...request }, { sender, send: true });
  return x;
}

describe('fix search for the less common failures', () => {
  it('Access-Control-Allow-Methods that does not parse: a clean token list', async () => {
    const x = await fixFor(
      { method: 'PUT' },
      server([
        ['Access-Control-Allow-Origin', '{origin}'],
        ['Access-Control-Allow-Methods', 'GET, "PUT"'],
      ]),
    );
    expect(x.verdicts[0]?.code).toBe('InvalidAllowMethodsPreflightResponse');
    expect(x.fix?.steps[0]).toMatchObject({ header: 'Access-Control-Allow-Methods', value: 'GET, PUT' });
    expect(x.fix?.steps[0]?.text).toContain('send a comma-separated list of method tokens');
    expect(x.fix?.verified).toBe(true);
  });

  it('a method listed in another case: methods are case-sensitive', async () => {
    const x = await fixFor(
      { method: 'PATCH' },
      server([
        ['Access-Control-Allow-Origin', '{origin}'],
        ['Access-Control-Allow-Methods', 'patch'],
      ]),
    );
    expect(x.verdicts[0]).toMatchObject({ code: 'MethodDisallowedByPreflightResponse', parameter: 'PATCH' });
    expect(x.fix?.steps[0]?.value).toBe('patch, PATCH');
    expect(x.fix?.steps[0]?.text).toContain('with this exact case');
    expect(x.fix?.steps[0]?.text).toContain('(methods are compared case-sensitively)');
  });

  it('`*` methods and headers with credentials: listed explicitly, `*` dropped', async () => {
    const x = await fixFor(
      { method: 'PUT', credentials: 'include', headers: { 'X-Token': '1' } },
      server(
        [
          ['Access-Control-Allow-Origin', '{origin}'],
          ['Access-Control-Allow-Credentials', 'true'],
          ['Access-Control-Allow-Methods', '*'],
          ['Access-Control-Allow-Headers', '*'],
        ],
        [
          ['Access-Control-Allow-Origin', '{origin}'],
          ['Access-Control-Allow-Credentials', 'true'],
        ],
      ),
    );
    expect(x.fix?.steps.map((s) => [s.header, s.value])).toEqual([
      ['Access-Control-Allow-Methods', 'PUT'],
      ['Access-Control-Allow-Headers', 'x-token'],
    ]);
    expect(x.fix?.steps[0]?.text).toContain('`*` is a literal method name when credentials are included');
    expect(x.fix?.steps[1]?.text).toContain('`*` is a literal name when credentials are included');
  });

  it('Access-Control-Allow-Headers that does not parse', async () => {
    const x = await fixFor(
      { headers: { 'X-A': '1' } },
      server([
        ['Access-Control-Allow-Origin', '{origin}'],
        ['Access-Control-Allow-Headers', 'x a'],
      ]),
    );
    expect(x.verdicts[0]?.code).toBe('InvalidAllowHeadersPreflightResponse');
    expect(x.fix?.steps[0]).toMatchObject({ header: 'Access-Control-Allow-Headers', value: 'x-a' });
  });

  it('a preflight with ACAO but status 500 and no methods: status first, then the method', async () => {
    const x = await fixFor({ method: 'DELETE' }, server([['Access-Control-Allow-Origin', '{origin}']], undefined, 500));
    expect(x.fix?.steps.map((s) => s.action)).toEqual(['set-status', 'set-header']);
    expect(x.fix?.steps[1]).toMatchObject({ header: 'Access-Control-Allow-Methods', value: 'DELETE' });
  });

  it('mixed content is not a header problem', async () => {
    const x = await explainRequest({ origin: ORIGIN, url: 'http://api.test/x' }, { sender: server([]) });
    expect(x.verdicts[0]).toMatchObject({ code: 'NetworkError', parameter: 'mixed-content' });
    expect(x.fix?.steps[0]).toMatchObject({ action: 'client' });
    expect(x.fix?.steps[0]?.text).toContain('serve the resource over https:');
    expect(x.fix?.verified).toBe(false);
  });

  it("a same-origin-mode request is the page's to change", async () => {
    const x = await explainRequest({ origin: ORIGIN, url: URL_, mode: 'same-origin' }, { sender: server([]) });
    expect(x.allowed).toBe(false);
    expect(x.fix?.steps[0]?.action).toBe('client');
  });

  it('each distinct request reaches the server once, across four profiles and the fix search', async () => {
    const s = server([
      ['Access-Control-Allow-Origin', '{origin}'],
      ['Access-Control-Allow-Methods', 'GET'],
    ]);
    await fixFor({ method: 'PUT' }, s);
    expect(s.seen.map((r) => r.method)).toEqual(['OPTIONS', 'PUT']);
  });
});

describe('applyFixSteps', () => {
  const res: TransportResponse = {
    status: 302,
    headers: [
      ['Location', '/y'],
      ['Access-Control-Allow-Origin', 'a'],
      ['access-control-allow-origin', 'b'],
    ],
  };
  it('replaces every line of a header, changes status, removes a redirect — only on the targeted response', () => {
    const steps = [
      {
        action: 'set-header' as const,
        on: 'preflight' as const,
        method: 'OPTIONS',
        url: URL_,
        header: 'Access-Control-Allow-Origin',
        value: ORIGIN,
        text: '',
        why: '',
      },
      { action: 'no-redirect' as const, on: 'preflight' as const, method: 'OPTIONS', url: URL_, text: '', why: '' },
    ];
    expect(applyFixSteps('preflight', URL_, res, steps)).toEqual({
      status: 204,
      headers: [['Access-Control-Allow-Origin', ORIGIN]],
    });
    expect(applyFixSteps('actual', URL_, res, steps)).toEqual(res);
    expect(applyFixSteps('preflight', 'https://api.test/other', res, steps)).toEqual(res);
    expect(
      applyFixSteps('preflight', URL_, { status: 404, headers: [] }, [
        { ...steps[0]!, action: 'set-status', status: 204 },
      ]),
    ).toEqual({ status: 204, headers: [] });
  });
});
