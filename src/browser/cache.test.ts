/**
 * Table-driven tests: The CORS-preflight cache used directly (cache.ts).
 */
import { describe, expect, it } from 'vitest';
import { PreflightCache } from './cache.js';
import { FIREFOX, SPEC } from './profiles.js';

const A = 'http://a.test';

describe('PreflightCache (direct)', () => {
  it('stores, looks up and expires with the injected clock', () => {
    let t = 0;
    const cache = new PreflightCache({ now: () => t });
    cache.store({
      origin: A,
      url: 'http://b.test/',
      methods: ['PUT'],
      headerNames: ['X-A'],
      maxAge: 10,
      credentials: 'omit',
    });
    const q = {
      origin: A,
      url: 'http://b.test/',
      method: 'PUT',
      unsafeHeaderNames: ['x-a'],
      credentials: 'omit' as const,
    };
    expect(cache.lookup(q).hit).toBe(true);
    expect(cache.entries()).toEqual([
      {
        origin: A,
        url: 'http://b.test/',
        credentials: false,
        methods: ['PUT'],
        headerNames: ['x-a'],
        expiresAt: 10000,
      },
    ]);
    t = 10000;
    expect(cache.lookup(q)).toMatchObject({ hit: false, detail: expect.stringContaining('expired') });
    expect(cache.size).toBe(0);
  });
  it('does not cache URLs of 1024 characters or more in Chromium', () => {
    const cache = new PreflightCache({ now: () => 0 });
    const url = `http://b.test/${'x'.repeat(1010)}`;
    cache.store({ origin: A, url, methods: ['PUT'], headerNames: [], maxAge: 10, credentials: 'omit' });
    expect(cache.size).toBe(0);
    cache.store({ origin: A, url, methods: ['PUT'], headerNames: [], maxAge: 10, credentials: 'omit' }, SPEC);
    expect(cache.size).toBe(1);
  });
  it('Firefox keys by credentials: a credentialed entry does not serve an uncredentialed request', () => {
    const cache = new PreflightCache({ now: () => 0 });
    cache.store(
      { origin: A, url: 'u', methods: ['PUT'], headerNames: [], maxAge: 10, credentials: 'include' },
      FIREFOX,
    );
    const q = { origin: A, url: 'u', method: 'PUT', unsafeHeaderNames: [], credentials: 'omit' as const };
    expect(cache.lookup(q, FIREFOX).hit).toBe(false);
    expect(cache.lookup(q, SPEC).hit).toBe(true);
    expect(cache.lookup({ ...q, credentials: 'include' }, FIREFOX).hit).toBe(true);
  });
  it('spec items: * covers methods and headers except Authorization', () => {
    const cache = new PreflightCache({ now: () => 0 });
    cache.store({ origin: A, url: 'u', methods: ['*'], headerNames: ['*'], maxAge: 10, credentials: 'omit' }, SPEC);
    const q = { origin: A, url: 'u', method: 'DELETE', unsafeHeaderNames: ['x-a'], credentials: 'omit' as const };
    expect(cache.lookup(q, SPEC).hit).toBe(true);
    expect(cache.lookup({ ...q, unsafeHeaderNames: ['authorization'] }, SPEC).hit).toBe(false);
    cache.clearAll();
    expect(cache.size).toBe(0);
  });
  it('rejects a clock that is not a function', () => {
    expect(() => new PreflightCache({ now: 5 as never })).toThrow(TypeError);
  });
});
