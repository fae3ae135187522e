/**
 * The one place ioredis/BullMQ failures become FuntainerErrors. Anything thrown while talking to Redis means
 * the operation's effect is unknown or absent, so callers answer 503 and never claim the work was stored.
 */
import { FuntainerError } from '@funtainer/core/errors';

export function toQueueError(err: unknown): FuntainerError {
  if (err instanceof FuntainerError) return err;
  return new FuntainerError('FUNTAINER_ERR_QUEUE_UNAVAILABLE', undefined, { cause: err });
}

/** Runs a Redis-touching operation with the mapping applied. */
export async function withQueueErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw toQueueError(err);
  }
}

/**
 * BullMQ refuses to remove a job another worker holds a lock on; the message is the only signal it gives
 * (no code), so this is the single place that inspects it.
 */
export function isLockedJobError(err: unknown): boolean {
  return err instanceof Error && /locked/i.test(err.message);
}
