import { describe, expect, it } from 'vitest';
import { changeForDebugReason, policyChangesFor } from './fix.js';
import { createPolicy } from './index.js';

/** The reason a debug-mode policy gives for a preflight. */
function reasonFor(config: Parameters<typeof createPolicy>[0], headers: Record<string, string>): string {
  return createPolicy({ ...config, debug: true }).evaluate({ method: 'OPTIONS', headers }).reason ?? '';
}

describe('changeForDebugReason', () => {
  const config = { origins: ['https://a.example.com'], methods: ['PUT'], requestHeaders: ['content-type'] };
  it.each([
    [
      { origin: 'https://b.example.com', 'access-control-request-method': 'PUT' },
      'add `https://b.example.com` to `origins`',
    ],
    [{ origin: 'https://a.example.com', 'access-control-request-method': 'PATCH' }, 'add `PATCH` to `methods`'],
    [
      {
        origin: 'https://a.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'X-Client-Version',
      },
      'add `x-client-version` to `requestHeaders`',
    ],
    [
      {
        origin: 'https://a.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-private-network': 'true',
      },
      'set `privateNetwork: true`',
    ],
  ])("reads the policy's own reason for %j", (headers, text) => {
    expect(changeForDebugReason(reasonFor(config, headers))?.text).toBe(text);
  });

  it('names no change for an escaped value or text that is not a corsight reason', () => {
    const escaped = reasonFor(config, { origin: 'https://a.example.com', 'access-control-request-method': 'P\u00e4T' });
    expect(escaped).toContain('\\x');
    expect(changeForDebugReason(escaped)).toBeNull();
    expect(changeForDebugReason('forbidden')).toBeNull();
  });
});

describe('policyChangesFor', () => {
  it('replaces * with the origin when credentials are needed', () => {
    const r = policyChangesFor(
      { origins: ['*'] },
      { origin: 'https://a.example.com', method: 'GET', headerNames: [], preflight: false, credentials: true },
    );
    expect(r.changes.map((c) => c.text)).toEqual([
      'set `credentials: true`',
      "replace `'*'` in `origins` with `https://a.example.com`",
    ]);
    expect(r.verified).toBe(true);
  });

  it('returns no change when the configuration already allows the requests', () => {
    const r = policyChangesFor(
      { origins: ['https://a.example.com'], methods: ['PUT'] },
      { origin: 'https://a.example.com', method: 'PUT', headerNames: [], preflight: true, credentials: false },
    );
    expect(r).toEqual({ changes: [], verified: true });
  });
});
