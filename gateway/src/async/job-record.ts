/**
 * Reads what the queue-worker wrote into a BullMQ job (returnvalue on success, `data.lastResponse` on failure,
 * the callback queue's job for delivery) and turns it into an AsyncCallStatus. Parsing is lenient: a record
 * from an older worker still yields a status, just with fewer fields.
 * The record shapes are core/async-records.ts, the same definitions the worker writes with.
 */
import { CallbackResultSchema, InvocationResultSchema, RequestJobDataSchema, redactUrlCredentials, type CancelledRecord } from '@funtainer/core/async-records';
import { parseTickJobId } from '@funtainer/core/schedule-records';
import type { AsyncCallState, AsyncCallStatus, CallbackDeliveryState, RecordedResponse } from './request-queuer.js';

/** BullMQ job states → our states. Delayed covers both "waiting for a retry" and "parked at a function's bound". */
export function stateFromBullmq(state: string): AsyncCallState | undefined {
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'delayed':
    case 'paused':
    case 'waiting-children':
      return 'queued';
    case 'active':
      return 'running';
    case 'completed':
      return 'succeeded';
    case 'failed':
      return 'failed';
    default:
      return undefined;
  }
}

/** The fields of a BullMQ Job this module reads (a plain object in unit tests). */
export interface JobSnapshot {
  readonly id?: string | undefined;
  readonly data: unknown;
  readonly returnvalue: unknown;
  readonly attemptsMade: number;
  readonly opts: { readonly attempts?: number | undefined };
  readonly timestamp: number;
  readonly processedOn?: number | undefined;
  readonly finishedOn?: number | undefined;
  readonly failedReason?: string | undefined;
}

export interface CallbackSnapshot {
  readonly job: JobSnapshot;
  readonly state: string;
}

export function toAsyncCallStatus(job: JobSnapshot, bullmqState: string, callback: CallbackSnapshot | undefined): AsyncCallStatus | undefined {
  const state = stateFromBullmq(bullmqState);
  const data = RequestJobDataSchema.safeParse(job.data);
  if (!state || !data.success || !job.id) return undefined;
  const result = InvocationResultSchema.safeParse(job.returnvalue);
  const lastResponse: RecordedResponse | undefined = result.success ? result.data.response : data.data.lastResponse;
  const statusCode = result.success ? result.data.statusCode : lastResponse?.statusCode;
  // The job's BullMQ `attempts` is only the gateway's ceiling; the figure the worker's policy applied is
  // recorded by the worker after an attempt, and unknown before the first one finished.
  const maxAttempts = (result.success ? result.data.maxAttempts : undefined) ?? data.data.maxAttempts;
  return {
    callId: job.id,
    function: `${data.data.function}.${data.data.namespace}`,
    state,
    attempts: job.attemptsMade,
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    ...(statusCode !== undefined ? { statusCode } : {}),
    ...(lastResponse ? { lastResponse } : {}),
    ...(job.failedReason && state !== 'succeeded' ? { error: redactUrlCredentials(job.failedReason) } : {}),
    // A cron tick's data is its schedule's template; the call is due at its tick (core/schedule-records.ts).
    enqueuedAt: parseTickJobId(job.id)?.tickMs ?? data.data.enqueuedAt ?? job.timestamp,
    ...(job.processedOn ? { startedAt: job.processedOn } : {}),
    ...(job.finishedOn && (state === 'succeeded' || state === 'failed') ? { finishedAt: job.finishedOn } : {}),
    callback: callbackStatus(data.data.callbackUrl, callback),
  };
}

function callbackStatus(rawUrl: string | undefined, callback: CallbackSnapshot | undefined): AsyncCallStatus['callback'] {
  if (!rawUrl) return { state: 'none', attempts: 0 };
  const url = redactUrlCredentials(rawUrl);
  if (!callback) return { state: 'pending', url, attempts: 0 };
  const { job, state } = callback;
  const delivered = CallbackResultSchema.safeParse(job.returnvalue);
  const delivery: CallbackDeliveryState = state === 'completed' ? 'delivered' : state === 'failed' ? 'failed' : 'pending';
  return {
    state: delivery,
    url,
    // BullMQ counts every finished attempt, the successful one included (it increments on completion too).
    attempts: job.attemptsMade,
    ...(delivery === 'delivered' && delivered.success ? { statusCode: delivered.data.statusCode } : {}),
    ...(delivery !== 'delivered' && job.failedReason ? { error: redactUrlCredentials(job.failedReason) } : {}),
  };
}

export function cancelledStatus(callId: string, record: CancelledRecord): AsyncCallStatus {
  return {
    callId,
    function: record.function,
    state: 'cancelled',
    attempts: record.attempts,
    ...(record.maxAttempts !== undefined ? { maxAttempts: record.maxAttempts } : {}),
    enqueuedAt: record.enqueuedAt,
    finishedAt: record.cancelledAt,
    // Redacted again: records written before redaction existed still hold the raw URL.
    callback: record.callbackUrl ? { state: 'none', url: redactUrlCredentials(record.callbackUrl), attempts: 0 } : { state: 'none', attempts: 0 },
  };
}
