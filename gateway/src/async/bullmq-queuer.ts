/**
 * RequestQueuer on BullMQ/Redis. Job id = call id (so a repeated X-Call-Id is stored once), job name =
 * `name.namespace`, data = core QueueRequest. The queue-worker (queue-worker/) consumes the queue; retries,
 * backoff and callbacks happen there, configured through these job options.
 *
 * The producer connection uses `enableOfflineQueue: false` and a short command timeout (BullMQ's "failing fast
 * when Redis is down" pattern): while Redis is unreachable `enqueue` rejects with QUEUE_UNAVAILABLE at once
 * instead of parking the HTTP request, so a 202 is only ever sent for work Redis acknowledged.
 */
import { Queue, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { ASYNC_ATTEMPTS_CEILING, ASYNC_BACKOFF_TYPE, ASYNC_RETENTION, DEFAULT_ASYNC_QUEUE_NAME, callbackQueueName } from '@funtainer/core/async-queue';
import { redactUrlCredentials } from '@funtainer/core/async-records';
import { FuntainerError } from '@funtainer/core/errors';
import { createCancelledStore } from './bullmq-cancelled.js';
import { countJobs, listCalls } from './bullmq-listing.js';
import { watchRedis, type RedisHealth } from '@funtainer/core/redis-health';
import { createFinishedEvents, type FinishedEvents } from './bullmq-finished-events.js';
import { cancelledStatus, toAsyncCallStatus, type CallbackSnapshot } from './job-record.js';
import { isLockedJobError, toQueueError, withQueueErrors } from './queue-errors.js';
import type { AsyncCallStatus, Retention, RequestQueuer } from './request-queuer.js';

export interface BullmqQueuerOptions {
  readonly redisUrl: string;
  /** @defaultValue DEFAULT_ASYNC_QUEUE_NAME (the queue-worker's `queue_name`) */
  readonly queueName?: string;
  /** BullMQ `attempts` ceiling; the worker applies the function's `com.openfaas.retry.attempts` below it. @defaultValue ASYNC_ATTEMPTS_CEILING */
  readonly maxAttempts?: number;
  /** Completed calls kept for status lookups. @defaultValue ASYNC_RETENTION.completed */
  readonly keepCompleted?: Retention;
  /** Failed calls kept for the dead-letter list. @defaultValue ASYNC_RETENTION.failed */
  readonly keepFailed?: Retention;
  /** Cancelled-call records kept for status and the cancelled list. @defaultValue ASYNC_RETENTION.cancelled */
  readonly keepCancelled?: Retention;
  /** Per-command deadline for the producer connection. @defaultValue 2000 */
  readonly commandTimeoutMs?: number;
  /** Reports outages of the producer and events connections (log lines, `funtainer_redis_up`). */
  readonly health?: Pick<RedisHealth, 'watch'>;
}

const DEFAULTS = {
  queueName: DEFAULT_ASYNC_QUEUE_NAME,
  maxAttempts: ASYNC_ATTEMPTS_CEILING,
  keepCompleted: ASYNC_RETENTION.completed,
  keepFailed: ASYNC_RETENTION.failed,
  keepCancelled: ASYNC_RETENTION.cancelled,
  commandTimeoutMs: 2000,
};

/** The options of every request job; schedules/bullmq-schedules.ts gives its ticks the same. */
export function requestJobOptions(options: Pick<BullmqQueuerOptions, 'maxAttempts' | 'keepCompleted' | 'keepFailed'>): JobsOptions {
  return {
    attempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    backoff: { type: ASYNC_BACKOFF_TYPE },
    removeOnComplete: options.keepCompleted ?? DEFAULTS.keepCompleted,
    removeOnFail: options.keepFailed ?? DEFAULTS.keepFailed,
  };
}

export function createBullmqQueuer(options: BullmqQueuerOptions): RequestQueuer {
  const queueName = options.queueName ?? DEFAULTS.queueName;
  const connection = new Redis(options.redisUrl, {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs,
    connectTimeout: options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs,
    maxRetriesPerRequest: 1,
  });
  const queue = new Queue(queueName, { connection });
  const callbacks = new Queue(callbackQueueName(queueName), { connection });
  // The queues re-emit their connection's errors: one name, one outage.
  for (const source of [connection, queue, callbacks]) watchRedis(options.health, 'queue-producer', source);
  const jobOptions = requestJobOptions(options);
  const cancelled = createCancelledStore(connection, queue.toKey('cancelled'), options.keepCancelled ?? DEFAULTS.keepCancelled);
  let events: FinishedEvents | undefined;

  async function callbackSnapshot(callId: string): Promise<CallbackSnapshot | undefined> {
    const job = await callbacks.getJob(callId);
    return job ? { job, state: await job.getState() } : undefined;
  }

  /** The one job → status path of the detail and the list (the callback delivery is read for both). */
  async function jobStatus(job: Job, state: string): Promise<AsyncCallStatus | undefined> {
    const hasCallback = typeof (job.data as { callbackUrl?: unknown }).callbackUrl === 'string';
    return toAsyncCallStatus(job, state, hasCallback && job.id ? await callbackSnapshot(job.id) : undefined);
  }

  async function status(callId: string): Promise<AsyncCallStatus | undefined> {
    const job = await queue.getJob(callId);
    if (!job) {
      const record = await cancelled.get(callId);
      return record ? cancelledStatus(callId, record) : undefined;
    }
    return jobStatus(job, await job.getState());
  }

  async function requireJob(callId: string): Promise<Job> {
    const job = await queue.getJob(callId);
    if (!job) throw new FuntainerError('FUNTAINER_ERR_JOB_NOT_FOUND');
    return job;
  }

  return {
    async enqueue(req) {
      // A duplicate id is a no-op in BullMQ (the existing job is kept untouched), which makes enqueue idempotent.
      await withQueueErrors(() => queue.add(`${req.function}.${req.namespace}`, req, { ...jobOptions, jobId: req.callId }));
      return { callId: req.callId };
    },
    status: (callId) => withQueueErrors(() => status(callId)),
    list: (query) =>
      withQueueErrors(() =>
        query.state === 'cancelled'
          ? cancelled.list(query, Date.now())
          : listCalls(queue, connection, { ...query, state: query.state }, (id) => queue.getJob(id), jobStatus),
      ),
    async retry(callId) {
      await withQueueErrors(async () => {
        const job = await requireJob(callId);
        if ((await job.getState()) !== 'failed') throw new FuntainerError('FUNTAINER_ERR_JOB_STATE', 'Only a failed async call can be retried');
        // The old callback record would make the new outcome's callback a duplicate id: drop it first.
        await callbacks.remove(callId);
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      });
    },
    async cancel(callId) {
      await withQueueErrors(async () => {
        const job = await queue.getJob(callId);
        if (!job) {
          if (await cancelled.get(callId)) throw new FuntainerError('FUNTAINER_ERR_JOB_STATE', 'The async call is already cancelled');
          throw new FuntainerError('FUNTAINER_ERR_JOB_NOT_FOUND');
        }
        const state = await job.getState();
        if (!['waiting', 'delayed', 'prioritized', 'paused'].includes(state)) {
          throw new FuntainerError('FUNTAINER_ERR_JOB_STATE', `The async call is ${state === 'active' ? 'running' : 'finished'} and cannot be cancelled`);
        }
        const data = job.data as { function: string; namespace: string; enqueuedAt?: number; callbackUrl?: string; maxAttempts?: number };
        const now = Date.now();
        // Record first, then remove: a lost race with a worker (job just became active) undoes the record.
        await cancelled.add(callId, {
          function: `${data.function}.${data.namespace}`,
          enqueuedAt: data.enqueuedAt ?? job.timestamp,
          cancelledAt: now,
          attempts: job.attemptsMade,
          // Known when the worker already applied its retry policy (cancelled between retries).
          ...(typeof data.maxAttempts === 'number' ? { maxAttempts: data.maxAttempts } : {}),
          // Never delivered, so its credentials are not needed any more.
          ...(data.callbackUrl ? { callbackUrl: redactUrlCredentials(data.callbackUrl) } : {}),
        });
        try {
          await job.remove();
        } catch (err) {
          await cancelled.undo(callId);
          if (isLockedJobError(err)) throw new FuntainerError('FUNTAINER_ERR_JOB_STATE', 'The async call is running and cannot be cancelled');
          throw toQueueError(err);
        }
        // The cancel has taken effect: a failed trim must not turn it into a 503. The next cancel trims again,
        // and records expire on their own.
        await cancelled.trim(now).catch(() => {});
      });
    },
    counts: () => withQueueErrors(() => countJobs(queue, connection)),
    onFinished(listener) {
      events ??= createFinishedEvents(queueName, options.redisUrl, (id) => queue.getJob(id), options.health);
      return events.subscribe(listener);
    },
    async close() {
      await events?.close();
      await Promise.allSettled([queue.close(), callbacks.close()]);
      connection.disconnect();
    },
  };
}
