import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corsUnsafeRequestHeaderNames } from '../fetch/safelist.js';
import { blinkCaseFoldingHash, blinkHashMapOrder, chromiumRequestHeaderOrder } from './blink-order.js';
import { fakeServer } from './__fixtures__/server.js';
import { simulateFetch } from './simulate.js';

interface Observed {
  headers: [string, string][];
  loopback: string | null;
  insecure: string | null;
  mixed: string | null;
}
const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/chromium-header-order.json', import.meta.url), 'utf8')) as {
  cases: Observed[];
};

describe('Blink header hash map order', () => {
  it('the case-folding hash ignores ASCII case and is never 0', () => {
    expect(blinkCaseFoldingHash('X-Foo')).toBe(blinkCaseFoldingHash('x-foo'));
    expect(blinkCaseFoldingHash('x-foo')).not.toBe(blinkCaseFoldingHash('x-fop'));
    for (const n of ['a', 'ab', 'abc', 'abcd', 'x'.repeat(9), 'x'.repeat(30), 'y'.repeat(60)]) {
      const h = blinkCaseFoldingHash(n);
      expect(h).toBeGreaterThan(0);
      expect(h).toBeLessThan(1 << 24);
    }
  });
  it('merges case-insensitive duplicates and keeps every name', () => {
    const order = blinkHashMapOrder(['A', 'b', 'a', 'C', 'd', 'e', 'f', 'g', 'h', 'i']);
    expect(order).toHaveLength(9);
    expect(new Set(order.map((n) => n.toLowerCase())).size).toBe(9);
  });

  // 240 observations from a real Chromium 156: which disallowed header it reports first.
  const table = fixture.cases.flatMap((c, i) =>
    (['loopback', 'insecure', 'mixed'] as const).map((where) => [i, where, c.headers, c[where]] as const),
  );
  it.each(table)('case %i (%s): Chromium reports the first unsafe header in Blink order', (_i, where, headers, observed) => {
    const unsafe = corsUnsafeRequestHeaderNames(headers, { chromium: true });
    const order = chromiumRequestHeaderOrder(
      headers.map(([n]) => n),
      { trustworthyUrl: where !== 'insecure' },
    ).filter((n) => unsafe.includes(n));
    expect(order[0]).toBe(observed);
    // Sorted order would often be wrong: the point of modelling the hash map.
  });

  it('simulateFetch reports the same name, with its console text', async () => {
    const c = fixture.cases.find((x) => x.insecure !== [...corsUnsafeRequestHeaderNames(x.headers, { chromium: true })][0])!;
    const { transport } = fakeServer({
      'OPTIONS http://api.test/x': { headers: [['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Headers', 'x-none']] },
    });
    const out = await simulateFetch({ origin: 'http://page.test', url: 'http://api.test/x', headers: c.headers }, transport);
    expect(out.error).toMatchObject({ code: 'HeaderDisallowedByPreflightResponse', parameter: c.insecure });
    expect(out.error?.message).toContain(`Request header field ${c.insecure} is not allowed`);
    const spec = await simulateFetch({ origin: 'http://page.test', url: 'http://api.test/x', headers: c.headers }, transport, { profile: 'spec' });
    expect(spec.error?.parameter).toBe(corsUnsafeRequestHeaderNames(c.headers)[0]);
  });
});
