/** `corsight explain` end to end: flags, text and JSON output, exit codes 0/1/2, against loopback servers. */
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { labCertificate, labPrivateKey } from '../../lab/certs/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoutes, type RouteServer } from '../../explain/__fixtures__/servers.js';
import { run } from '../program.js';
import { UsageError } from '../exit-codes.js';
import { explainCommand, type ExplainCommandOptions } from './explain.js';

function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { text: () => string };
  w.text = () => chunks.join('');
  return w;
}

let server: RouteServer;
beforeAll(async () => {
  server = await startRoutes({
    '/ok': {
      actual: {
        headers: [
          ['Access-Control-Allow-Origin', '{origin}'],
          ['Vary', 'Origin'],
          ['X-Total', '3'],
          ['Access-Control-Expose-Headers', 'x-total'],
        ],
      },
    },
    '/put': {
      preflight: {
        status: 204,
        headers: [
          ['Access-Control-Allow-Origin', '{origin}'],
          ['Access-Control-Allow-Methods', 'GET'],
        ],
      },
      actual: { headers: [['Access-Control-Allow-Origin', '{origin}']] },
    },
  });
});
afterAll(() => server.close());

async function explain(url: string, options: ExplainCommandOptions) {
  const stdout = sink();
  const stderr = sink();
  const code = await explainCommand(url, { color: false, ...options }, { stdout, stderr });
  return { code, out: stdout.text(), err: stderr.text() };
}

describe('corsight explain', () => {
  it('exit 0 and a text report for an allowed request', async () => {
    const r = await explain(`${server.url}/ok`, { origin: 'https://app.test' });
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'Allowed in chromium: fetch() resolves with a cors response (status 200); script can read x-total.',
    );
    expect(r.out).toContain('(nothing: Chromium allows this request)');
    expect(r.out).toMatch(/chromium \*\s+allowed/);
    expect(r.out).not.toContain('Fix');
  });

  it('exit 1, the console line, the steps and the fix for a blocked one', async () => {
    const r = await explain(`${server.url}/put`, {
      origin: 'https://app.test',
      method: 'PUT',
      header: ['X-Token: 1'],
      profile: 'firefox',
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/firefox \*\s+blocked\s+MethodDisallowedByPreflightResponse \(PUT\)/);
    // The chosen profile is listed first, then the others.
    expect(r.out.indexOf('firefox *')).toBeLessThan(r.out.indexOf('  chromium'));
    expect(r.out).toContain(
      "Access to fetch at '" +
        server.url +
        "/put' from origin 'https://app.test' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
    );
    expect(r.out).toContain('miss  cache');
    expect(r.out).toContain('FAIL  preflight-response');
    expect(r.out).toContain(
      '1. add `PUT` to `Access-Control-Allow-Methods` (send `Access-Control-Allow-Methods: GET, PUT`) on the preflight (OPTIONS) response',
    );
    expect(r.out).toContain('2. add `x-token` to `Access-Control-Allow-Headers`');
    expect(r.out).toContain('Checked: with these changes the request passes in firefox, chromium, safari, spec.');
    expect(r.out).toContain('was not sent (pass --send to send it)');
  });

  it('--format json is the whole explanation', async () => {
    const r = await explain(`${server.url}/put`, {
      origin: 'https://app.test',
      method: 'PUT',
      format: 'json',
      send: true,
    });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.allowed).toBe(false);
    expect(j.verdicts[0]).toMatchObject({
      profile: 'chromium',
      code: 'MethodDisallowedByPreflightResponse',
      parameter: 'PUT',
    });
    expect(j.fix.steps[0]).toMatchObject({
      on: 'preflight',
      header: 'Access-Control-Allow-Methods',
      value: 'GET, PUT',
    });
    expect(j.assumptions).toEqual([]);
  });

  it('usage errors: bad origin, bad header, a request fetch() rejects, bad --resolve', async () => {
    await expect(explain(`${server.url}/ok`, { origin: 'https://app.test/path' })).rejects.toThrow(/bad --origin/);
    await expect(explain(`${server.url}/ok`, { origin: 'https://app.test', header: ['nocolon'] })).rejects.toThrow(
      UsageError,
    );
    await expect(explain(`${server.url}/ok`, { origin: 'https://app.test', method: 'CONNECT' })).rejects.toThrow(
      /fetch\(\) would reject/,
    );
    await expect(explain(`${server.url}/ok`, { origin: 'https://app.test', resolve: ['nope'] })).rejects.toThrow(
      /bad --resolve/,
    );
    await expect(explain('ftp://x.test/', { origin: 'https://app.test' })).rejects.toThrow(/only http and https/);
  });

  it('through the program: exit codes 0, 1 and 2', async () => {
    const write = process.stdout.write.bind(process.stdout);
    const errWrite = process.stderr.write.bind(process.stderr);
    const saved = process.exitCode;
    process.stdout.write = () => true;
    process.stderr.write = () => true;
    try {
      process.exitCode = undefined;
      expect(await run(['explain', `${server.url}/ok`, '--origin', 'https://app.test'])).toBe(0);
      process.exitCode = undefined;
      expect(await run(['explain', `${server.url}/put`, '--origin', 'https://app.test', '--method', 'PUT'])).toBe(1);
      process.exitCode = undefined;
      expect(await run(['explain', `${server.url}/ok`])).toBe(2);
      process.exitCode = undefined;
      expect(await run(['explain', `${server.url}/ok`, '--origin', 'nope'])).toBe(2);
      process.exitCode = undefined;
      expect(
        await run(['explain', `${server.url}/ok`, '--origin', 'https://app.test', '--credentials', 'sometimes']),
      ).toBe(2);
    } finally {
      process.stdout.write = write;
      process.stderr.write = errWrite;
      process.exitCode = saved;
    }
  });

  it('--page-address-space: a public page reaching the loopback server meets Local Network Access', async () => {
    const denied = await explain(`${server.url}/ok`, { origin: 'https://app.test', pageAddressSpace: 'public' });
    expect(denied.code).toBe(1);
    expect(denied.out).toMatch(/chromium \*\s+blocked\s+LocalNetworkAccessPermissionDenied/);
    expect(denied.out).toContain('Permission was denied for this request to access the `loopback` address space.');
    expect(denied.out).toContain('the user must grant the local network access permission');
    // Chromium sends nothing (the other profiles, which do not model LNA, still fetch the URL).
    const json = await explain(`${server.url}/ok`, {
      origin: 'https://app.test',
      pageAddressSpace: 'public',
      format: 'json',
    });
    expect((JSON.parse(json.out) as { exchanges: unknown[] }).exchanges).toEqual([]);
    const granted = await explain(`${server.url}/ok`, {
      origin: 'https://app.test',
      pageAddressSpace: 'public',
      localNetworkAccess: 'granted',
    });
    expect(granted.code).toBe(0);
    const insecure = await explain(`${server.url}/ok`, {
      origin: 'http://app.test',
      pageAddressSpace: 'public',
      localNetworkAccess: 'granted',
    });
    expect(insecure.out).toMatch(/chromium \*\s+blocked\s+InsecureLocalNetwork/);
    // A host name mapped with --resolve is judged by the address it is mapped to.
    const port = new URL(server.url).port;
    const named = await explain(`https://api.example.test:${port}/ok`, {
      origin: 'https://app.test',
      pageAddressSpace: 'public',
      resolve: ['api.example.test:127.0.0.1'],
    });
    expect(named.out).toContain('LocalNetworkAccessPermissionDenied');
    // Without the page's address space the verdict is unchanged, with a warning that LNA may apply.
    const unsaid = await explain(`${server.url}/ok`, { origin: 'https://app.test' });
    expect(unsaid.code).toBe(0);
    expect(unsaid.out).toContain('Chromium 142+ blocks this request unless the user allows local network access');
    // A page on localhost is itself on loopback: nothing to warn about.
    expect((await explain(`${server.url}/ok`, { origin: 'http://localhost:5173' })).out).not.toContain(
      'Local Network Access',
    );
    await expect(
      explain(`${server.url}/ok`, { origin: 'https://app.test', localNetworkAccess: 'granted' }),
    ).rejects.toThrow(/--local-network-access needs --page-address-space/);
    // --target-address-space: a loopback server declared local is InvalidLocalNetworkAccess.
    const declared = await explain(`${server.url}/ok`, {
      origin: 'https://app.test',
      pageAddressSpace: 'public',
      localNetworkAccess: 'granted',
      targetAddressSpace: 'local',
    });
    expect(declared.out).toContain(
      'Request had a target IP address space of `local` yet the resource is in address space `loopback`.',
    );
    await expect(
      explain(`${server.url}/ok`, { origin: 'https://app.test', targetAddressSpace: 'local' }),
    ).rejects.toThrow(/--target-address-space needs --page-address-space/);
  });

  it('--resolve maps a host name to the loopback server', async () => {
    const port = new URL(server.url).port;
    // An http: page: from an https: one, http://api.example.test would be mixed content.
    const r = await explain(`http://api.example.test:${port}/ok`, {
      origin: 'http://app.test',
      resolve: ['api.example.test:127.0.0.1'],
    });
    expect(r.code).toBe(0);
    expect(server.log.at(-1)?.headers.host).toBe(`api.example.test:${port}`);
    expect(server.log.at(-1)?.headers['sec-fetch-mode']).toBe('cors');
  });

  it('--insecure accepts a self-signed certificate; without it the TLS failure is a network error, not a CORS fix', async () => {
    const tls = createHttpsServer({ cert: labCertificate, key: labPrivateKey }, (req, res) => {
      res.setHeader('Access-Control-Allow-Origin', String(req.headers.origin));
      res.end('ok');
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/x`;
    try {
      const strict = await explain(url, { origin: 'https://app.test', format: 'json' });
      expect(strict.code).toBe(1);
      const j = JSON.parse(strict.out);
      expect(j.verdicts[0].code).toBe('NetworkError');
      expect(j.fix.steps[0].action).toBe('client');
      expect(j.exchanges[0].error).toMatch(/certificate/i);
      const relaxed = await explain(url, { origin: 'https://app.test', insecure: true });
      expect(relaxed.code).toBe(0);
    } finally {
      tls.closeAllConnections();
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });

  it('--expose: exit 0 when script can read the header, 1 with the Access-Control-Expose-Headers fix when not', async () => {
    const ok = await explain(`${server.url}/ok`, { origin: 'https://app.test', expose: ['X-Total'] });
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('script can read x-total');
    const missing = await explain(`${server.url}/ok`, { origin: 'https://app.test', expose: ['x-total', 'date'] });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('script cannot read date');
    expect(missing.out).toContain(
      `fix: change \`Access-Control-Expose-Headers: x-total\` to \`Access-Control-Expose-Headers: x-total, date\` on the GET response of ${server.url}/ok`,
    );
    const json = JSON.parse(
      (await explain(`${server.url}/ok`, { origin: 'https://app.test', expose: ['date'], format: 'json' })).out,
    );
    expect(json.exposure).toMatchObject({ wanted: ['date'], missing: ['date'] });
    await expect(explain(`${server.url}/ok`, { origin: 'https://app.test', expose: ['bad name'] })).rejects.toThrow(
      /bad --expose/,
    );
  });
});
