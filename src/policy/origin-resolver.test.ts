import { describe, expect, it } from 'vitest';
import { createPolicy, type PolicyConfig, type PolicyDecision, type PolicyRequest } from './index.js';

const A = 'https://app.example.com';
const TENANT = 'https://tenant-1.example.net';
const get = (origin: string): PolicyRequest => ({ method: 'GET', headers: { origin }, url: '/api' });
const preflight = (origin: string): PolicyRequest => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'PUT' },
  url: '/api',
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A resolver that allows `allowed`, counting calls and recording what it was given. */
function tenantResolver(allowed: string[], delayMs = 0) {
  const calls: { origin: string; request: PolicyRequest }[] = [];
  const resolver = async (origin: string, request: PolicyRequest) => {
    calls.push({ origin, request });
    if (delayMs > 0) await sleep(delayMs);
    return allowed.includes(origin);
  };
  return { resolver, calls };
}

describe('origin resolver (dynamic origins)', () => {
  it('decides origins the list does not match, with the same headers as a listed origin', async () => {
    const { resolver, calls } = tenantResolver([TENANT]);
    const policy = createPolicy({ origins: [A, resolver], credentials: true, methods: ['PUT'], maxAge: 60 });
    const listed = policy.decide(get(A));
    expect(listed).not.toBeInstanceOf(Promise); // listed origins never wait
    const actual = await policy.decide(get(TENANT));
    expect(actual).toEqual({
      kind: 'actual',
      allowed: true,
      headers: { 'access-control-allow-origin': TENANT, 'access-control-allow-credentials': 'true', vary: 'Origin' },
    });
    const granted = await policy.decide(preflight(TENANT));
    expect(granted.status).toBe(204);
    expect(granted.headers['access-control-allow-methods']).toBe('PUT');
    expect(granted.headers['access-control-max-age']).toBe('60');
    const refused = await policy.decide(preflight('https://other.example.net'));
    expect(refused.status).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.headers.vary).toContain('Origin');
    expect(calls.map((c) => c.origin)).toEqual([TENANT, 'https://other.example.net']);
    expect(calls[0]!.request.url).toBe('/api');
  });

  it('answers from its cache synchronously, in evaluate too, and refuses what it has not been asked yet', async () => {
    const { resolver, calls } = tenantResolver([TENANT]);
    const policy = createPolicy({ origins: [resolver] });
    const before = policy.evaluate(get(TENANT));
    expect(before.allowed).toBe(false);
    expect(before.reason).toMatch(/resolver has not answered/);
    expect(policy.decide(get(TENANT))).toBeInstanceOf(Promise);
    await policy.decide(get(TENANT));
    const cached = policy.decide(get(TENANT));
    expect(cached).not.toBeInstanceOf(Promise);
    expect((cached as PolicyDecision).allowed).toBe(true);
    expect(policy.evaluate(get(TENANT)).allowed).toBe(true);
    expect(calls).toHaveLength(1);
    policy.clearOriginCache();
    expect(policy.decide(get(TENANT))).toBeInstanceOf(Promise);
  });

  it('caches refusals too, bounded by max (least recently used out) and ttlMs', async () => {
    const { resolver, calls } = tenantResolver([TENANT]);
    const policy = createPolicy({ origins: [resolver], originCache: { max: 2, ttlMs: 80 } });
    const origins = ['https://a.example.net', 'https://b.example.net', 'https://c.example.net'];
    for (const o of origins) await policy.decide(get(o));
    expect(calls).toHaveLength(3);
    await policy.decide(get(origins[2]!)); // cached
    await policy.decide(get(origins[0]!)); // evicted by the third
    expect(calls).toHaveLength(4);
    await sleep(120);
    await policy.decide(get(origins[0]!)); // expired
    expect(calls).toHaveLength(5);
  });

  it('asks on every request with originCache: false, sharing one call between concurrent requests', async () => {
    const { resolver, calls } = tenantResolver([TENANT], 30);
    const policy = createPolicy({ origins: [resolver], originCache: false });
    const answers = await Promise.all([1, 2, 3].map(async () => policy.decide(get(TENANT))));
    expect(answers.every((d) => d.allowed)).toBe(true);
    expect(calls).toHaveLength(1);
    await policy.decide(get(TENANT));
    expect(calls).toHaveLength(2);
  });

  it.each<[string, PolicyConfig['origins'][number], RegExp]>([
    [
      'throws',
      () => {
        throw new Error('database down');
      },
      /resolver failed/,
    ],
    ['rejects with a non-Error', () => Promise.reject(new Error('nope')), /resolver failed/],
    ['is too slow', () => sleep(200).then(() => true), /longer than 50 ms/],
    ['returns a header value', (() => TENANT) as unknown as () => boolean, /must return true or false/],
  ])('refuses, reports through onError and caches nothing when the resolver %s', async (_label, resolver, message) => {
    const errors: { error: Error; origin: string }[] = [];
    const policy = createPolicy({
      origins: [resolver],
      originTimeoutMs: 50,
      onError: (error, { origin }) => errors.push({ error, origin }),
    });
    const d = await policy.decide(get(TENANT));
    expect(d.allowed).toBe(false);
    expect(d.headers['access-control-allow-origin']).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.origin).toBe(TENANT);
    expect(errors[0]!.error.message).toMatch(message);
    expect(policy.decide(get(TENANT))).toBeInstanceOf(Promise); // not cached: asked again
  });

  it('is never asked about null, malformed, non-http or (with credentials) insecure origins', () => {
    const { resolver, calls } = tenantResolver([]);
    const policy = createPolicy({ origins: [resolver], credentials: true });
    for (const origin of [
      'null',
      'https://A.example.net',
      'https://a.example.net:443',
      'ftp://a.example.net',
      'http://a.example.net',
      'https://a.example.net/x',
      'x'.repeat(400),
    ]) {
      const d = policy.decide(get(origin));
      expect(d).not.toBeInstanceOf(Promise);
      expect((d as PolicyDecision).allowed).toBe(false);
    }
    expect(policy.decide(get('http://localhost:5173'))).toBeInstanceOf(Promise); // loopback http is fine
    expect(calls).toHaveLength(0);
  });

  it('starts with a fresh cache after reconfigure, and keeps functions in policy.config', async () => {
    const { resolver, calls } = tenantResolver([TENANT]);
    const policy = createPolicy({ origins: [resolver] });
    await policy.decide(get(TENANT));
    policy.reconfigure({ origins: [A, resolver] });
    expect(policy.config.origins[1]).toBe(resolver);
    expect(Object.isFrozen(policy.config.origins)).toBe(true);
    await policy.decide(get(TENANT));
    expect(calls).toHaveLength(2);
  });
});

describe('preflightStatus', () => {
  it('answers granted preflights with 200 when asked, refused ones with 403 still', () => {
    const policy = createPolicy({ origins: [A], methods: ['PUT'], preflightStatus: 200 });
    expect(policy.evaluate(preflight(A)).status).toBe(200);
    expect(policy.evaluate(preflight('https://evil.example')).status).toBe(403);
    expect(createPolicy({ origins: ['*'], methods: ['PUT'] }).evaluate(preflight(A)).status).toBe(204);
  });
});
