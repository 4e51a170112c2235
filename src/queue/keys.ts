/**
 * Names in Redis. Every key of a scan starts with `corsight:scan:<id>:`, so a scan is found, expired and
 * deleted as one; the BullMQ queue that carries the targets of every scan is `corsight:targets`.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ScanTarget } from '../scanner/index.js';
import { QueueUsageError } from './errors.js';

/** BullMQ's key prefix and queue name (BullMQ forbids ':' in a queue name). */
export const queuePrefix = 'corsight';
export const queueName = 'targets';

/** Sorted set of worker ids, scored by their last heartbeat (ms). */
export const workersKey = 'corsight:workers';

/** The keys of one scan. */
export interface ScanKeys {
  /** Hash: spec, fingerprint, keep, counters (`done`), input state, timestamps. */
  meta: string;
  /** String: the secrets (JSON), only while targets remain. */
  secrets: string;
  /** Hash: target key -> 1, for every target registered (deduplication). */
  index: string;
  /** List: target keys in the order they were first seen (the report's order). */
  order: string;
  /** Hash: target key -> the result (deflated JSON), written once. */
  results: string;
  /** String: the next free request slot of the cluster-wide `--rate` (ms since the epoch, Redis clock). */
  rate: string;
  /** Prefix of the per-host leases of `--per-host` (one worker sends to a host at a time). */
  hostLease: string;
}

const scanIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Validates a `--scan-id`; throws `QueueUsageError` naming the problem. */
export function checkScanId(id: string): string {
  if (!scanIdPattern.test(id)) {
    throw new QueueUsageError(
      `bad --scan-id '${id}': expected 1 to 64 letters, digits, '-' or '_', starting with a letter or digit`,
    );
  }
  return id;
}

/** A fresh scan id: the date and 6 random characters, e.g. `20261206-k3x9qa`. */
export function newScanId(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `${day}-${randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')
    .slice(0, 6)}`;
}

export function scanKeys(id: string): ScanKeys {
  const base = `corsight:scan:${id}:`;
  return {
    meta: `${base}meta`,
    secrets: `${base}secrets`,
    index: `${base}index`,
    order: `${base}order`,
    results: `${base}results`,
    rate: `${base}rate`,
    hostLease: `${base}host:`,
  };
}

/**
 * A target's key: 128 bits of SHA-256 of its normalized URL (22 characters however long the URL), the same on
 * every run, so a resumed scan finds its targets again.
 */
export function targetKey(target: ScanTarget): string {
  // A URL alone keys by the URL; an application request (HAR, OpenAPI) by its method and URL too, as the
  // scanner tells two requests to one URL apart.
  const text = typeof target === 'string' ? target : `${target.method ?? 'GET'} ${target.url}`;
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** The BullMQ job id of a target: adding it again while the job exists is a no-op (BullMQ's idempotent add). */
export function jobId(scanId: string, key: string): string {
  return `${scanId}.${key}`;
}
