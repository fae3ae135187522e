/**
 * Periodic repair of schedules against the provider's functions. Deploy, update and delete already change the
 * schedule; this covers what they miss: a delete while Redis was unreachable, a gateway that was down, a
 * function changed by another gateway that failed half-way. Every gateway runs it; that is safe because a round
 * writes only what differs (schedule-diff.ts) and equal writes from two gateways land on the same scheduler.
 *
 * Order matters: the store is read before the functions. A function deployed between the two reads then shows
 * up as desired (at worst upserted twice); read the other way round, its fresh schedule could look orphaned.
 */
import type { Logger } from 'pino';
import { errorMessage } from '@funtainer/core/errors';
import type { FunctionProvider } from '../provider/provider.js';
import { parseScheduleAnnotations } from './schedule-annotations.js';
import { diffSchedules, type DesiredSchedule } from './schedule-diff.js';
import type { ScheduleStore } from './schedule-store.js';

export interface ScheduleReconcilerOptions {
  readonly store: ScheduleStore;
  readonly provider: Pick<FunctionProvider, 'namespaces' | 'list'>;
  readonly intervalMs: number;
  readonly log: Pick<Logger, 'warn' | 'info'>;
  /** Schedules read per round. @defaultValue 10 000 */
  readonly maxSchedules?: number;
  /** Upserts + removes per round; the rest wait for the next round. @defaultValue 200 */
  readonly maxChanges?: number;
}

export interface RoundResult {
  readonly upserted: number;
  readonly removed: number;
}

export interface ScheduleReconciler {
  /** One round; rejects when the store or the provider cannot be read (nothing was changed then). */
  runOnce(): Promise<RoundResult>;
  start(): void;
  close(): Promise<void>;
}

export function createScheduleReconciler(options: ScheduleReconcilerOptions): ScheduleReconciler {
  const { store, provider, log } = options;
  const maxSchedules = options.maxSchedules ?? 10_000;
  const maxChanges = options.maxChanges ?? 200;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let failing = false;

  async function desiredSchedules(): Promise<DesiredSchedule[]> {
    const desired: DesiredSchedule[] = [];
    for (const namespace of await provider.namespaces()) {
      for (const fn of await provider.list(namespace)) {
        const parsed = parseScheduleAnnotations(fn.annotations);
        // A definition from before validation existed may be invalid: it gets no schedule (and the deploy of a
        // fixed one gets one), rather than a schedule BullMQ cannot compute.
        if (parsed.ok && parsed.schedule) desired.push({ fn: { name: fn.name, namespace: fn.namespace }, schedule: parsed.schedule });
      }
    }
    return desired;
  }

  async function runOnce(): Promise<RoundResult> {
    const stored = await store.list(maxSchedules);
    const diff = diffSchedules(await desiredSchedules(), stored);
    let budget = maxChanges;
    let upserted = 0;
    let removed = 0;
    for (const fn of diff.remove.slice(0, budget)) {
      await store.remove(fn);
      removed += 1;
    }
    budget -= removed;
    for (const entry of diff.upsert.slice(0, Math.max(0, budget))) {
      await store.upsert(entry.fn, entry.schedule);
      upserted += 1;
    }
    if (upserted + removed > 0) log.info({ upserted, removed }, 'schedules reconciled');
    return { upserted, removed };
  }

  async function round(): Promise<void> {
    try {
      await runOnce();
      failing = false;
    } catch (err) {
      // Once per outage, not once per round.
      if (!failing) log.warn({ err: errorMessage(err) }, 'schedule reconcile failed; retrying every interval');
      failing = true;
    }
  }

  return {
    runOnce,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        running ??= round().finally(() => (running = undefined));
      }, options.intervalMs);
      timer.unref();
      running ??= round().finally(() => (running = undefined));
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
