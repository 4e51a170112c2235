/**
 * Property tests: whatever a server answers, simulateFetch settles with a well-formed outcome and
 * never throws; it throws only the documented TypeErrors for bad requests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PreflightCache } from './cache.js';
import { simulateFetch } from './simulate.js';
import type { CorsOutcome, CorsRequest, Transport } from './types.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

const headerName = fc.oneof(
  fc.constantFrom(
    'Access-Control-Allow-Origin',
    'access-control-allow-origin',
    'Access-Control-Allow-Credentials',
    'Access-Control-Allow-Methods',
    'Access-Control-Allow-Headers',
    'Access-Control-Expose-Headers',
    'Access-Control-Max-Age',
    'Location',
    'Set-Cookie',
    'Content-Type',
    'X-Custom',
  ),
  fc.string({ minLength: 0, maxLength: 12 }),
);
const headerValue = fc.oneof(
  fc.constantFrom(
    '*',
    'null',
    'http://a.test',
    'http://b.test',
    'true',
    'True',
    'GET, PUT',
    '*, x-a',
    '5',
    '-1',
    '/next',
    'http://c.test/x',
    'http://u:p@c.test/',
    'http://[',
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
);
const answer = fc.record({
  status: fc.oneof(fc.constantFrom(200, 204, 301, 302, 303, 307, 308, 404, 500), fc.integer({ min: -5, max: 1100 })),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
});

const request: fc.Arbitrary<CorsRequest> = fc.record(
  {
    origin: fc.constantFrom('http://a.test', 'null', 'https://a.test'),
    url: fc.constantFrom(
      'http://b.test/x',
      'http://a.test/x',
      'https://b.test/y?q=1',
      '/rel',
      'http://127.0.0.1:8002/',
    ),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'patch', 'DELETE', 'HEAD', 'OPTIONS', 'FOO'),
    headers: fc.array(
      fc.tuple(
        fc.constantFrom('X-A', 'Content-Type', 'Authorization', 'Accept', 'Range', 'DPR'),
        fc.constantFrom('1', 'text/plain', 'application/json', 'bytes=0-', '"x"'),
      ),
      { maxLength: 3 },
    ),
    credentials: fc.constantFrom('omit', 'same-origin', 'include'),
    mode: fc.constantFrom('cors', 'no-cors', 'same-origin'),
    redirect: fc.constantFrom('follow', 'error', 'manual'),
    body: fc.constantFrom('none', 'text', 'stream'),
  },
  { requiredKeys: ['origin', 'url'] },
);

function checkOutcome(out: CorsOutcome): void {
  expect(typeof out.allowed).toBe('boolean');
  expect(out.allowed).toBe(out.error === undefined);
  expect(out.allowed).toBe(out.response !== undefined);
  expect(out.preflighted).toBe(
    out.requests.some((r) => r.method === 'OPTIONS' && r.headers.some(([n]) => n === 'Access-Control-Request-Method')),
  );
  expect(out.requests.length).toBeLessThanOrEqual(42);
  if (out.response) {
    const names = out.response.exposedHeaders;
    expect([...new Set(names)].sort()).toEqual(names);
    for (const n of names) expect(n).toBe(n.toLowerCase());
    expect(names).not.toContain('set-cookie');
    if (out.response.type === 'opaque' || out.response.type === 'opaqueredirect') expect(out.response.status).toBe(0);
  }
  if (out.error) {
    expect(out.error.message.length).toBeGreaterThan(0);
    expect(out.error.kind === 'network').toBe(out.error.code === 'NetworkError');
  }
  expect(out.trace.length).toBeGreaterThan(0);
}

describe(`simulateFetch never crashes on arbitrary server answers (fast-check seed ${seed})`, () => {
  it('settles with a well-formed outcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        request,
        fc.array(answer, { minLength: 1, maxLength: 25 }),
        fc.boolean(),
        async (req, answers, throwing) => {
          let i = 0;
          const transport: Transport = () => {
            const a = answers[Math.min(i++, answers.length - 1)]!;
            if (throwing && i === answers.length) return Promise.reject(new Error('connection reset'));
            return Promise.resolve(a);
          };
          let out: CorsOutcome;
          try {
            out = await simulateFetch(req, transport, { cache: new PreflightCache({ now: () => 0 }) });
          } catch (e) {
            // Only request-construction TypeErrors may escape.
            expect(e).toBeInstanceOf(TypeError);
            const m = (e as Error).message;
            expect(m).toMatch(/unsupported in no-cors mode|cannot have body|ReadableStream|Failed to parse URL/);
            return;
          }
          checkOutcome(out);
        },
      ),
      { seed, numRuns: 400 },
    );
  });

  it('tolerates transports that answer junk', async () => {
    const junk = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.string(),
      fc.record({ status: fc.anything() }),
      fc.record({ status: fc.integer(), headers: fc.anything() }),
      fc.record({ status: fc.constant(200), headers: fc.array(fc.array(fc.anything(), { maxLength: 3 })) }),
    );
    await fc.assert(
      fc.asyncProperty(junk, async (value) => {
        const out = await simulateFetch({ origin: 'http://a.test', url: 'http://b.test/' }, () =>
          Promise.resolve(value as never),
        );
        checkOutcome(out);
      }),
      { seed, numRuns: 200 },
    );
  });
});
