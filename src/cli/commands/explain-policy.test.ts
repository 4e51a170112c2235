/**
 * `corsight explain --policy FILE` against a real corsight server on loopback: the fix names the exact
 * configuration changes, and a bad policy file is a usage error naming the problem.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCors } from '../../adapters/node.js';
import { UsageError } from '../exit-codes.js';
import { explainCommand } from './explain.js';

const config = { origins: ['http://app.test'], methods: ['PUT'], requestHeaders: ['content-type'] };
let server: Server;
let url: string;
let dir: string;

beforeAll(async () => {
  const handler = withCors(config, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/items`;
  dir = await mkdtemp(join(tmpdir(), 'corsight-explain-policy-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function explain(policyFile: string) {
  let out = '';
  const stdout = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  const code = await explainCommand(
    url,
    {
      origin: 'http://app.test',
      method: 'PUT',
      header: ['X-Client-Version: 3'],
      send: true,
      color: false,
      policy: policyFile,
    },
    { stdout, stderr: stdout },
  );
  return { code, out };
}

describe('explain --policy', () => {
  it("names the configuration change of a corsight server's refusal, checked", async () => {
    const file = join(dir, 'cors.yaml');
    await writeFile(file, 'origins: [http://app.test]\nmethods: [PUT]\nrequestHeaders: [content-type]\n');
    const r = await explain(file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('1. in the corsight policy, add `x-client-version` to `requestHeaders`');
    expect(r.out).not.toContain('2. ');
    expect(r.out).toContain('Checked: with this change the request passes in chromium, firefox, safari, spec.');
  });

  it('refuses an invalid policy file with a usage error naming the problem', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ origin: ['http://app.test'] }));
    await expect(explain(file)).rejects.toThrow(UsageError);
    await expect(explain(file)).rejects.toThrow(/did you mean "origins"/);
  });
});
