/**
 * What a reconcile round changes: the schedules the functions' annotations ask for against the schedules
 * the store holds. Pure, so the rules are tested without Redis: missing or different → upsert, held for a
 * function that no longer asks for one (deleted, or its annotation removed) → remove, equal → untouched.
 * Untouched matters: BullMQ recomputes the next tick on every upsert, and an upsert just as a tick falls due
 * could skip it, so a round that finds nothing to fix writes nothing.
 */
import type { QualifiedName } from '@funtainer/core/names';
import type { CronSchedule } from './schedule-annotations.js';
import { sameSchedule, scheduleId, type StoredSchedule } from './schedule-store.js';

export interface DesiredSchedule {
  readonly fn: QualifiedName;
  readonly schedule: CronSchedule;
}

export interface ScheduleDiff {
  readonly upsert: DesiredSchedule[];
  readonly remove: QualifiedName[];
}

export function diffSchedules(desired: readonly DesiredSchedule[], stored: readonly StoredSchedule[]): ScheduleDiff {
  const held = new Map(stored.map((s) => [scheduleId(s.fn), s]));
  const wanted = new Set<string>();
  const upsert: DesiredSchedule[] = [];
  for (const entry of desired) {
    const id = scheduleId(entry.fn);
    if (wanted.has(id)) continue;
    wanted.add(id);
    const current = held.get(id);
    if (current === undefined || !sameSchedule(current, entry.schedule)) upsert.push(entry);
  }
  const remove = stored.filter((s) => !wanted.has(scheduleId(s.fn))).map((s) => s.fn);
  return { upsert, remove };
}
