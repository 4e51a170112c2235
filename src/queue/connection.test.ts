import { describe, expect, it } from 'vitest';
import { parseQueueUrl, redactQueueUrl } from './connection.js';
import { checkScanId, newScanId, targetKey } from './keys.js';

describe('parseQueueUrl', () => {
  it.each([
    ['redis://127.0.0.1:6379', { host: '127.0.0.1', port: 6379, db: 0 }],
    ['redis://redis.internal', { host: 'redis.internal', port: 6379, db: 0 }],
    [
      'redis://corsight:p%40ss@10.0.0.5:6380/3',
      { host: '10.0.0.5', port: 6380, db: 3, username: 'corsight', password: 'p@ss' },
    ],
    ['redis://:secret@[::1]:6379', { host: '::1', port: 6379, password: 'secret' }],
    ['rediss://redis.internal:6380', { host: 'redis.internal', port: 6380, tls: { servername: 'redis.internal' } }],
  ])('%s', (url, expected) => {
    expect(parseQueueUrl(url)).toMatchObject(expected);
  });

  it.each([
    ['localhost:6379', "bad --queue 'localhost:6379': the scheme must be redis: or rediss: (TLS)"],
    ['not a url', "bad --queue 'not a url': not a URL (expected redis://host:port or rediss://host:port)"],
    ['http://127.0.0.1:6379', "bad --queue 'http://127.0.0.1:6379': the scheme must be redis: or rediss: (TLS)"],
    [
      'redis://u:pw@h:1/queue',
      "bad --queue 'redis://u:***@h:1/queue': the path is a database number (/0 to /15), not '/queue'",
    ],
    ['redis://h:1/?x=1', "bad --queue 'redis://h:1/?x=1': no query or fragment expected"],
  ])('refuses %s, naming the problem (and never printing a password)', (url, message) => {
    expect(() => parseQueueUrl(url)).toThrow(message);
  });

  it('masks the password when a URL is printed', () => {
    expect(redactQueueUrl('rediss://corsight:hunter2@redis:6380')).toBe('rediss://corsight:***@redis:6380');
    expect(redactQueueUrl('redis://redis:6379')).toBe('redis://redis:6379');
  });
});

describe('scan ids and target keys', () => {
  it('accepts ids of letters, digits, - and _ and refuses the rest', () => {
    expect(checkScanId('estate-2026_12')).toBe('estate-2026_12');
    expect(checkScanId(newScanId(new Date('2026-12-06T00:00:00Z')))).toMatch(/^20261206-[a-z0-9]{6}$/);
    for (const bad of ['', 'a b', 'a:b', '-x', 'x'.repeat(65)]) expect(() => checkScanId(bad)).toThrow(/bad --scan-id/);
  });

  it('keys a target by its URL: the same on every run, 22 characters however long the URL', () => {
    const key = targetKey('https://example.com/a');
    expect(key).toBe(targetKey('https://example.com/a'));
    expect(key).not.toBe(targetKey('https://example.com/b'));
    expect(targetKey(`https://example.com/${'x'.repeat(8000)}`)).toHaveLength(22);
  });
});
