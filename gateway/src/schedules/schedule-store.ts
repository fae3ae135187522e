/**
 * The seam between the gateway's cron support and where schedules live: one schedule per function, keyed by
 * `name.namespace`. bullmq-schedules.ts keeps them as BullMQ job schedulers on the async request queue (Redis
 * then guarantees one job per tick for any number of gateways and workers); testing/memory-schedules.ts is the
 * fake; both pass schedule-store.contract.ts.
 *
 * Errors: implementations throw FuntainerError QUEUE_UNAVAILABLE when the store cannot be reached.
 */
import type { QualifiedName } from '@funtainer/core/names';
import { parseQualifiedName } from '@funtainer/core/names';
import type { ScheduleRun } from '@funtainer/core/schedule-records';
import type { CronSchedule } from './schedule-annotations.js';

export interface StoredSchedule extends CronSchedule {
  readonly fn: QualifiedName;
  /** Epoch milliseconds of the next tick; absent when the store has none pending. */
  readonly nextRunAt?: number;
}

export interface ScheduleStore {
  /** Creates or replaces the function's schedule; the next tick is computed from now. */
  upsert(fn: QualifiedName, schedule: CronSchedule): Promise<void>;
  /** Removes the schedule and its last-run record; a missing schedule is not an error. */
  remove(fn: QualifiedName): Promise<void>;
  get(fn: QualifiedName): Promise<StoredSchedule | undefined>;
  /** Up to `limit` schedules (bounded so a reconcile round has a known cost). */
  list(limit: number): Promise<StoredSchedule[]>;
  /** The latest tick a worker started, if any. */
  lastRun(fn: QualifiedName): Promise<ScheduleRun | undefined>;
  close(): Promise<void>;
}

/** The scheduler id of a function: the same `name.namespace` the request jobs are named by. */
export function scheduleId(fn: QualifiedName): string {
  return `${fn.name}.${fn.namespace}`;
}

/** The function a scheduler id names; undefined when the id is not `name.namespace`. */
export function functionOfSchedule(id: string): QualifiedName | undefined {
  return id.includes('.') ? parseQualifiedName(id) : undefined;
}

export function sameSchedule(a: CronSchedule, b: CronSchedule): boolean {
  return a.pattern === b.pattern && (a.timezone ?? '') === (b.timezone ?? '');
}
