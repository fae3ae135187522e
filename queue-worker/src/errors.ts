/**
 * Control-flow errors the processor throws to BullMQ, and the single place undici failures are translated.
 * BullMQ hands the thrown instance to our backoff strategy, which reads `delayMs` from it; nothing ever
 * matches on `message`.
 */
import { UnrecoverableError } from 'bullmq';

/** Thrown for an attempt that should be retried after `delayMs` (computed by retry-policy.ts). */
export class RetryableInvocationError extends Error {
  readonly delayMs: number;
  constructor(message: string, delayMs: number) {
    super(message);
    this.name = 'RetryableInvocationError';
    this.delayMs = delayMs;
  }
}

/** Thrown when the outcome is final (non-retryable status, or attempts exhausted): BullMQ fails the job now. */
export class FinalInvocationError extends UnrecoverableError {
  constructor(message: string) {
    super(message);
    this.name = 'UnrecoverableError';
  }
}

/** Thrown when job data in Redis does not match the QueueRequest schema: retrying cannot fix it. */
export class InvalidJobError extends UnrecoverableError {
  constructor(message: string) {
    super(message);
    this.name = 'UnrecoverableError';
  }
}

/**
 * Maps anything undici throws to a short stable code for logs, metrics and job records
 * (`UND_ERR_HEADERS_TIMEOUT`, `ECONNREFUSED`, …). Unknown shapes become `NETWORK_ERROR`.
 */
export function networkErrorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
    const cause = (err as { cause?: unknown }).cause;
    if (cause !== undefined && cause !== err) return networkErrorCode(cause);
    if ((err as { name?: unknown }).name === 'AbortError') return 'ABORTED';
  }
  return 'NETWORK_ERROR';
}
