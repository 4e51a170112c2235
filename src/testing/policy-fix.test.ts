/**
 * corsight/testing on an app served by corsight's own middleware: a failure names the configuration change,
 * from the corsight-debug header (policy debug: true) or from the configuration passed as `policy`.
 */
import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { withCors } from '../adapters/node.js';
import type { PolicyConfig } from '../policy/index.js';
import { expectCors, nodeHandler } from './index.js';

const APP = 'https://app.example';
const config: PolicyConfig = { origins: [APP], methods: ['PUT'], requestHeaders: ['content-type'] };
const app = (c: PolicyConfig) =>
  nodeHandler(
    withCors(c, (_req, res) => {
      res.end('ok');
    }),
  );

async function failure(c: PolicyConfig, policy?: PolicyConfig): Promise<string> {
  const err = await expectCors(app(c), policy === undefined ? {} : { policy })
    .from(APP)
    .fetch('/items', { method: 'PUT', headers: { 'X-Client-Version': '3' } })
    .toBeAllowed()
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AssertionError);
  return (err as AssertionError).message;
}

describe('corsight/testing on a corsight app', () => {
  it('names the configuration change from corsight-debug', async () => {
    const message = await failure({ ...config, debug: true });
    expect(message).toContain('1. in the corsight policy, add `x-client-version` to `requestHeaders`');
    expect(message).not.toContain('2. ');
  });

  it('names the configuration change from the policy it is given', async () => {
    const message = await failure(config, config);
    expect(message).toContain('1. in the corsight policy, add `x-client-version` to `requestHeaders`');
    const notes = message.split('\n').filter((l) => l.trimStart().startsWith('note:'));
    expect(new Set(notes).size).toBe(notes.length);
  });
});
