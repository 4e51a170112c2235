import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corsUnsafeRequestHeaderNames, isForbiddenRequestHeader } from '../fetch/safelist.js';
import { blinkCaseFoldingHash, blinkHashMapOrder, chromiumRequestHeaderOrder } from './blink-order.js';
import { fakeServer } from './__fixtures__/server.js';
import { simulateFetch } from './simulate.js';

interface Observed {
  headers: [string, string][];
  target: 'loopback' | 'insecure' | 'mixed';
  observed: string | null;
}
const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/chromium-header-order.json', import.meta.url), 'utf8'),
) as {
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

  // 582 observations from a real Chromium 156: which disallowed header it reports first.
  const table = fixture.cases.map((c, i) => [i, c.target, c.headers, c.observed] as const);
  it.each(table)(
    'case %i (%s): Chromium reports the first unsafe header in Blink order',
    (_i, target, headers, observed) => {
      const kept = headers.filter(([n, v]) => !isForbiddenRequestHeader(n, v, { userAgent: true }));
      const unsafe = corsUnsafeRequestHeaderNames(kept, { chromium: true });
      const order = chromiumRequestHeaderOrder(
        kept.map(([n]) => n),
        { trustworthyUrl: target !== 'insecure' },
      ).filter((n) => unsafe.includes(n));
      expect(order[0]).toBe(observed);
    },
  );

  it('sorted order would be wrong for many of them (why the hash map is modelled)', () => {
    const wrong = fixture.cases.filter(
      (c) => corsUnsafeRequestHeaderNames(c.headers, { chromium: true })[0] !== c.observed,
    );
    expect(wrong.length).toBeGreaterThan(fixture.cases.length / 2);
  });

  it('simulateFetch reports the same name, with its console text', async () => {
    const c = fixture.cases.find(
      (x) => x.target === 'insecure' && x.observed !== corsUnsafeRequestHeaderNames(x.headers, { chromium: true })[0],
    )!;
    const { transport } = fakeServer({
      'OPTIONS http://api.test/x': {
        headers: [
          ['Access-Control-Allow-Origin', '*'],
          ['Access-Control-Allow-Headers', 'x-none'],
        ],
      },
    });
    const out = await simulateFetch(
      { origin: 'http://page.test', url: 'http://api.test/x', headers: c.headers },
      transport,
    );
    expect(out.error).toMatchObject({ code: 'HeaderDisallowedByPreflightResponse', parameter: c.observed });
    expect(out.error?.message).toContain(`Request header field ${c.observed} is not allowed`);
    const spec = await simulateFetch(
      { origin: 'http://page.test', url: 'http://api.test/x', headers: c.headers },
      transport,
      { profile: 'spec' },
    );
    expect(spec.error?.parameter).toBe(corsUnsafeRequestHeaderNames(c.headers)[0]);
  });
});
