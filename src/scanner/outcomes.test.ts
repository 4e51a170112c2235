/**
 * Servers that behave like real ones rather than like the lab (issue 10): a WAF that drops every request
 * carrying an Origin, rate limiters that answer 429 or drop connections part-way through the probes, and
 * targets given by IP address whose CORS rule is written the way the `cors` package is configured in the
 * wild. The scanner must never say "clear" for what it could not see, and must name the rule it did see.
 */
import type http from 'node:http';
import cors from 'cors';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { httpServer, type TestServer } from './__fixtures__/servers.js';
import { checkIds } from './checks/index.js';
import { noDomainReason, nameClasses } from './checks/trust.js';
import { scanTarget } from './index.js';
import type { TargetResult } from './types.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(handler: http.RequestListener): Promise<TestServer> {
  const server = await httpServer(handler);
  servers.push(server);
  return server;
}

/** Echoes any Origin with credentials: the server the limiters below stand in front of. */
const reflectAll: http.RequestListener = (req, res) => {
  const origin = req.headers.origin;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Vary: 'Origin' };
  if (origin !== undefined) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Access-Control-Allow-Credentials'] = 'true';
  }
  if (req.method === 'OPTIONS') {
    headers['Access-Control-Allow-Methods'] = 'GET, PUT';
    res.writeHead(204, headers).end();
    return;
  }
  res.writeHead(200, headers).end('{"account":"alice"}');
};

function outcome(result: TargetResult, id: string) {
  return result.checks.find((c) => c.id === id);
}

/** The invariants every result keeps, whatever the server did. */
function expectHonest(result: TargetResult): void {
  expect(result.checks.map((c) => c.id)).toEqual([...checkIds]);
  const undecided = result.checks.filter((c) => c.outcome === 'inconclusive');
  if (result.status === 'ok') expect(undecided).toEqual([]);
  else expect(undecided.length).toBeGreaterThan(0);
  for (const c of undecided) expect(c.reason, c.id).toMatch(/\S/);
  const { sent, answered, failed, rateLimited } = result.probes;
  expect(answered + failed + rateLimited).toBe(sent);
  expect(result.requests).toBeGreaterThanOrEqual(sent + result.probes.retried);
}

describe('targets that refuse or limit the probes', () => {
  it('a WAF that drops every request carrying Origin: partial, saying so, never clear', async () => {
    const server = await start((req, res) => {
      if (req.headers.origin !== undefined) {
        req.socket.destroy();
        return;
      }
      reflectAll(req, res);
    });
    const result = await scanTarget(`${server.url}/api/me`, { retries: 0 });
    expectHonest(result);
    expect(result.status).toBe('partial');
    expect(result.findings).toEqual([]);
    expect(result.checks.filter((c) => c.outcome === 'clear')).toEqual([]);
    expect(result.interference?.originFiltered).toMatch(/WAF or proxy filters on Origin/);
    expect(result.reason).toMatch(/^\d+ of 17 checks undecided: requests carrying Origin were refused \(/);
    expect(result.probes.failed).toBeGreaterThan(10);
  });

  it('a 429 limiter with Retry-After part-way through: it finds the reflection or says it could not, never "ok, no findings"', async () => {
    let served = 0;
    const server = await start((req, res) => {
      if (++served > 4) {
        res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'text/plain' }).end('slow down');
        return;
      }
      reflectAll(req, res);
    });
    const result = await scanTarget(`${server.url}/api/me`, { retries: 0 });
    expectHonest(result);
    const reflected = outcome(result, 'origin-reflected');
    expect(reflected?.outcome).not.toBe('clear');
    if (result.status === 'ok') {
      expect(result.findings.map((f) => f.check)).toContain('origin-reflected');
    } else {
      expect(result.status).toBe('partial');
      expect(result.interference?.rateLimited?.probes).toBeGreaterThan(0);
      expect(result.reason).toMatch(
        /rate-limited the scan: \d+ probes? (was|were) refused by a rate limiter \(rate limited: 429 with Retry-After: 1/,
      );
      expect(result.probes.rateLimited).toBeGreaterThan(0);
    }
    // No narrower class is claimed as the server's rule while reflection itself is undecided.
    for (const f of result.findings) {
      if (f.check !== 'origin-reflected' && f.check !== 'null-origin-trusted' && reflected?.outcome !== 'finding') {
        expect(f.rule, f.check).toMatch(/is unknown/);
      }
    }
  });

  it('a limiter that drops connections part-way: no prefix-match for a server that reflects everything', async () => {
    let served = 0;
    const server = await start((req, res) => {
      // Baseline and the first probes pass; after that every other request is dropped.
      if (++served > 6 && served % 2 === 0) {
        req.socket.destroy();
        return;
      }
      reflectAll(req, res);
    });
    const result = await scanTarget(`${server.url}/api/me`, { retries: 0 });
    expectHonest(result);
    expect(result.probes.failed).toBeGreaterThan(0);
    const reflected = outcome(result, 'origin-reflected');
    expect(reflected?.outcome).not.toBe('clear');
    // Found (and then every name class is covered by it), or the target says it could not decide.
    if (result.status === 'ok') expect(reflected?.outcome).toBe('finding');
    else expect(result.status).toBe('partial');
    for (const f of result.findings) {
      if (f.check === 'origin-reflected' || f.check === 'null-origin-trusted') continue;
      // Every name class found here is the reflection seen through a narrower probe.
      if (reflected?.outcome !== 'finding') expect(f.rule, f.check).toMatch(/is unknown/);
    }
  });
});

/** An express app with the `cors` package configured as `options`, on 127.0.0.1. */
async function corsApp(options: cors.CorsOptions): Promise<TestServer> {
  const app = express();
  app.use(cors(options));
  app.get('/api/me', (_req, res) => {
    res.json({ account: 'alice' });
  });
  return start(app);
}

describe('targets given by IP address, with the rules the cors package is configured with', () => {
  it('`origin: /example\\.com/` with --origin: containment, named as such (not an unescaped dot)', async () => {
    const server = await corsApp({ origin: /example\.com/, credentials: true });
    const result = await scanTarget(`${server.url}/api/me`, { trustedOrigins: ['https://app.example.com'] });
    expectHonest(result);
    expect(result.status).toBe('ok');
    const checks = result.findings.map((f) => f.check);
    expect(checks).toContain('substring-match');
    expect(checks).not.toContain('unescaped-dot');
    const finding = result.findings.find((f) => f.check === 'substring-match');
    expect(finding?.rule).toBe('accepts any origin containing `example.com`');
    expect(outcome(result, 'unescaped-dot')).toEqual({
      id: 'unescaped-dot',
      outcome: 'not-applicable',
      reason: 'covered by the substring-match finding',
    });
  });

  it('the same server without --origin: the name checks are inconclusive and say what to pass', async () => {
    const server = await corsApp({ origin: /example\.com/, credentials: true });
    const result = await scanTarget(`${server.url}/api/me`);
    expectHonest(result);
    expect(result.status).toBe('partial');
    expect(result.findings).toEqual([]);
    for (const id of nameClasses) {
      if (id === 'insecure-origin-trusted') continue; // an http target: not applicable
      expect(outcome(result, id), id).toEqual({ id, outcome: 'inconclusive', reason: noDomainReason });
    }
    expect(outcome(result, 'insecure-origin-trusted')?.outcome).toBe('not-applicable');
    expect(result.reason).toBe(`6 of 17 checks undecided: ${noDomainReason}`);
  });

  it('`endsWith`: suffix-match on the --origin domain', async () => {
    const server = await corsApp({
      origin: (origin, callback) => callback(null, origin?.endsWith('example.com') === true),
      credentials: true,
    });
    const result = await scanTarget(`${server.url}/api/me`, { trustedOrigins: ['https://app.example.com'] });
    expectHonest(result);
    expect(result.status).toBe('ok');
    const finding = result.findings.find((f) => f.check === 'suffix-match');
    expect(finding?.attackerOrigin).toBe('https://attackerexample.com');
    expect(finding?.rule).toBe('accepts any origin whose host ends in `example.com`');
  });

  it('`includes` on an allowlist string: the registrable truncation of the --origin front end', async () => {
    const server = await corsApp({
      origin: (origin, callback) =>
        callback(null, origin !== undefined && 'https://app.example.com https://admin.example.com'.includes(origin)),
      credentials: true,
    });
    const result = await scanTarget(`${server.url}/api/me`, { trustedOrigins: ['https://app.example.com'] });
    expectHonest(result);
    expect(result.status).toBe('ok');
    const finding = result.findings.find((f) => f.check === 'substring-match');
    expect(finding?.attackerOrigin).toBe('https://app.example.co');
    expect(finding?.rule).toContain('a truncation of the trusted `https://app.example.com`');
    expect(result.findings.map((f) => f.check)).toEqual(['substring-match']);
  });
});
