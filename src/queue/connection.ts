/**
 * The Redis connection of a coordinator or a worker: `redis://[user:pass@]host:port[/db]`, or `rediss://` for
 * TLS. Parsed here, once, so a typo is one clear line (exit 2), never an ioredis stack trace or a silent retry
 * loop against the wrong host.
 */
import type { RedisOptions } from 'ioredis';
import { QueueUsageError } from './errors.js';

/** Parses a queue URL into ioredis options. Throws `QueueUsageError` naming the problem. */
export function parseQueueUrl(text: string): RedisOptions {
  // Error messages show the URL with its password masked.
  const shown = redactQueueUrl(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new QueueUsageError(`bad --queue '${shown}': not a URL (expected redis://host:port or rediss://host:port)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new QueueUsageError(`bad --queue '${shown}': the scheme must be redis: or rediss: (TLS)`);
  }
  if (url.hostname === '') throw new QueueUsageError(`bad --queue '${shown}': no host`);
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,2}$/.test(path)) {
    throw new QueueUsageError(`bad --queue '${shown}': the path is a database number (/0 to /15), not '/${path}'`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new QueueUsageError(`bad --queue '${shown}': no query or fragment expected`);
  }
  const options: RedisOptions = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 6379 : Number(url.port),
    db: path === '' ? 0 : Number(path),
    // BullMQ's requirement: a command waits for Redis to come back instead of failing after a few retries, so
    // a Redis restart pauses the scan rather than ending it.
    maxRetriesPerRequest: null,
    // Reconnect forever, backing off to one attempt a second.
    retryStrategy: (times: number) => Math.min(times * 100, 1_000),
    // A dead address fails in seconds, not minutes.
    connectTimeout: 5_000,
  };
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  if (url.protocol === 'rediss:') options.tls = { servername: options.host ?? url.hostname };
  return options;
}

/** The URL as it may be printed: the password (between `user:` and `@`) replaced by `***`, the rest as given. */
export function redactQueueUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}
