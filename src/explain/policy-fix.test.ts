/**
 * `explain` against a server whose CORS answers come from a corsight policy: the fix names configuration
 * changes, from the corsight-debug header or from the configuration, and no note is printed twice.
 */
import { describe, expect, it } from 'vitest';
import type { TransportResponse, WireRequest } from '../browser/index.js';
import { createPolicy, type PolicyConfig } from '../policy/index.js';
import { explainRequest } from './explain.js';
import { renderExplanation } from './render.js';
import type { Sender } from './types.js';

const ORIGIN = 'https://app.example.com';
const URL_ = 'https://api.example.com/items';

/** A server answering as corsight's middleware does: preflights from the policy, other requests 200. */
function corsightServer(config: PolicyConfig): Sender {
  const policy = createPolicy(config);
  return (req: WireRequest): Promise<TransportResponse> => {
    const headers = Object.fromEntries(req.headers.map(([n, v]) => [n.toLowerCase(), v]));
    const d = policy.evaluate({ method: req.method, headers });
    const lines = Object.entries(d.headers).map(([n, v]): [string, string] => [n, v]);
    if (d.kind === 'preflight') return Promise.resolve({ status: d.status ?? 204, headers: lines });
    return Promise.resolve({ status: 200, headers: [...lines, ['content-type', 'application/json']] });
  };
}

const base: PolicyConfig = { origins: [ORIGIN], methods: ['PUT'], requestHeaders: ['content-type'] };
const request = { origin: ORIGIN, url: URL_, method: 'PUT', headers: { 'x-client-version': '3' } };

describe('explain for a corsight server', () => {
  it('reads corsight-debug and names the configuration change, not seven headers', async () => {
    const x = await explainRequest(request, { sender: corsightServer({ ...base, debug: true }), send: true });
    expect(x.allowed).toBe(false);
    expect(x.fix?.steps).toHaveLength(1);
    expect(x.fix?.steps[0]).toMatchObject({ action: 'configure' });
    expect(x.fix?.steps[0]?.text).toBe('in the corsight policy, add `x-client-version` to `requestHeaders`');
    const text = renderExplanation(x);
    const notes = text.split('\n').filter((l) => l.trimStart().startsWith('note:'));
    expect(new Set(notes).size).toBe(notes.length);
    expect(text).not.toContain('usually does that on purpose');
  });

  it('with the configuration, names every change and checks them in every profile', async () => {
    const x = await explainRequest(
      { ...request, method: 'PATCH', credentials: 'include' as const },
      { sender: corsightServer(base), send: true, policy: base },
    );
    expect(x.fix?.steps.map((s) => s.text)).toEqual([
      'in the corsight policy, set `credentials: true`',
      'in the corsight policy, add `PATCH` to `methods`',
      'in the corsight policy, add `x-client-version` to `requestHeaders`',
    ]);
    expect(x.fix?.verified).toBe(true);
    expect(x.fix?.passes).toEqual(['chromium', 'firefox', 'safari', 'spec']);
  });

  it('keeps the header fix when the configuration already allows the request', async () => {
    const allowing: PolicyConfig = { ...base, requestHeaders: ['content-type', 'x-client-version'] };
    // The server answers from an older configuration than the one given: nothing to change in the file.
    const x = await explainRequest(request, { sender: corsightServer(base), send: true, policy: allowing });
    expect(x.fix?.steps.every((s) => s.action !== 'configure')).toBe(true);
  });
});
