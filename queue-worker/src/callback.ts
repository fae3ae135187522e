/**
 * Callback delivery, decoupled from invocation: the request processor stores the function's response as a job
 * in the callback queue (id = call id), and this processor POSTs it to the receiver. A failing receiver is
 * retried by BullMQ on the callback queue (bounded `callback_attempts`, exponential backoff) and never re-runs
 * the function; when attempts run out the job stays in the callback queue's failed set, which is what
 * `GET /system/async/<callId>` reports as the delivery status.
 */
import { Queue, UnrecoverableError, type Job } from 'bullmq';
import { request, type Dispatcher } from 'undici';
import { HEADERS } from '@funtainer/core/headers';
import { CALLBACK_DENIED_CODE } from './callback-connector.js';
import { networkErrorCode } from './errors.js';
import { callbackTarget } from './url-credentials.js';
import { CallbackJobSchema, type CallbackJob, type CallbackResult } from '@funtainer/core/async-records';
import { InvalidJobError } from './errors.js';

export interface CallbackQueueOptions {
  readonly attempts: number;
  readonly minWaitMs: number;
  /** Same retention as the request queue so status lookups find both records. */
  readonly keepCompleted: { age: number; count: number };
  readonly keepFailed: { age: number; count: number };
}

export function createCallbackScheduler(queue: Queue, options: CallbackQueueOptions): (job: CallbackJob) => Promise<void> {
  return async (job) => {
    // A duplicate id (the request job re-ran after a crash) is ignored by BullMQ: the receiver hears once.
    await queue.add(job.function, job, {
      jobId: job.callId,
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.minWaitMs, jitter: 0.5 },
      removeOnComplete: options.keepCompleted,
      removeOnFail: options.keepFailed,
    });
  };
}

export interface CallbackMetrics {
  delivered(fn: string): void;
  failed(fn: string, reason: string): void;
}

/** Builds the callback request headers from the OpenFaaS queue-worker protocol. */
export function callbackHeaders(job: CallbackJob): Record<string, string> {
  const headers: Record<string, string> = {
    [HEADERS.callId]: job.callId,
    [HEADERS.functionStatus]: String(job.statusCode),
    [HEADERS.functionName]: job.function,
    [HEADERS.durationSeconds]: job.durationSeconds.toFixed(6),
    'user-agent': 'funtainer/queue-worker',
  };
  if (job.contentType) headers['content-type'] = job.contentType;
  return headers;
}

/**
 * @param dispatcher the policy-guarded Agent (callback-connector.ts): every callback connects through it.
 */
export function createCallbackProcessor(timeoutMs: number, metrics: CallbackMetrics, dispatcher: Dispatcher): (job: Pick<Job, 'id' | 'data' | 'attemptsMade'>) => Promise<CallbackResult> {
  return async (job) => {
    const parsed = CallbackJobSchema.safeParse(job.data);
    if (!parsed.success) throw new InvalidJobError(`callback job ${job.id} is malformed`);
    const data = parsed.data;
    let statusCode: number;
    const target = callbackTarget(data.url);
    const headers = callbackHeaders(data);
    if (target.authorization) headers.authorization = target.authorization;
    try {
      const res = await request(target.url, {
        method: 'POST',
        headers,
        body: Buffer.from(data.body, 'base64'),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        dispatcher,
      });
      statusCode = res.statusCode;
      await res.body.dump();
    } catch (err) {
      const code = networkErrorCode(err);
      if (code === CALLBACK_DENIED_CODE) {
        // The policy will refuse every retry too: fail the delivery now. The message names the address and
        // why, never the URL (it may carry credentials).
        metrics.failed(data.function, 'denied');
        throw new UnrecoverableError(`${CALLBACK_DENIED_CODE}: ${(err as Error).message}`);
      }
      metrics.failed(data.function, code);
      throw new Error(`callback receiver unreachable (${code})`);
    }
    if (statusCode < 200 || statusCode >= 300) {
      metrics.failed(data.function, String(statusCode));
      throw new Error(`callback receiver answered ${statusCode}`);
    }
    metrics.delivered(data.function);
    return { statusCode, attempts: job.attemptsMade + 1 };
  };
}
