/**
 * What the gateway and the queue-worker agree on for scheduled (cron) calls. The gateway keeps one BullMQ job
 * scheduler per function (id `name.namespace`) on the async request queue; BullMQ gives every tick's job the id
 * `repeat:<scheduler id>:<tick in epoch ms>` and the scheduler's template data, so the worker turns that id into
 * the call's id and tick, and records the latest tick per schedule for `GET /system/function/<name>`.
 */
import { z } from 'zod';

/** The `topic` annotation value that marks a cron function (OpenFaaS cron-connector convention). */
export const CRON_TOPIC = 'cron-function';

/** Sent as `X-Connector`, as OpenFaaS connectors do, so a function can tell a tick from a caller. */
export const CRON_CONNECTOR_NAME = 'cron-connector';

/** Hash under the request queue's key prefix (`bull:<queue>:schedule-runs`): field = scheduler id, value = ScheduleRun JSON. */
export const SCHEDULE_RUNS_KEY = 'schedule-runs';

/** The latest tick a worker started for a schedule; its outcome is the call's status (`/system/async/<callId>`). */
export const ScheduleRunSchema = z.object({
  callId: z.string(),
  /** Epoch milliseconds of the tick the call belongs to (not when it ran: a late tick keeps its time). */
  tick: z.number(),
});
export type ScheduleRun = z.output<typeof ScheduleRunSchema>;

export interface TickJobId {
  readonly schedulerId: string;
  readonly tickMs: number;
}

const TICK_JOB_ID = /^repeat:([^:]+):(\d+)$/;

/** `repeat:echo.openfaas-fn:1767225600000` → its scheduler and tick; undefined for every other job id. */
export function parseTickJobId(jobId: string | undefined): TickJobId | undefined {
  const match = jobId === undefined ? null : TICK_JOB_ID.exec(jobId);
  if (!match) return undefined;
  const tickMs = Number(match[2]);
  return Number.isSafeInteger(tickMs) ? { schedulerId: match[1] as string, tickMs } : undefined;
}

/** `schedule` of `GET /system/function/<name>` for a cron function (a Funtainer addition; OpenFaaS clients ignore it). */
export interface FunctionScheduleStatus {
  readonly pattern: string;
  readonly timezone?: string;
  /** ISO time of the next tick; null when none is held (the gateway's reconcile restores it). */
  readonly nextRun: string | null;
  /** The latest tick a worker started and how its call stands; null before the first tick. */
  readonly lastRun: {
    readonly callId: string;
    readonly tick: string;
    /** The async call's state; absent once its record is past retention. */
    readonly state?: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
    readonly statusCode?: number;
    readonly finishedAt?: string;
  } | null;
  /** Why nextRun and lastRun could not be read (the queue is unreachable). */
  readonly error?: string;
}
