/**
 * Generated cases (fast-check): random fetch() calls against random server behaviour, drawn from value pools
 * that mix valid, malformed, repeated, case-varied and whitespace-varied CORS headers, so the comparison
 * reaches corners nobody wrote a case for. Generation is deterministic for a seed (`fc.sample` with `seed`);
 * the seed comes from `CORSIGHT_SEED` or is random, and the caller always prints it.
 */
import fc from 'fast-check';
import type { SequenceGroup } from './sequences.js';
import type { Answer, CaseRequest, CaseSpec, HeaderLine, Hop, OriginKey } from './spec.js';

/** The seed of this run: CORSIGHT_SEED if set (must be an integer), else random. */
export function chooseSeed(env = process.env.CORSIGHT_SEED): number {
  if (env === undefined || env === '') return Math.floor(Math.random() * 0x7fffffff);
  const n = Number(env);
  if (!Number.isInteger(n)) throw new TypeError(`CORSIGHT_SEED must be an integer, got ${JSON.stringify(env)}`);
  return n;
}

/** How many generated cases: CORSIGHT_CASES if set (at least 2,000 are always run), else 2,000. */
export function chooseCount(env = process.env.CORSIGHT_CASES): number {
  if (env === undefined || env === '') return 2000;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) {
    throw new TypeError(`CORSIGHT_CASES must be a positive integer, got ${JSON.stringify(env)}`);
  }
  return Math.max(2000, n);
}

const weighted = <T>(...items: [T, number][]): fc.Arbitrary<T> =>
  fc.oneof(...items.map(([v, weight]) => ({ arbitrary: fc.constant(v), weight })));

/** Randomly re-cases a header name (names are case-insensitive on both sides). */
const nameCase = (name: string): fc.Arbitrary<string> => fc.constantFrom(name, name.toLowerCase(), name.toUpperCase());

const method = weighted<string>(
  ['GET', 14],
  ['POST', 8],
  ['PUT', 8],
  ['DELETE', 5],
  ['PATCH', 4],
  ['HEAD', 4],
  ['OPTIONS', 3],
  ['get', 2],
  ['post', 2],
  ['put', 2],
  ['delete', 1],
  ['patch', 3],
  ['options', 1],
  ['head', 1],
  ['FOO', 2],
  ['Foo', 1],
  ['M-SEARCH', 1],
  ['*', 1],
  ['CONNECT', 1],
  ['trace', 1],
  ['GE T', 1],
);

const long = 'x'.repeat(129);
const requestHeader: fc.Arbitrary<HeaderLine> = fc.oneof(
  {
    arbitrary: fc.tuple(
      nameCase('Content-Type'),
      fc.constantFrom(
        'text/plain',
        'application/json',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'text/plain; charset=utf-8',
        'TEXT/PLAIN',
        'text/html',
        'text/plain;"',
        '',
        'text/plain,',
        `text/plain; a=${long}`,
      ),
    ),
    weight: 3,
  },
  {
    arbitrary: fc.tuple(
      nameCase('Accept'),
      fc.constantFrom('*/*', 'application/json', 'text/html, */*;q=0.8', '"', long),
    ),
    weight: 3,
  },
  { arbitrary: fc.tuple(nameCase('Accept-Language'), fc.constantFrom('en', 'fr-CH, fr;q=0.9', '@', '')), weight: 3 },
  { arbitrary: fc.tuple(nameCase('Content-Language'), fc.constantFrom('en', 'de-DE', 'x@y')), weight: 3 },
  {
    arbitrary: fc.tuple(
      nameCase('Range'),
      fc.constantFrom('bytes=0-10', 'bytes=5-', 'bytes=-5', 'bytes=9-1', 'bytes=0-1,2-3'),
    ),
    weight: 3,
  },
  {
    arbitrary: fc.tuple(
      fc.constantFrom('X-A', 'x-a', 'X-B', 'X-Requested-With', 'X-Custom-Header', 'x-api-key'),
      fc.constantFrom('1', '', 'a b', 'XMLHttpRequest', ' padded '),
    ),
    weight: 3,
  },
  { arbitrary: fc.tuple(nameCase('Authorization'), fc.constantFrom('Bearer t', 'Basic dTpw')), weight: 3 },
  {
    arbitrary: fc.tuple(
      fc.constantFrom('DPR', 'Device-Memory', 'Width', 'Viewport-Width'),
      fc.constantFrom('2', '0.5', '100', 'x'),
    ),
    weight: 3,
  },
  { arbitrary: fc.tuple(nameCase('Save-Data'), fc.constantFrom('on', 'off')), weight: 3 },
  {
    arbitrary: fc.tuple(
      fc.constantFrom(
        'User-Agent',
        'Cookie',
        'Sec-Foo',
        'Proxy-Foo',
        'Origin',
        'Referer',
        'Host',
        'Access-Control-Request-Method',
      ),
      fc.constant('x'),
    ),
    weight: 1,
  },
  {
    arbitrary: fc.tuple(
      fc.constantFrom('X-HTTP-Method-Override', 'X-Method-Override', 'X-HTTP-Method'),
      fc.constantFrom('PATCH', 'TRACE', 'get, CONNECT'),
    ),
    weight: 1,
  },
  { arbitrary: fc.tuple(fc.constantFrom('Last-Event-ID', 'Intervention'), fc.constant('1')), weight: 1 },
  // Construction errors: a name that is not a token, a value with a newline, a character above U+00FF.
  { arbitrary: fc.tuple(fc.constantFrom('Bad Name', 'X-Ok'), fc.constantFrom('1', 'a\nb')), weight: 1 },
  // Latin-1 bytes in values (allowed by Headers; safelisting must judge the bytes), and one that is not a byte.
  {
    arbitrary: fc.tuple(
      fc.constantFrom('Accept', 'Content-Language', 'X-A'),
      fc.constantFrom('caf\u00e9', '\u00ff', '\u20ac'),
    ),
    weight: 1,
  },
);

const acao = weighted<string[] | null>(
  [null, 5],
  [['*'], 8],
  [['{{origin}}'], 24],
  [['{{page}}'], 4],
  [['{{page}}/'], 1],
  [['{{pageupper}}'], 1],
  [['null'], 2],
  [['NULL'], 1],
  [['{{origin}}, *'], 1],
  [['{{origin}}', '{{origin}}'], 1],
  [['*', '*'], 1],
  [[''], 1],
  [['http://evil.test'], 1],
  [['{{origin:sibling}}'], 1],
  [['http://\u00e9.test'], 1],
  [['{{origin}} x'], 1],
);
const acac = weighted<string[] | null>(
  [null, 6],
  [['true'], 12],
  [['True'], 1],
  [['false'], 1],
  [['true', 'true'], 1],
  [[''], 1],
  [['TRUE'], 1],
);
const acam = weighted<string[] | null>(
  [null, 6],
  [['{{acrm}}'], 16],
  [['*'], 3],
  [['GET, POST'], 2],
  [['PUT'], 2],
  [['put'], 1],
  [['PATCH'], 2],
  [['patch'], 1],
  [['PUT, DELETE, PATCH'], 2],
  [['GE T'], 1],
  [['"PUT"'], 1],
  [[''], 1],
  [[',PUT,,'], 1],
  [['PUT', 'DELETE'], 1],
  [['FOO'], 1],
  [['*, PUT'], 1],
  [['OPTIONS'], 1],
);
const acah = weighted<string[] | null>(
  [null, 6],
  [['{{acrh}}'], 16],
  [['*'], 4],
  [['x-a'], 2],
  [['X-A, x-b'], 2],
  [['authorization'], 1],
  [['content-type'], 2],
  [['*, authorization'], 1],
  [['x a'], 1],
  [['"x-a"'], 1],
  [[''], 1],
  [['x-a', 'x-b'], 1],
  [['x-a,,'], 1],
  [['X-Custom-Header, X-Requested-With, x-api-key'], 1],
  [['range, accept, dpr'], 1],
  [['x-\u00e9'], 1],
);
const aceh = weighted<string[] | null>(
  [null, 8],
  [['*'], 3],
  [['x-a'], 2],
  [['X-A, x-b'], 2],
  [['set-cookie, x-a'], 1],
  [['bad value'], 1],
  [[''], 1],
  [['x-a', 'date'], 1],
  [['*, x-b'], 1],
  [['"x-a"'], 1],
  [['X-CUSTOM-HEADER'], 1],
  [['x-\u00e9'], 1],
);
const maxAge = weighted<string | null>([null, 6], ['0', 1], ['5', 1], ['-1', 1], ['abc', 1], ['7200', 1], ['1.5', 1]);
const extra = fc.subarray<HeaderLine>([
  ['X-A', '1'],
  ['x-b', '2'],
  ['Set-Cookie', 'a=b'],
  ['Content-Language', 'en'],
  ['X-Custom-Header', 'q'],
  ['Date', 'Thu, 01 Jan 2026 00:00:00 GMT'],
  ['Expires', '0'],
  ['Vary', 'Origin'],
  ['x-\u00e9', 'caf\u00e9'],
]);

/** The CORS header lines of one answer, with case and whitespace variants. */
const corsLines = (preflight: boolean): fc.Arbitrary<HeaderLine[]> =>
  fc
    .record({
      acao,
      acac,
      acam: preflight ? acam : fc.constant(null),
      acah: preflight ? acah : fc.constant(null),
      maxAge: preflight ? maxAge : fc.constant(null),
      aceh: preflight ? fc.constant(null) : aceh,
      extra: preflight ? fc.constant([]) : extra,
      acaoName: nameCase('Access-Control-Allow-Origin'),
      pads: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 12 }),
      order: fc.boolean(),
    })
    .map((r) => {
      const lines: HeaderLine[] = [];
      let i = 0;
      const pad = (v: string) => {
        const p = r.pads[i++ % r.pads.length]!;
        return p === 0 ? ` ${v}` : p === 1 ? `${v}\t` : v;
      };
      const push = (name: string, values: string[] | null) => values?.forEach((v) => lines.push([name, pad(v)]));
      push(r.acaoName, r.acao);
      push('Access-Control-Allow-Credentials', r.acac);
      push('Access-Control-Allow-Methods', r.acam);
      push('Access-Control-Allow-Headers', r.acah);
      if (r.maxAge !== null) lines.push(['Access-Control-Max-Age', r.maxAge]);
      push('Access-Control-Expose-Headers', r.aceh);
      lines.push(...r.extra);
      return r.order ? lines.reverse() : lines;
    });

const preflightAnswer: fc.Arbitrary<Answer> = fc
  .record({
    status: weighted<number>([200, 16], [204, 3], [299, 1], [400, 1], [404, 1], [500, 1], [302, 1]),
    headers: corsLines(true),
  })
  .map((a) =>
    a.status === 302 ? { status: 302, headers: [['Location', '{{self}}'] as HeaderLine, ...a.headers] } : a,
  );

const finalAnswer: fc.Arbitrary<Answer> = fc.record({
  status: weighted<number>([200, 20], [201, 1], [204, 2], [400, 1], [404, 1], [500, 1], [302, 1]),
  headers: corsLines(false),
});

/** Location lines of a redirect: nearly always the next hop, sometimes odd (scheme, syntax, repeated, empty). */
const location = weighted<HeaderLine[]>(
  [[['Location', '{{next}}']], 40],
  [
    [
      ['Location', '{{next}}'],
      ['Location', '{{next}}'],
    ],
    1,
  ],
  [
    [
      ['Location', '{{next}}'],
      ['Location', '{{self}}'],
    ],
    1,
  ],
  [[['Location', '']], 1],
  [[['Location', 'ftp://x.test/']], 1],
  [[['Location', 'data:,x']], 1],
  [[['Location', 'http://[']], 1],
  [[['Location', '{{next}}#f']], 1],
);

const redirectAnswer: fc.Arbitrary<Answer> = fc
  .record({
    status: fc.constantFrom(301, 302, 303, 307, 308),
    location,
    headers: corsLines(false),
  })
  .map((a) => ({ status: a.status, headers: [...a.location, ...a.headers] }));

const target = weighted<OriginKey>(
  ['api', 10],
  ['other', 2],
  ['page', 3],
  ['sibling', 2],
  ['secure', 2],
  ['spage', 1],
  ['loopback', 1],
);

const hops: fc.Arbitrary<Hop[]> = fc
  .tuple(
    weighted<number>([1, 14], [2, 4], [3, 2]),
    fc.array(
      fc.record({
        at: target,
        preflight: preflightAnswer,
        redirect: redirectAnswer,
        final: finalAnswer,
        userinfo: weighted<boolean>([false, 30], [true, 1]),
      }),
      { minLength: 3, maxLength: 3 },
    ),
  )
  .map(([n, parts]) =>
    parts.slice(0, n).map((p, i) => {
      const hop: Hop = { at: p.at, preflight: p.preflight, actual: i === n - 1 ? p.final : p.redirect };
      if (i > 0 && p.userinfo) hop.userinfo = 'user:pass';
      return hop;
    }),
  );

const request: fc.Arbitrary<CaseRequest> = fc
  .record({
    from: weighted<'page' | 'null' | 'spage'>(['page', 16], ['null', 2], ['spage', 2]),
    method,
    headers: fc.array(requestHeader, { maxLength: 3 }),
    credentials: weighted<CaseRequest['credentials'] | undefined>(
      [undefined, 3],
      ['omit', 2],
      ['same-origin', 1],
      ['include', 3],
    ),
    mode: weighted<CaseRequest['mode'] | undefined>([undefined, 16], ['no-cors', 2], ['same-origin', 1]),
    redirect: weighted<CaseRequest['redirect'] | undefined>([undefined, 16], ['manual', 2], ['error', 1]),
    body: weighted<boolean>([false, 3], [true, 1]),
  })
  .map((r) => {
    const out: CaseRequest = { from: r.from, method: r.method, headers: r.headers };
    if (r.credentials) out.credentials = r.credentials;
    if (r.mode) out.mode = r.mode;
    if (r.redirect) out.redirect = r.redirect;
    // Mostly keep bodies to methods that may carry one, so most cases reach the network; a few still test
    // the TypeError for a body on GET/HEAD.
    if (r.body && (!/^(get|head)$/i.test(r.method) || r.headers.length === 3)) out.body = 'text';
    return out;
  });

/** The arbitrary of whole cases. */
export const caseArbitrary: fc.Arbitrary<Omit<CaseSpec, 'id'>> = fc.record({ request, hops });

/** `count` cases for `seed`, ids `g<index>`. */
export function generateCases(seed: number, count: number): CaseSpec[] {
  return fc.sample(caseArbitrary, { seed, numRuns: count }).map((c, i) => ({ id: `g${i}`, ...c }));
}

/**
 * Generated preflight-cache sequences: one resource whose preflight answer varies (methods, headers,
 * credentials, wildcards, Max-Age), then four requests 0.35 s apart that may or may not be covered by the
 * cached result. Max-Age values are 0, negative, unparsable (5 s), absent (5 s) or 60, so no step falls near an
 * expiry; what is exercised is the cache's matching and replacement.
 */
export function generateSequenceGroups(seed: number, count: number): SequenceGroup[] {
  const cacheAnswer = fc.record({
    acao: fc.constantFrom('{{origin}}', '*'),
    acac: fc.boolean(),
    acam: fc.constantFrom<string | null>(null, '{{acrm}}', '*', 'PUT', 'PUT, DELETE', 'patch', 'PATCH, put'),
    acah: fc.constantFrom<string | null>(
      null,
      '{{acrh}}',
      '*',
      'x-a',
      'X-A, x-b',
      'authorization',
      '*, authorization',
      'content-type',
    ),
    maxAge: fc.constantFrom<string | null>(null, '0', '-1', 'abc', '60', '60', '60'),
    byMethod: fc.boolean(),
  });
  const step = fc.record({
    method: fc.constantFrom('PUT', 'DELETE', 'patch', 'PATCH', 'GET', 'POST', 'put'),
    headers: fc.subarray<HeaderLine>([
      ['X-A', '1'],
      ['x-b', '2'],
      ['Authorization', 'x'],
      ['Content-Type', 'application/json'],
    ]),
    credentials: fc.constantFrom<'omit' | 'include'>('omit', 'include'),
  });
  const group = fc.record({ answer: cacheAnswer, steps: fc.array(step, { minLength: 4, maxLength: 4 }) });
  return fc.sample(group, { seed, numRuns: count }).map((g, i) => {
    const lines: HeaderLine[] = [['Access-Control-Allow-Origin', g.answer.acao]];
    if (g.answer.acac) lines.push(['Access-Control-Allow-Credentials', 'true']);
    if (g.answer.acam !== null) lines.push(['Access-Control-Allow-Methods', g.answer.acam]);
    if (g.answer.acah !== null) lines.push(['Access-Control-Allow-Headers', g.answer.acah]);
    if (g.answer.maxAge !== null) lines.push(['Access-Control-Max-Age', g.answer.maxAge]);
    // With byMethod, a DELETE preflight is answered with DELETE only: the next result replaces the entry.
    const preflight: Answer[] = g.answer.byMethod
      ? [
          {
            when: { acrm: 'DELETE' },
            headers: lines.map(([n, v]) => [n, n === 'Access-Control-Allow-Methods' ? 'DELETE' : v] as HeaderLine),
          },
          { headers: lines },
        ]
      : [{ headers: lines }];
    const actual: Answer = {
      headers: [
        ['Access-Control-Allow-Origin', '{{origin}}'],
        ['Access-Control-Allow-Credentials', 'true'],
      ],
    };
    return {
      id: `gen-${i}`,
      resources: { r: [{ at: 'api', preflight, actual }] },
      steps: g.steps.map((s, j) => {
        const request: CaseRequest = { method: s.method, headers: s.headers, credentials: s.credentials };
        if (/^(post|put|patch|delete)$/i.test(s.method)) request.body = 'text';
        return { at: j * 0.35, resource: 'r', request };
      }),
    };
  });
}
