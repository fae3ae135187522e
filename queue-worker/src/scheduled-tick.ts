/**
 * A job a BullMQ job scheduler produced (a cron tick, see gateway/src/schedules/) carries its schedule's
 * template, the same data for every tick. This makes it one call of one tick: its own call id (the job id,
 * so the status API finds it), the tick as `X-Funtainer-Tick` (ISO) and as the enqueue time. The worker also
 * records the tick per schedule for `GET /system/function/<name>`; that record is informational, so failing to
 * write it never fails the call.
 */
import { Redis } from 'ioredis';
import { QueueKeys } from 'bullmq';
import type { QueueRequest } from '@funtainer/core/contracts';
import { HEADERS } from '@funtainer/core/headers';
import { parseTickJobId, SCHEDULE_RUNS_KEY, type ScheduleRun } from '@funtainer/core/schedule-records';

export interface ScheduledTick {
  readonly schedulerId: string;
  readonly run: ScheduleRun;
  readonly request: QueueRequest;
}

/** Undefined for a job that is not a tick (every `/async-function/` call). */
export function scheduledTick(jobId: string | undefined, template: QueueRequest): ScheduledTick | undefined {
  const tick = parseTickJobId(jobId);
  if (tick === undefined || jobId === undefined) return undefined;
  const request: QueueRequest = {
    ...template,
    callId: jobId,
    enqueuedAt: tick.tickMs,
    headers: { ...template.headers, [HEADERS.tick]: new Date(tick.tickMs).toISOString() },
  };
  return { schedulerId: tick.schedulerId, run: { callId: jobId, tick: tick.tickMs }, request };
}

export type TickRecorder = (tick: ScheduledTick) => Promise<void>;

/** Writes the latest started tick into `bull:<queue>:schedule-runs` (core/schedule-records.ts). */
export function createTickRecorder(connection: Redis, queueName: string, onError: (err: unknown) => void): TickRecorder {
  const key = new QueueKeys().toKey(queueName, SCHEDULE_RUNS_KEY);
  return async (tick) => {
    try {
      await connection.hset(key, tick.schedulerId, JSON.stringify(tick.run));
    } catch (err) {
      onError(err);
    }
  };
}
