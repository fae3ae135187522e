/**
 * What the autoscaler knows about each function between ticks, and the public view of it that
 * `GET /system/function/<name>` shows. One `ScalingStateStore` per autoscaler instance (no module state).
 */
import type { DecisionMemory, ScaleDirection } from './decide.js';
import { INITIAL_DECISION_MEMORY } from './decide.js';

/** Why the autoscaler did what it did: a decide() reason or one of the zero/wake transitions. */
export type ScalingReason =
  | import('./decide.js').DecisionReason
  | 'idle-pause' // idle for zero-duration: replicas paused
  | 'idle-remove' // paused for zero_remove_after (or cannot pause): scaled to 0
  | 'wake' // load or queued jobs for a function at zero: woken
  | 'manual-hold'; // a manual scale holds (manual-scale.ts): kept at its count

export interface LastDecision {
  /** ISO time of the decision. */
  readonly at: string;
  readonly from: number;
  readonly desired: number;
  readonly direction: ScaleDirection;
  readonly reason: ScalingReason;
  /** The inputs, as logged: load per window, backlog, settings that mattered. */
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** Public scaling view of one function. */
export interface FunctionScalingState {
  /** Replicas the autoscaler wants. */
  readonly target: number;
  /** Replicas the provider had at the last tick (0 while paused). */
  readonly current: number;
  readonly paused: boolean;
  readonly panicking: boolean;
  readonly lastDecision: LastDecision | undefined;
}

/** Internal per-function record. */
export interface FunctionRecord {
  memory: DecisionMemory;
  lastActiveMs: number;
  pausedSinceMs: number | undefined;
  state: FunctionScalingState;
  /** Label problems already logged, so a bad label warns once rather than every tick. */
  labelWarning: string | undefined;
}

export class ScalingStateStore {
  readonly #records = new Map<string, FunctionRecord>();

  /** The record for `fn`, created on first sight with activity "now" so a restart never pauses at once. */
  recordFor(fn: string, nowMs: number, replicas: number): FunctionRecord {
    let record = this.#records.get(fn);
    if (!record) {
      record = {
        memory: INITIAL_DECISION_MEMORY,
        lastActiveMs: nowMs,
        pausedSinceMs: undefined,
        state: { target: replicas, current: replicas, paused: false, panicking: false, lastDecision: undefined },
        labelWarning: undefined,
      };
      this.#records.set(fn, record);
    }
    return record;
  }

  get(fn: string): FunctionScalingState | undefined {
    return this.#records.get(fn)?.state;
  }

  noteActivity(fn: string, nowMs: number): void {
    const record = this.#records.get(fn);
    if (record) record.lastActiveMs = nowMs;
  }

  /** Drops functions not in `present`; returns the dropped names (for metric cleanup). */
  retainOnly(present: ReadonlySet<string>): string[] {
    const dropped = [...this.#records.keys()].filter((fn) => !present.has(fn));
    for (const fn of dropped) this.#records.delete(fn);
    return dropped;
  }
}
