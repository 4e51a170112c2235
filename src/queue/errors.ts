/** A problem with what the user asked of the queue (a bad Redis URL, an unknown or mismatched scan id...). */
export class QueueUsageError extends Error {
  override name = 'QueueUsageError';
}
