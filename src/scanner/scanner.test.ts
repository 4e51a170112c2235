import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { createScanner } from './scanner.js';
import { scan, scanTarget } from './index.js';
import {
  httpServer,
  httpsServer,
  preflightCheck,
  reflecting,
  reflectionCheck,
  type TestServer,
} from './__fixtures__/servers.js';

const servers: TestServer[] = [];
async function serve(server: Promise<TestServer>): Promise<TestServer> {
  const s = await server;
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const checks = [reflectionCheck, preflightCheck];

describe('scanTarget', () => {
  it('runs every check against one context and shares identical probes', async () => {
    const seen: string[] = [];
    const server = await serve(
      httpServer((req, res) => {
        seen.push(`${req.method} ${req.headers.origin ?? '-'}`);
        reflecting(req, res);
      }),
    );
    const result = await scanTarget(`${server.url}/api`, { checks });
    expect(result.status).toBe('ok');
    expect(result.findings.map((f) => f.check)).toEqual(['origin-reflected', 'permissive-preflight']);
    // Baseline + one simple probe shared by both checks + one preflight.
    expect(result.requests).toBe(3);
    expect(seen.sort()).toEqual([
      'GET -',
      'GET https://attacker-corsight.example',
      'OPTIONS https://attacker-corsight.example',
    ]);
  });

  it('records the exchange exactly as sent: Host, user headers, cookie, then Origin and the probe headers', async () => {
    let received: IncomingMessage | undefined;
    const server = await serve(
      httpServer((req, res) => {
        if (req.method === 'OPTIONS') received = req;
        reflecting(req, res);
      }),
    );
    const result = await scanTarget(`${server.url}/x?q=1`, {
      checks: [preflightCheck],
      headers: [['X-Api-Key', 'k1']],
      cookie: 'session=abc',
    });
    const finding = result.findings[0];
    expect(finding?.evidence.request.url).toBe(`${server.url}/x?q=1`);
    expect(finding?.evidence.request.method).toBe('OPTIONS');
    const names = finding?.evidence.request.headers.map(([name]) => name);
    expect(names).toEqual([
      'Host',
      'User-Agent',
      'Accept',
      'X-Api-Key',
      'Cookie',
      'Origin',
      'Access-Control-Request-Method',
      'Access-Control-Request-Headers',
    ]);
    expect(received?.headers.cookie).toBe('session=abc');
    expect(received?.headers['x-api-key']).toBe('k1');
    expect(received?.url).toBe('/x?q=1');
    expect(finding?.evidence.response.status).toBe(204);
    expect(finding?.evidence.response.headers).toContainEqual(['Access-Control-Allow-Methods', 'PUT']);
  });

  it('reports a redirect and does not follow it by default', async () => {
    const hits: string[] = [];
    const server = await serve(
      httpServer((req, res) => {
        hits.push(req.url ?? '');
        if (req.url === '/old') {
          res.writeHead(301, { Location: '/new' });
          res.end();
          return;
        }
        reflecting(req, res);
      }),
    );
    const result = await scanTarget(`${server.url}/old`, { checks });
    expect(result.redirect).toEqual({ status: 301, location: `${server.url}/new` });
    expect(hits.every((path) => path === '/old')).toBe(true);
    expect(result.status).toBe('ok');
  });

  it('follows a redirect within the site with followRedirects and scans the final URL', async () => {
    const server = await serve(
      httpServer((req, res) => {
        if (req.url === '/old') {
          res.writeHead(302, { Location: `http://api.scan.test:${req.socket.localPort}/new` });
          res.end();
          return;
        }
        reflecting(req, res);
      }),
    );
    const result = await scanTarget(`http://www.scan.test:${server.port}/old`, {
      checks,
      followRedirects: true,
      resolve: ['*.scan.test:127.0.0.1'],
    });
    expect(result.status).toBe('ok');
    expect(result.finalUrl).toBe(`http://api.scan.test:${server.port}/new`);
    expect(result.redirect).toBeUndefined();
    expect(result.findings[0]?.evidence.request.url).toBe(`http://api.scan.test:${server.port}/new`);
  });

  it('never follows a redirect to another site, even with followRedirects', async () => {
    const hits: string[] = [];
    const server = await serve(
      httpServer((req, res) => {
        hits.push(`${req.headers.host}${req.url}`);
        if (req.url === '/old') {
          res.writeHead(307, { Location: `http://elsewhere.test:${req.socket.localPort}/` });
          res.end();
          return;
        }
        reflecting(req, res);
      }),
    );
    const result = await scanTarget(`http://www.scan.test:${server.port}/old`, {
      checks,
      followRedirects: true,
      resolve: ['*.scan.test:127.0.0.1', 'elsewhere.test:127.0.0.1'],
    });
    expect(result.redirect).toEqual({ status: 307, location: `http://elsewhere.test:${server.port}/` });
    expect(hits.some((hit) => hit.startsWith('elsewhere.test'))).toBe(false);
  });

  it('turns a redirect loop into a per-target error', async () => {
    const server = await serve(
      httpServer((req, res) => {
        res.writeHead(302, { Location: req.url === '/a' ? '/b' : '/a' });
        res.end();
      }),
    );
    const result = await scanTarget(`${server.url}/a`, { checks, followRedirects: true });
    expect(result.status).toBe('error');
    expect(result.error).toMatch(/^redirect loop: .*\/a -> .*\/b -> .*\/a$/);
  });

  it('limits a check that throws to that check, undecided and named, keeping the other findings (partial)', async () => {
    const server = await serve(httpServer(reflecting));
    const broken = { ...preflightCheck, run: async () => Promise.reject(new Error('boom')) };
    const result = await scanTarget(server.url, { checks: [reflectionCheck, broken] });
    expect(result.status).toBe('partial');
    expect(result.reason).toBe('1 of 2 checks undecided: check permissive-preflight failed: boom');
    expect(result.checks).toEqual([
      { id: 'origin-reflected', outcome: 'finding' },
      { id: 'permissive-preflight', outcome: 'inconclusive', reason: 'check permissive-preflight failed: boom' },
    ]);
    expect(result.findings.map((f) => f.check)).toEqual(['origin-reflected']);
  });

  it('ends a check that never settles at the target deadline', async () => {
    const server = await serve(httpServer(reflecting));
    const stuck = { ...preflightCheck, run: () => new Promise<never>(() => undefined) };
    const result = await scanTarget(server.url, { checks: [reflectionCheck, stuck], targetTimeout: 2000 });
    expect(result.status).toBe('partial');
    expect(result.reason).toMatch(/^1 of 2 checks undecided: target timeout/);
    expect(result.findings.map((f) => f.check)).toEqual(['origin-reflected']);
  });

  it('reads at most bodyCap bytes of a body', async () => {
    const server = await serve(
      httpServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('x'.repeat(100_000));
      }),
    );
    const seen: string[] = [];
    const probe = {
      ...reflectionCheck,
      run: async (ctx: Parameters<typeof reflectionCheck.run>[0]) => {
        seen.push((await ctx.baseline()).response.bodySnippet);
        return { outcome: 'clear' as const, findings: [] };
      },
    };
    const result = await scanTarget(server.url, { checks: [probe], bodyCap: 1000 });
    expect(result.status).toBe('ok');
    expect(seen[0]).toBe('x'.repeat(1000));
  });

  it('rejects unusable targets as error results, not exceptions', async () => {
    expect(await scanTarget('ftp://example.test/', { checks })).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/unsupported scheme/),
    });
    expect(await scanTarget('not a url', { checks })).toMatchObject({
      status: 'error',
      error: "invalid URL 'not a url'",
    });
  });

  it('scans https targets with --insecure and refuses the self-signed certificate without it', async () => {
    const server = await serve(httpsServer(reflecting));
    const insecure = await scanTarget(`https://api.scan.test:${server.port}/`, {
      checks,
      insecure: true,
      resolve: ['api.scan.test:127.0.0.1'],
    });
    expect(insecure.status).toBe('ok');
    expect(insecure.findings).toHaveLength(2);
    const strict = await scanTarget(`https://api.scan.test:${server.port}/`, {
      checks,
      resolve: ['api.scan.test:127.0.0.1'],
    });
    expect(strict).toMatchObject({ status: 'error', findings: [] });
    expect(strict.error).toMatch(/^TLS: self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\); use --insecure/);
  });
});

describe('scan', () => {
  it('yields one result per target as each finishes, never more in flight than allowed per host', async () => {
    let inFlight = 0;
    let peak = 0;
    let fastAnswered = 0;
    const held: (() => void)[] = [];
    const server = await serve(
      httpServer((req, res) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        const answer = () => {
          inFlight--;
          reflecting(req, res);
        };
        // Hold the slow target's answers until every fast target (3 requests each) has been answered.
        if (req.url === '/slow' && fastAnswered < 60) {
          held.push(answer);
          return;
        }
        setTimeout(() => {
          answer();
          if (req.url !== '/slow' && ++fastAnswered === 60) for (const release of held.splice(0)) release();
        }, 2);
      }),
    );
    const targets = ['/slow', ...Array.from({ length: 20 }, (_, i) => `/t${i}`)].map((path) => `${server.url}${path}`);
    const results = [];
    for await (const result of scan(targets, { checks, concurrency: 8, perHost: 3 })) results.push(result);
    expect(results).toHaveLength(21);
    expect(new Set(results.map((r) => r.url))).toEqual(new Set(targets));
    expect(results.every((r) => r.status === 'ok' && r.findings.length === 2)).toBe(true);
    expect(peak).toBeLessThanOrEqual(3);
    expect(results[20]?.url).toBe(`${server.url}/slow`);
  });

  it('pulls targets lazily from an async iterable and cancels work when the consumer stops', async () => {
    const server = await serve(httpServer(reflecting));
    let pulled = 0;
    async function* targets() {
      await Promise.resolve();
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield `${server.url}/t${i}`;
      }
    }
    const scanner = createScanner({ checks, concurrency: 4 });
    let seen = 0;
    for await (const result of scanner.scan(targets())) {
      expect(result.status).toBe('ok');
      if (++seen === 5) break;
    }
    await scanner.close();
    expect(pulled).toBeLessThan(20);
  });
});
