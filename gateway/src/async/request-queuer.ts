/**
 * The seam between the async routes and the job store (faas-provider's RequestQueuer, widened with status and
 * control). Routes depend on this interface only; bullmq-queuer.ts is the real one, testing/memory-queuer.ts the fake,
 * and both pass queuer.contract.ts.
 *
 * Errors: implementations throw FuntainerError with QUEUE_UNAVAILABLE (store unreachable: nothing was stored),
 * JOB_NOT_FOUND or JOB_STATE; foreign errors are mapped once inside the implementation.
 */
import type { RecordedResponse } from '@funtainer/core/async-records';
import type { QueueRequest } from '@funtainer/core/contracts';

/** Retention (how long finished records are kept) is part of the async wire contract in core. */
export type { Retention } from '@funtainer/core/async-queue';

export type AsyncCallState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const ASYNC_CALL_STATES: readonly AsyncCallState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export type CallbackDeliveryState = 'none' | 'pending' | 'delivered' | 'failed';

/** The function's last response, as the worker recorded it (core/async-records.ts). */
export type { RecordedResponse } from '@funtainer/core/async-records';

export interface AsyncCallStatus {
  readonly callId: string;
  /** `name.namespace`. */
  readonly function: string;
  readonly state: AsyncCallState;
  /** Attempts finished so far (a running attempt is not counted). */
  readonly attempts: number;
  /**
   * Attempts the worker's retry policy allows (function label or worker default, under the queue's ceiling), as
   * the worker recorded it; absent until the worker has finished a first attempt.
   */
  readonly maxAttempts?: number;
  /** Status code of the last finished attempt (503 when the gateway was unreachable). */
  readonly statusCode?: number;
  readonly lastResponse?: RecordedResponse;
  readonly error?: string;
  /** Epoch milliseconds. */
  readonly enqueuedAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly callback: {
    readonly state: CallbackDeliveryState;
    /** Userinfo shown as `***` (core redactUrlCredentials). */
    readonly url?: string;
    /** Delivery attempts finished so far, the successful one included. */
    readonly attempts: number;
    readonly statusCode?: number;
    readonly error?: string;
  };
}

export interface ListQuery {
  /** `name.namespace`; omitted = every function. */
  readonly function?: string;
  readonly state: AsyncCallState;
  readonly offset: number;
  readonly limit: number;
}

export interface ListPage {
  readonly items: AsyncCallStatus[];
  /** Total matching calls, for paging. */
  readonly total: number;
}

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface QueueCounts {
  readonly total: JobCounts;
  /** Per `name.namespace`. Implementations may sample a bounded number of jobs per state. */
  readonly byFunction: ReadonlyMap<string, JobCounts>;
}

/** Reported once per call when it finishes for good (succeeded or failed), for the duration/retry metrics. */
export interface FinishedCall {
  readonly function: string;
  readonly outcome: 'succeeded' | 'failed';
  /** Enqueue → finish, milliseconds. */
  readonly durationMs: number;
  readonly attempts: number;
}

export interface EnqueueResult {
  readonly callId: string;
}

export interface RequestQueuer {
  /** Stores the call durably before resolving; job id = `req.callId`, so a repeated id is stored once. */
  enqueue(req: QueueRequest): Promise<EnqueueResult>;
  status(callId: string): Promise<AsyncCallStatus | undefined>;
  list(query: ListQuery): Promise<ListPage>;
  /** Redrives a failed call from scratch (attempts reset). JOB_NOT_FOUND / JOB_STATE otherwise. */
  retry(callId: string): Promise<void>;
  /** Cancels a call that is not running (queued or waiting for a retry). JOB_NOT_FOUND / JOB_STATE otherwise. */
  cancel(callId: string): Promise<void>;
  counts(): Promise<QueueCounts>;
  /** Subscribes to finished calls; returns an unsubscribe. */
  onFinished(listener: (call: FinishedCall) => void): () => void;
  close(): Promise<void>;
}

export function emptyCounts(): JobCounts {
  return { waiting: 0, active: 0, delayed: 0, failed: 0 };
}
