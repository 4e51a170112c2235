import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startRedis } from '../../queue/__fixtures__/redis-server.js';
import { UsageError } from '../exit-codes.js';
import { runWorker } from './worker.js';

function io(signal = new AbortController().signal) {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { io: { stderr, signal }, text: () => text };
}

describe('corsight worker', () => {
  it.each([
    [{}, 'no --queue: give the Redis URL, e.g. redis://127.0.0.1:6379'],
    [
      { queue: 'redis://127.0.0.1:6379', concurrency: '0' },
      "bad --concurrency '0': expected a whole number from 1 to 10000",
    ],
    [{ queue: 'redis://127.0.0.1:6379', stalledInterval: 'soon' }, "bad --stalled-interval 'soon'"],
    [{ queue: 'amqp://127.0.0.1' }, "bad --queue 'amqp://127.0.0.1': the scheme must be redis: or rediss: (TLS)"],
  ])('refuses %j with one line naming the problem', async (options, message) => {
    await expect(runWorker(options, io().io)).rejects.toThrow(UsageError);
    await expect(runWorker(options, io().io)).rejects.toThrow(message);
  });

  it('connects, logs on stderr, and on its stop signal exits 0', async () => {
    const redis = await startRedis();
    try {
      const controller = new AbortController();
      const { io: streams, text } = io(controller.signal);
      const running = runWorker({ queue: redis.url, concurrency: '4' }, streams);
      while (!text().includes('taking targets')) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(text()).toMatch(/^corsight worker: \S+ taking targets from redis:\/\/127\.0\.0\.1:\d+ \(4 at once\)\n$/);
      controller.abort();
      expect(await running).toBe(0);
      expect(text()).toContain('corsight worker: stopped (0 targets scanned)');
    } finally {
      await redis.close();
    }
  });
});
