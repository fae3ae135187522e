/**
 * What the function routes ask of cron support: keep a function's schedule in step with its annotations after
 * a deploy, update or delete, and describe it for `GET /system/function/<name>`. Neither path fails the route
 * because Redis is away: the definition is the source of truth and the reconcile loop catches up, and a status
 * read (the queue-worker reads it for every call's settings) shows the error instead of failing.
 */
import type { Logger } from 'pino';
import { errorMessage } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import type { FunctionScheduleStatus } from '@funtainer/core/schedule-records';
import type { AsyncCallStatus } from '../async/request-queuer.js';
import { parseScheduleAnnotations } from './schedule-annotations.js';
import { sameSchedule, scheduleId, type ScheduleStore } from './schedule-store.js';

/** The `schedule` object of `GET /system/function/<name>`; the shape is core's, shared with the CLI. */
export type ScheduleView = FunctionScheduleStatus;

export interface FunctionSchedules {
  /** After a deploy or update: creates, changes or removes the schedule to match the annotations. Never throws. */
  apply(fn: QualifiedName, annotations: Readonly<Record<string, string>> | undefined): Promise<void>;
  /** After a delete. Never throws. */
  remove(fn: QualifiedName): Promise<void>;
  /** Undefined for a function that is not a cron function. */
  describe(fn: QualifiedName, annotations: Readonly<Record<string, string>> | undefined): Promise<ScheduleView | undefined>;
}

export interface FunctionSchedulesOptions {
  readonly store: ScheduleStore;
  /** The async status API's lookup (RequestQueuer.status), for the last tick's outcome. */
  readonly callStatus: (callId: string) => Promise<AsyncCallStatus | undefined>;
  readonly log: Pick<Logger, 'warn'>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function createFunctionSchedules(options: FunctionSchedulesOptions): FunctionSchedules {
  const { store, log } = options;

  function reportFailure(fn: QualifiedName, what: string, err: unknown): void {
    log.warn({ fn: scheduleId(fn), err: errorMessage(err) }, `${what} failed; the schedule reconcile will retry`);
  }

  return {
    async apply(fn, annotations) {
      const parsed = parseScheduleAnnotations(annotations);
      try {
        if (!parsed.ok || parsed.schedule === undefined) {
          await store.remove(fn);
          return;
        }
        const current = await store.get(fn);
        // Unchanged: leave it, an upsert would recompute (and could skip) the next tick.
        if (current === undefined || !sameSchedule(current, parsed.schedule)) await store.upsert(fn, parsed.schedule);
      } catch (err) {
        reportFailure(fn, 'schedule update', err);
      }
    },
    async remove(fn) {
      await store.remove(fn).catch((err: unknown) => reportFailure(fn, 'schedule removal', err));
    },
    async describe(fn, annotations) {
      const parsed = parseScheduleAnnotations(annotations);
      if (!parsed.ok || parsed.schedule === undefined) return undefined;
      const base = { pattern: parsed.schedule.pattern, ...(parsed.schedule.timezone !== undefined ? { timezone: parsed.schedule.timezone } : {}) };
      try {
        const [stored, run] = await Promise.all([store.get(fn), store.lastRun(fn)]);
        const status = run ? await options.callStatus(run.callId) : undefined;
        return {
          ...base,
          nextRun: stored?.nextRunAt !== undefined ? iso(stored.nextRunAt) : null,
          lastRun: run
            ? {
                callId: run.callId,
                tick: iso(run.tick),
                ...(status ? { state: status.state } : {}),
                ...(status?.statusCode !== undefined ? { statusCode: status.statusCode } : {}),
                ...(status?.finishedAt !== undefined ? { finishedAt: iso(status.finishedAt) } : {}),
              }
            : null,
        };
      } catch (err) {
        return { ...base, nextRun: null, lastRun: null, error: errorMessage(err) };
      }
    },
  };
}
