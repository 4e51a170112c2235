/**
 * Distributed scanning on BullMQ and Redis: `openQueueScan` is the coordinator (`corsight scan --queue`),
 * `startQueueWorker` the worker (`corsight worker`).
 */
export { openQueueScan, defaultKeepSeconds, type QueueScan, type QueueScanOptions } from './coordinator.js';
export { startQueueWorker, maxCrashes, type QueueWorker, type QueueWorkerOptions, type TargetJob } from './worker.js';
export { parseQueueUrl, redactQueueUrl } from './connection.js';
export { QueueUsageError } from './errors.js';
export { checkScanId, newScanId, scanKeys, targetKey } from './keys.js';
export { ScanStore, decodeResult, encodeResult, type ScanState } from './store.js';
export { splitScanOptions, type ScanSecrets, type ScanSpec } from './spec.js';
