/**
 * ScheduleStore on BullMQ job schedulers, on the same queue as `/async-function/` calls, so a tick is an
 * ordinary async call for the queue-worker: same retries, dead letters and status API.
 *
 * Why this gives one invocation per tick with any number of gateways and workers: BullMQ stores one scheduler
 * per id and only the job of its next tick (id `repeat:<scheduler id>:<tick ms>`); the worker that fetches
 * that job adds the following tick's job in the same Redis script that checks it is the current one, so
 * concurrent workers cannot both advance it and concurrent upserts of one id land on the same job id.
 *
 * Missed ticks: while no worker runs, nothing piles up (only the one next-tick job exists). When a worker comes
 * back it runs that overdue tick once, late (its X-Funtainer-Tick is the time it was due), and BullMQ computes
 * the following tick from the current time, so the ticks in between are skipped rather than replayed.
 */
import { Queue, type JobSchedulerJson } from 'bullmq';
import { Redis } from 'ioredis';
import type { QueueRequest } from '@funtainer/core/contracts';
import { CRON_CONNECTOR_NAME, SCHEDULE_RUNS_KEY, ScheduleRunSchema, type ScheduleRun } from '@funtainer/core/schedule-records';
import { HEADERS } from '@funtainer/core/headers';
import type { QualifiedName } from '@funtainer/core/names';
import { watchRedis } from '@funtainer/core/redis-health';
import { requestJobOptions, type BullmqQueuerOptions } from '../async/bullmq-queuer.js';
import { withQueueErrors } from '../async/queue-errors.js';
import type { CronSchedule } from './schedule-annotations.js';
import { functionOfSchedule, scheduleId, type ScheduleStore, type StoredSchedule } from './schedule-store.js';

export type BullmqSchedulesOptions = Pick<BullmqQueuerOptions, 'redisUrl' | 'maxAttempts' | 'keepCompleted' | 'keepFailed' | 'commandTimeoutMs' | 'health'> & {
  /** The async request queue (the queue-worker's `queue_name`). */
  readonly queueName: string;
};

/**
 * The request every tick of `fn` starts from: what cron-connector sends (POST, empty body, `X-Connector`) plus
 * the schedule. The worker gives each tick its own call id, tick header and enqueue time (queue-worker/src/
 * scheduled-tick.ts); `callId` here is only a placeholder the request schema requires.
 */
export function scheduleTemplate(fn: QualifiedName, schedule: CronSchedule, now: number): QueueRequest {
  const headers: Record<string, string> = { [HEADERS.connector]: CRON_CONNECTOR_NAME, [HEADERS.schedule]: schedule.pattern };
  if (schedule.timezone !== undefined) headers[HEADERS.timezone] = schedule.timezone;
  return { callId: scheduleId(fn), function: fn.name, namespace: fn.namespace, method: 'POST', path: '', query: '', headers, body: '', enqueuedAt: now };
}

export function createBullmqScheduleStore(options: BullmqSchedulesOptions): ScheduleStore {
  const timeoutMs = options.commandTimeoutMs ?? 2000;
  // Fails fast like the producer connection: GET /system/function must not hang on an unreachable Redis.
  const connection = new Redis(options.redisUrl, { enableOfflineQueue: false, commandTimeout: timeoutMs, connectTimeout: timeoutMs, maxRetriesPerRequest: 1 });
  const queue = new Queue(options.queueName, { connection });
  for (const source of [connection, queue]) watchRedis(options.health, 'schedules', source);
  const runsKey = queue.toKey(SCHEDULE_RUNS_KEY);
  const jobOptions = requestJobOptions(options);

  return {
    async upsert(fn, schedule) {
      const id = scheduleId(fn);
      await withQueueErrors(() =>
        queue.upsertJobScheduler(id, { pattern: schedule.pattern, ...(schedule.timezone !== undefined ? { tz: schedule.timezone } : {}) }, {
          // Named like every request job of the function, so lists, counts and metrics by function include ticks.
          name: id,
          data: scheduleTemplate(fn, schedule, Date.now()),
          opts: jobOptions,
        }),
      );
    },
    async remove(fn) {
      const id = scheduleId(fn);
      await withQueueErrors(async () => {
        const current = await queue.getJobScheduler(id);
        await queue.removeJobScheduler(id);
        // BullMQ drops the next tick only while it is delayed; a tick already due (waiting) would still run.
        if (current?.next) await queue.remove(`repeat:${id}:${current.next}`).catch(() => 0);
        await connection.hdel(runsKey, id);
      });
    },
    get: (fn) => withQueueErrors(async () => toStored(await queue.getJobScheduler(scheduleId(fn)))),
    list: (limit) =>
      withQueueErrors(async () => {
        if (limit <= 0) return [];
        const all = await queue.getJobSchedulers(0, limit - 1, true);
        return all.map(toStored).filter((s): s is StoredSchedule => s !== undefined);
      }),
    lastRun: (fn) =>
      withQueueErrors(async () => {
        const raw = await connection.hget(runsKey, scheduleId(fn));
        return raw === null ? undefined : parseRun(raw);
      }),
    async close() {
      await queue.close().catch(() => undefined);
      connection.disconnect();
    },
  };
}

function toStored(json: JobSchedulerJson | undefined): StoredSchedule | undefined {
  // Legacy repeatable jobs and `every` schedulers are not ours; neither is an id that names no function.
  const fn = json?.key === undefined ? undefined : functionOfSchedule(json.key);
  if (!json || !fn || !json.pattern) return undefined;
  return {
    fn,
    pattern: json.pattern,
    ...(json.tz ? { timezone: json.tz } : {}),
    ...(typeof json.next === 'number' && Number.isFinite(json.next) ? { nextRunAt: json.next } : {}),
  };
}

function parseRun(raw: string): ScheduleRun | undefined {
  try {
    const parsed = ScheduleRunSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
