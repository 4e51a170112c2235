/**
 * The scanner on the net layer, end to end against real loopback servers: interim responses before every
 * answer, a rate limiter answering 429 with Retry-After, and `--rate` with far more queued work than the
 * per-target deadline. A scan slowed down by the network must find what is there, not fail.
 */
import { describe, expect, it } from 'vitest';
import { useCleanup } from '../net/__fixtures__/cleanup.js';
import { interimCorsServer } from '../net/__fixtures__/interim.js';
import { httpServer, reflecting } from '../net/__fixtures__/servers.js';
import { scan, scanTarget } from './index.js';

const { serve } = useCleanup();

describe('scanning through the net layer', () => {
  it('scans a server that sends 100 Continue before every answer as it scans one that does not', async () => {
    const interim = await serve(interimCorsServer(() => true));
    const plain = await serve(interimCorsServer(() => true, ''));
    const [withInterim, without] = await Promise.all([
      scanTarget(`${interim.url}/api/me`, { timeout: 5000 }),
      scanTarget(`${plain.url}/api/me`, { timeout: 5000 }),
    ]);
    expect(withInterim.status).toBe('ok');
    expect(withInterim.error).toBeUndefined();
    expect(withInterim.findings.map((f) => f.check)).toContain('origin-reflected');
    expect(withInterim.findings.map((f) => f.check)).toEqual(without.findings.map((f) => f.check));
  });

  it('waits out a 429 limiter (Retry-After) and still finds the reflected origin, counting the retries', async () => {
    let requests = 0;
    let limited = 0;
    const server = await serve(
      httpServer((req, res) => {
        // Every eighth request is refused with a Retry-After of one second.
        if (++requests % 8 === 0) {
          limited++;
          res.writeHead(429, { 'Retry-After': '1' });
          res.end();
          return;
        }
        reflecting(req, res);
      }),
    );
    const result = await scanTarget(`${server.url}/api/me`, { timeout: 5000, retries: 3 });
    expect(result.status).toBe('ok');
    expect(result.findings.map((f) => f.check)).toContain('origin-reflected');
    expect(limited).toBeGreaterThan(0);
    // Every request on the wire is counted, the refused ones and their retries included.
    expect(result.requests).toBe(requests);
  });

  it('--rate slows a scan down but never fails it: queued probes do not consume the target deadline', async () => {
    const server = await serve(httpServer(reflecting));
    const targets = [1, 2, 3].map((n) => `${server.url}/t${n}`);
    const started = performance.now();
    const results = [];
    // 20 requests per second for three targets of dozens of probes each: seconds of queueing against a
    // 1200 ms target deadline (6 x the 200 ms request timeout).
    for await (const result of scan(targets, { rate: 20, timeout: 200 })) results.push(result);
    expect(performance.now() - started).toBeGreaterThan(1200);
    expect(results.map((r) => [r.status, r.error])).toEqual(targets.map(() => ['ok', undefined]));
    for (const result of results) expect(result.findings.map((f) => f.check)).toContain('origin-reflected');
  });
});
