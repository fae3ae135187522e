/**
 * PURE retry decisions for one invocation attempt. No I/O, no clock, no Math.random: callers pass `now` and
 * `random` so the table tests and the jitter bounds are deterministic.
 *
 * Retry happens in ONE layer (BullMQ attempts). This module only says "done", "retry after N ms" or "give up";
 * the processor turns that into a return value, a RetryableInvocationError or an UnrecoverableError.
 */

export interface RetrySettings {
  /** Total attempts including the first one. */
  readonly attempts: number;
  /** Statuses that are worth another attempt; every other non-2xx is final. */
  readonly codes: readonly number[];
  readonly minWaitMs: number;
  readonly maxWaitMs: number;
}

/** What one attempt produced, as far as the retry decision cares. */
export type AttemptOutcome =
  | { readonly kind: 'response'; readonly statusCode: number; readonly retryAfter?: string | undefined }
  /** The gateway could not be reached or did not answer in time: always retryable. */
  | { readonly kind: 'network-error'; readonly code: string };

export type RetryDecision =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'give-up'; readonly reason: 'final-status' | 'attempts-exhausted' };

/** A server asking for hours is honoured only up to this bound, so a job is never parked indefinitely. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

export function isSuccess(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 300;
}

export function isRetryable(outcome: AttemptOutcome, codes: readonly number[]): boolean {
  if (outcome.kind === 'network-error') return true;
  return codes.includes(outcome.statusCode);
}

/**
 * @param attemptNumber 1-based number of the attempt that just finished (BullMQ `attemptsMade + 1`).
 * @param maxAttempts the smaller of the function's setting and the job's own BullMQ `attempts` ceiling.
 */
export function decideRetry(
  outcome: AttemptOutcome,
  attemptNumber: number,
  maxAttempts: number,
  settings: RetrySettings,
  now: number,
  random: () => number,
): RetryDecision {
  if (outcome.kind === 'response' && isSuccess(outcome.statusCode)) return { kind: 'done' };
  if (!isRetryable(outcome, settings.codes)) return { kind: 'give-up', reason: 'final-status' };
  if (attemptNumber >= maxAttempts) return { kind: 'give-up', reason: 'attempts-exhausted' };
  const retryAfterMs = outcome.kind === 'response' ? parseRetryAfterMs(outcome.retryAfter, now) : undefined;
  return { kind: 'retry', delayMs: backoffDelayMs(attemptNumber, settings, random, retryAfterMs) };
}

/**
 * Exponential backoff with "equal jitter": the un-jittered delay is `min_wait · 2^(attempt-1)` capped at
 * `max_wait`, and the result is uniformly drawn from [delay/2, delay]. Half of the delay is kept so retries of a
 * burst spread out without ever firing almost immediately. A `Retry-After` longer than that wins (capped at
 * MAX_RETRY_AFTER_MS): retrying before the server said so only earns another 429/503.
 */
export function backoffDelayMs(attemptNumber: number, settings: Pick<RetrySettings, 'minWaitMs' | 'maxWaitMs'>, random: () => number, retryAfterMs?: number): number {
  const exponent = Math.max(0, attemptNumber - 1);
  const ceiling = Math.min(settings.maxWaitMs, settings.minWaitMs * 2 ** Math.min(exponent, 30));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored. */
export function parseRetryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP-date form starts with a day name; Date.parse alone would read "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
