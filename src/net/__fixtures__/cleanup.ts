/** Per-test clean-up for suites that start loopback servers and clients. */
import { afterEach } from 'vitest';
import type { TestServer } from './servers.js';

export interface TestCleanup {
  /** Functions run after each test, last added first. */
  cleanup: (() => Promise<void> | void)[];
  /** Waits for `server` to listen and closes it after the test. */
  serve: <T extends TestServer>(server: Promise<T>) => Promise<T>;
}

/** Registers the `afterEach` that runs {@link TestCleanup.cleanup}; call once at the top of a test file. */
export function useCleanup(): TestCleanup {
  const cleanup: TestCleanup['cleanup'] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  return {
    cleanup,
    serve: async (server) => {
      const s = await server;
      cleanup.push(() => s.close());
      return s;
    },
  };
}
