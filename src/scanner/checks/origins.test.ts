import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getHeader } from '../../fetch/headers.js';
import { parseOrigin } from '../../fetch/origin.js';
import { createProbeContext } from '../context.js';
import type { ProbeTransport, TransportRequest } from '../transport.js';
import {
  isRegistrableHost,
  probeOriginProblem,
  specialCharOrigin,
  substringOrigins,
  targetNames,
  trustedLookingOrigins,
  unescapedDotOrigins,
} from './origins.js';
import { analyzeTrust } from './trust.js';

describe('origin builders', () => {
  it('derives the registrable domain and siblings from the target', () => {
    const names = targetNames(new URL('https://api.shop.example.co.uk:8443/x'));
    expect(names.domain).toBe('example.co.uk');
    expect(names.suffix).toBe('co.uk');
    expect(names.ownOrigin).toBe('https://api.shop.example.co.uk:8443');
    expect(trustedLookingOrigins(names, ['https://admin.example.co.uk', 'not an origin'])).toEqual({
      own: 'https://api.shop.example.co.uk:8443',
      hints: ['https://admin.example.co.uk'],
      siblings: ['https://example.co.uk', 'https://www.example.co.uk', 'https://app.example.co.uk'],
    });
  });

  it('builds unescaped-dot probes only where the replaced dot yields a registrable name', () => {
    expect(unescapedDotOrigins('www.target.com')).toEqual(['https://wwwxtarget.com']);
    expect(unescapedDotOrigins('a.b.target.com')).toEqual(['https://a.bxtarget.com']);
    // The dot inside the public suffix: target.co.uk -> targetxco.uk (registrable under .uk).
    expect(unescapedDotOrigins('target.co.uk')).toEqual(['https://targetxco.uk']);
    expect(unescapedDotOrigins('target.com')).toEqual([]);
    expect(unescapedDotOrigins('127.0.0.1')).toEqual([]);
  });

  it('builds registrable substrings, including a shorter public suffix', () => {
    expect(substringOrigins('washingtonpost.com')).toEqual(['https://ashingtonpost.com', 'https://washingtonpost.co']);
    expect(substringOrigins('corsight-lab.test')).toEqual(['https://orsight-lab.test']);
  });

  it('special-character origins are serialized origins as browsers send them', () => {
    expect(parseOrigin(specialCharOrigin('target.com', '_'))?.serialized).toBe(
      'https://target.com_.corsight-attacker.com',
    );
    expect(parseOrigin(specialCharOrigin('target.com', '`'))?.serialized).toBe(
      'https://target.com`.corsight-attacker.com',
    );
  });

  it('rejects impossible probe values', () => {
    const names = targetNames(new URL('https://target.com'));
    expect(probeOriginProblem('target.com.evil.com', 'attacker', names)).toMatch(/not a serialized origin/);
    expect(probeOriginProblem('https://evil.com/', 'attacker', names)).toMatch(/not a serialized origin/);
    expect(probeOriginProblem('https://user@evil.com', 'attacker', names)).toMatch(/not a serialized origin/);
    expect(probeOriginProblem('Null', 'opaque', names)).toMatch(/not a serialized origin/);
    expect(probeOriginProblem('https://evil.target.com', 'attacker', names)).toMatch(/target's own site/);
    expect(probeOriginProblem('https://github.io', 'hosting', names)).toMatch(/not under a registrable domain/);
    expect(probeOriginProblem('https://x.github.io', 'hosting', names)).toBeNull();
    expect(isRegistrableHost('localhost')).toBe(false);
  });
});

// A target host: optional sub-domain labels, a name, and a public suffix (ICANN, private hosting, or the
// reserved `.test` the lab uses); or an IP address; or localhost.
// Not `xn--…`: such a label must be valid Punycode, and a random one is not a host `new URL()` accepts (a
// target the scanner can never be given).
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/).filter((l) => !l.startsWith('xn--'));
const suffix = fc.constantFrom('com', 'co.uk', 'github.io', 'io', 'test', 'org', 'com.au', 'net', 'de', 'pages.dev');
const hostArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.array(label, { maxLength: 2 }), label, suffix)
      .map(([subs, name, sfx]) => [...subs, name, sfx].join('.')),
  },
  { weight: 1, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.constant('localhost') },
  { weight: 1, arbitrary: fc.ipV6().map((ip) => `[${ip}]`) },
);
const targetArb = fc
  .tuple(
    fc.constantFrom('http', 'https'),
    hostArb,
    fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    fc.constantFrom('/', '/api/x?y=1'),
  )
  .map(([scheme, host, port, path]) => new URL(`${scheme}://${host}${port !== undefined ? `:${port}` : ''}${path}`));

// How the in-process server decides (the planner is adaptive, so vary what it trusts).
const ruleArb = fc.oneof(
  fc.constant((_o: string, _own: string) => false),
  fc.constant((_o: string, _own: string) => true),
  fc.constant((o: string, own: string) => o === own),
  fc.constant((o: string, own: string) => o.startsWith(own.replace(/:\d+$/, ''))),
  fc.constant((o: string, own: string) => o.includes(new URL(own).hostname.split('.').slice(-2).join('.'))),
  fc.integer({ min: 0, max: 1_000_000 }).map((seed) => (o: string) => {
    let h = seed;
    for (let i = 0; i < o.length; i++) h = (h * 31 + o.charCodeAt(i)) >>> 0;
    return h % 3 === 0;
  }),
);

/** A transport answering from a rule in-process: the seam the runtime's ProbeContext is built on. */
function ruleTransport(rule: (origin: string, own: string) => boolean, sent: string[]): ProbeTransport {
  return {
    async send(request: TransportRequest) {
      const origin = getHeader(request.headers, 'origin');
      if (origin !== null) sent.push(origin);
      const headers: [string, string][] = [];
      if (origin !== null && rule(origin, request.url.origin)) {
        headers.push(['Access-Control-Allow-Origin', origin], ['Access-Control-Allow-Credentials', 'true']);
      }
      return { response: { status: 200, headers, bodySnippet: '' }, attempts: 1 };
    },
    close: async () => undefined,
    destroy: async () => undefined,
    stats: { requests: 0 } as ProbeTransport['stats'],
  };
}

describe('probe origins (property)', () => {
  it('every origin the planner sends is a serialized origin; attacker and hosting origins are registrable and outside the target site', async () => {
    await fc.assert(
      fc.asyncProperty(
        targetArb,
        ruleArb,
        fc.array(fc.constantFrom('https://app.partner.com', 'http://localhost:8080'), { maxLength: 1 }),
        async (url, rule, hints) => {
          const sent: string[] = [];
          const ctx = createProbeContext({ url, transport: ruleTransport(rule, sent), trustedOrigins: hints });
          const analysis = await analyzeTrust(ctx);
          const names = targetNames(url);
          for (const channel of [analysis.simple, analysis.preflight]) {
            if (channel === undefined) continue;
            for (const [origin, kind] of channel.kinds) {
              expect(probeOriginProblem(origin, kind, names), `${origin} (${kind}) for ${url.href}`).toBeNull();
            }
          }
          // Nothing goes on the wire that the planner did not classify.
          const classified = new Set([...analysis.simple.kinds.keys(), ...(analysis.preflight?.kinds.keys() ?? [])]);
          for (const origin of sent) expect(classified.has(origin), origin).toBe(true);
          // A small, bounded plan per channel.
          expect(analysis.simple.kinds.size).toBeLessThanOrEqual(40);
        },
      ),
      { numRuns: 400 },
    );
  });
});
