/**
 * In-memory ScheduleStore for route and reconcile tests. It never fires ticks: tests record runs with
 * `recordRun`, as a worker would. Passes schedules/schedule-store.contract.ts like the BullMQ one.
 */
// cron-parser is CommonJS without named ESM exports: its functions come off the default export.
import cronParser from 'cron-parser';
import { FuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import type { ScheduleRun } from '@funtainer/core/schedule-records';
import type { CronSchedule } from '../schedules/schedule-annotations.js';
import { scheduleId, type ScheduleStore, type StoredSchedule } from '../schedules/schedule-store.js';

export interface MemorySchedules extends ScheduleStore {
  /** What a worker writes when it starts a tick. */
  recordRun(fn: QualifiedName, run: ScheduleRun): void;
  /** Simulates Redis going away: every call rejects with QUEUE_UNAVAILABLE. */
  setAvailable(available: boolean): void;
  /** Upserts and removes so far, for tests that check a reconcile changed nothing. */
  readonly writes: { upserts: number; removes: number };
}

export function createMemorySchedules(now: () => number = Date.now): MemorySchedules {
  const schedules = new Map<string, StoredSchedule>();
  const runs = new Map<string, ScheduleRun>();
  const writes = { upserts: 0, removes: 0 };
  let available = true;

  function check(): void {
    if (!available) throw new FuntainerError('FUNTAINER_ERR_QUEUE_UNAVAILABLE');
  }

  function nextRunAt(schedule: CronSchedule): number {
    const options = { currentDate: new Date(now()), ...(schedule.timezone !== undefined ? { tz: schedule.timezone } : {}) };
    return cronParser.parseExpression(schedule.pattern, options).next().getTime();
  }

  return {
    writes,
    async upsert(fn, schedule) {
      check();
      writes.upserts += 1;
      schedules.set(scheduleId(fn), { fn: { name: fn.name, namespace: fn.namespace }, ...schedule, nextRunAt: nextRunAt(schedule) });
    },
    async remove(fn) {
      check();
      writes.removes += 1;
      schedules.delete(scheduleId(fn));
      runs.delete(scheduleId(fn));
    },
    async get(fn) {
      check();
      return schedules.get(scheduleId(fn));
    },
    async list(limit) {
      check();
      return [...schedules.values()].slice(0, Math.max(0, limit));
    },
    async lastRun(fn) {
      check();
      return runs.get(scheduleId(fn));
    },
    recordRun(fn, run) {
      runs.set(scheduleId(fn), run);
    },
    setAvailable(value) {
      available = value;
    },
    async close() {},
  };
}
