/**
 * The severity model on recorded answers (the replay transport feeds `simulateFetch`; nothing is sent).
 */
import { describe, expect, it } from 'vitest';
import type { Exchange, HeaderList } from '../types.js';
import { targetNames } from './origins.js';
import { assessAccess, type AccessInput } from './access.js';
import { carriedCookies, cookiesOf } from './cookies.js';
import { looksInternal } from './internal-target.js';
import { shift } from './severity.js';

const url = 'https://api.target.com/account';
function ex(method: string, status: number, headers: HeaderList): Exchange {
  return { request: { method, url, headers: [] }, response: { status, headers, bodySnippet: '' } };
}
const attacker = 'https://corsight-attacker.com';
const reflect = (origin: string, extra: HeaderList = []): HeaderList => [
  ['Access-Control-Allow-Origin', origin],
  ['Access-Control-Allow-Credentials', 'true'],
  ...extra,
];

function input(partial: Partial<AccessInput> & { simple: Exchange | undefined }, target = url): AccessInput {
  return {
    names: targetNames(new URL(target)),
    origin: attacker,
    kind: 'attacker',
    via: 'simple',
    baseline: undefined,
    method: 'GET',
    hasCredentials: false,
    ...partial,
  };
}

describe('looksInternal', () => {
  const table: [string, boolean][] = [
    ['https://10.1.2.3/', true],
    ['https://172.20.0.1/', true],
    ['https://172.32.0.1/', false],
    ['https://192.168.1.1/', true],
    ['http://127.0.0.1:8080/', true],
    ['http://[::1]/', true],
    ['http://[fd00::1]/', true],
    ['https://8.8.8.8/', false],
    ['http://jira/', true],
    ['https://wiki.corp/', true],
    ['https://printer.local/', true],
    ['https://intranet.example.com/', true],
    ['https://api.example.com/', false],
    ['https://corsight-lab.test/', false],
  ];
  for (const [target, expected] of table) {
    it(`${target} -> ${expected}`, () => expect(looksInternal(targetNames(new URL(target)))).toBe(expected));
  }
});

describe('cookies a request carries (SameSite)', () => {
  const set = ex('GET', 200, [
    ['Set-Cookie', 'a=1; Path=/; Secure; SameSite=None'],
    ['Set-Cookie', 'b=2; Path=/; SameSite=None'],
    ['Set-Cookie', 'c=3; Path=/; Secure; SameSite=Lax'],
    ['Set-Cookie', 'd=4; Path=/'],
  ]);
  const cookies = cookiesOf(set);
  it('parses names and attributes', () => {
    expect(cookies).toEqual([
      { name: 'a', sameSite: 'none', secure: true },
      { name: 'b', sameSite: 'none', secure: false },
      { name: 'c', sameSite: 'lax', secure: true },
      { name: 'd', sameSite: 'default', secure: false },
    ]);
  });
  it('cross-site pages (and null) carry only SameSite=None; Secure; same-site pages carry all', () => {
    const target = new URL(url);
    expect(carriedCookies(cookies, attacker, target).map((c) => c.name)).toEqual(['a']);
    expect(carriedCookies(cookies, 'null', target).map((c) => c.name)).toEqual(['a']);
    expect(carriedCookies(cookies, 'https://evil.target.com', target).map((c) => c.name)).toEqual(['a', 'b', 'c', 'd']);
    // Schemeful same-site: the http twin is cross-site.
    expect(carriedCookies(cookies, 'http://api.target.com', target).map((c) => c.name)).toEqual(['a']);
  });
  it('an http target gets no Secure cookie at all (so no cross-site cookie), except on loopback', () => {
    expect(carriedCookies(cookies, attacker, new URL('http://api.target.com/')).map((c) => c.name)).toEqual([]);
    expect(
      carriedCookies(cookies, 'http://evil.target.com', new URL('http://api.target.com/')).map((c) => c.name),
    ).toEqual(['b', 'd']);
    expect(carriedCookies(cookies, attacker, new URL('http://localhost:8080/')).map((c) => c.name)).toEqual(['a']);
  });
});

describe('shift', () => {
  it('clamps to info..critical', () => {
    expect(shift('high', 1)).toBe('critical');
    expect(shift('critical', 1)).toBe('critical');
    expect(shift('low', -2)).toBe('info');
  });
});

describe('assessAccess', () => {
  it('credentialed read of a 2xx: high; critical with a SameSite=None; Secure cookie', async () => {
    expect((await assessAccess(input({ simple: ex('GET', 200, reflect(attacker)) }))).severity).toBe('high');
    const cookie = ex('GET', 200, [['Set-Cookie', 'sid=1; Secure; SameSite=None']]);
    const a = await assessAccess(input({ simple: ex('GET', 200, reflect(attacker)), baseline: cookie }));
    expect(a.severity).toBe('critical');
    expect(a.access).toBe('credentialed-read');
    expect(a.scenario.credentials).toBe('include');
  });

  it('Lax cookies do not make it critical for a cross-site attacker, but do for a sub-domain (then one level down)', async () => {
    const lax = ex('GET', 200, [['Set-Cookie', 'sid=1; Secure; SameSite=Lax']]);
    const cross = await assessAccess(input({ simple: ex('GET', 200, reflect(attacker)), baseline: lax }));
    expect(cross.severity).toBe('high');
    expect(cross.detail).toContain('SameSite Lax/Strict');
    const sub = 'https://corsight-probe.target.com';
    const same = await assessAccess(
      input({ origin: sub, kind: 'subdomain', simple: ex('GET', 200, reflect(sub)), baseline: lax }),
    );
    expect(same.severity).toBe('high');
    expect(same.detail).toContain('same-site');
  });

  it('uncredentialed read: low, medium on an internal target', async () => {
    const noCreds: HeaderList = [['Access-Control-Allow-Origin', attacker]];
    const pub = await assessAccess(input({ simple: ex('GET', 200, noCreds) }));
    expect([pub.access, pub.severity]).toEqual(['read', 'low']);
    expect(pub.detail).toContain("'Access-Control-Allow-Credentials' header");
    const internal = await assessAccess(input({ simple: ex('GET', 200, noCreds) }, 'https://10.0.0.5/admin'));
    expect(internal.severity).toBe('medium');
  });

  it('preflight that passes with credentials while the actual answer lacks CORS: credentialed send, high', async () => {
    const preflight = ex(
      'OPTIONS',
      204,
      reflect(attacker, [
        ['Access-Control-Allow-Methods', 'PUT'],
        ['Access-Control-Allow-Headers', 'content-type'],
      ]),
    );
    const a = await assessAccess(input({ via: 'preflight', preflight, simple: ex('GET', 200, []) }));
    expect([a.access, a.severity, a.scenario.method]).toEqual(['credentialed-send', 'high', 'PUT']);
  });

  it("a target's own request is graded through its preflight: a method and header only the app sends", async () => {
    const preflight = ex(
      'OPTIONS',
      204,
      reflect(attacker, [
        ['Access-Control-Allow-Methods', 'PURGE'],
        ['Access-Control-Allow-Headers', 'x-api-key'],
      ]),
    );
    const app = { method: 'PURGE', headers: ['x-api-key'] };
    const a = await assessAccess(input({ via: 'preflight', preflight, simple: ex('GET', 200, []), app }));
    expect([a.access, a.severity, a.scenario.method, a.scenario.headers]).toEqual([
      'credentialed-send',
      'high',
      'PURGE',
      [['x-api-key', 'corsight']],
    ]);
    // The generic candidates alone (PUT, DELETE, PATCH, POST) never pass this answer.
    const generic = await assessAccess(input({ via: 'preflight', preflight, simple: ex('GET', 200, []) }));
    expect(generic.access).toBe('none');
  });

  it("a preflight the browser still refuses: info, with Chromium's reason", async () => {
    const preflight = ex('OPTIONS', 204, reflect(attacker));
    const a = await assessAccess(input({ via: 'preflight', preflight, simple: ex('GET', 200, []) }));
    expect([a.access, a.severity]).toEqual(['none', 'info']);
    expect(a.detail).toContain('a browser still refuses');
  });

  it('downgrades non-2xx: 401/403 one level, others two', async () => {
    expect((await assessAccess(input({ simple: ex('GET', 403, reflect(attacker)) }))).severity).toBe('medium');
    const e = await assessAccess(input({ simple: ex('GET', 500, reflect(attacker)) }));
    expect(e.severity).toBe('low');
    expect(e.detail).toContain('Downgraded from high: this URL answered 500');
  });

  it('precondition modifiers: http twin -1 (-2 with HSTS), loopback -2', async () => {
    const twin = 'http://api.target.com';
    const hsts = ex('GET', 200, [['Strict-Transport-Security', 'max-age=63072000']]);
    expect(
      (await assessAccess(input({ origin: twin, kind: 'insecure', simple: ex('GET', 200, reflect(twin)) }))).severity,
    ).toBe('medium');
    expect(
      (
        await assessAccess(
          input({ origin: twin, kind: 'insecure', simple: ex('GET', 200, reflect(twin)), baseline: hsts }),
        )
      ).severity,
    ).toBe('low');
    const local = 'http://localhost:3000';
    expect(
      (await assessAccess(input({ origin: local, kind: 'local', simple: ex('GET', 200, reflect(local)) }))).severity,
    ).toBe('low');
  });

  it('mixed content: an https page cannot read an http target, so nothing is exposed to it', async () => {
    const a = await assessAccess(input({ simple: ex('GET', 200, reflect(attacker)) }, 'http://api.target.com/x'));
    expect([a.access, a.severity]).toEqual(['none', 'info']);
  });
});
