/**
 * The async wire contract between the gateway (producer) and the queue-worker (consumer), defined once: the
 * queue's name and its callback queue's, the job options both sides assume, and how long finished records stay.
 * A value that lives on only one side drifts: the gateway once capped `attempts` at 10 while the worker accepted
 * `retry_attempts` up to 100, silently cutting retries.
 */
import { z } from 'zod';

/** The request queue both sides use unless `async_queue_name` (gateway) / `queue_name` (worker) say otherwise. */
export const DEFAULT_ASYNC_QUEUE_NAME = 'funtainer-async';

/**
 * A queue name as both configs accept it. BullMQ builds Redis keys as `<prefix>:<name>:…`, so `:` would split
 * keys; spaces and slashes only make keys hard to inspect.
 */
export const AsyncQueueNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,100}$/, { error: 'letters, digits, ".", "_" and "-" only (1-100)' })
  .default(DEFAULT_ASYNC_QUEUE_NAME);

/** The callback queue lives next to the request queue, so one queue name isolates a whole deployment. */
export function callbackQueueName(queueName: string): string {
  return `${queueName}-callbacks`;
}

/** Backoff type of every request job: the worker registers a custom strategy under this name (per-function waits, Retry-After). */
export const ASYNC_BACKOFF_TYPE = 'funtainer';

/**
 * BullMQ `attempts` on every request job: a ceiling only. The worker applies the function's
 * `com.openfaas.retry.attempts` label (or its `retry_attempts` default) below it, and both are bounded by it.
 */
export const ASYNC_ATTEMPTS_CEILING = 100;

/** How long finished records are kept: at most `age` seconds and the newest `count` (BullMQ KeepJobs). */
export interface Retention {
  readonly age: number;
  readonly count: number;
}

const DAY_SECONDS = 24 * 3600;

/** Retention of finished calls: status lookups (completed), the dead-letter list (failed), cancelled records. */
export const ASYNC_RETENTION: Readonly<Record<'completed' | 'failed' | 'cancelled', Retention>> = Object.freeze({
  completed: Object.freeze({ age: DAY_SECONDS, count: 10_000 }),
  failed: Object.freeze({ age: 7 * DAY_SECONDS, count: 10_000 }),
  cancelled: Object.freeze({ age: 7 * DAY_SECONDS, count: 10_000 }),
});
