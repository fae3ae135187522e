/**
 * The one rule manual scaling (`POST /system/scale-function`) and the autoscaler share, so a scale the API
 * reports as done is not undone at the next tick:
 *
 * - `replicas ≥ 1` is clamped to [max(min, 1), max] of the function's `com.openfaas.scale.min/max` labels
 *   (OpenFaaS CE clamps to its fixed [1, 5] the same silent way; here the answer says what was applied).
 * - `replicas = 0` parks the function, whatever its labels: `min` is the floor while the function is active,
 *   as for the idle policy, and the next request or queued job wakes it to max(min, 1).
 * - The applied count holds for the autoscaler's manual hold (`autoscaler_manual_hold`): during it the
 *   autoscaler never goes below that count, never pauses the function for idleness and never brings a parked
 *   one back by itself; it still adds replicas when the load needs more, and a wake-up ends a hold at 0.
 *   After the hold the usual decisions resume (scale-down delay included).
 *
 * The clamp is pure; `ManualHolds` is the autoscaler's per-instance record of holds (one entry per function).
 */
import type { ScalingSettings } from './scaling-settings.js';

export type ClampReason = 'min' | 'max';

export interface ClampedScale {
  readonly requested: number;
  readonly replicas: number;
  /** Which label bound changed the request; undefined when it was applied as asked. */
  readonly clamped: ClampReason | undefined;
}

export function clampScaleRequest(settings: Pick<ScalingSettings, 'min' | 'max'>, requested: number): ClampedScale {
  if (requested === 0) return { requested, replicas: 0, clamped: undefined };
  const floor = Math.max(settings.min, 1);
  if (requested > settings.max) return { requested, replicas: settings.max, clamped: 'max' };
  if (requested < floor) return { requested, replicas: floor, clamped: 'min' };
  return { requested, replicas: requested, clamped: undefined };
}

export interface ManualHold {
  readonly replicas: number;
  /** Epoch ms (the autoscaler's clock) at which the hold ends. */
  readonly untilMs: number;
}

/** What the scale route needs from the autoscaler: start a hold before scaling, drop it if scaling failed. */
export interface ManualScaleHolds {
  /** Undefined when no autoscaler will act on the function (then nothing can undo the scale). */
  hold(fn: { name: string; namespace: string }, replicas: number): ManualHold | undefined;
  release(fn: { name: string; namespace: string }): void;
}

export class ManualHolds {
  readonly #holds = new Map<string, ManualHold>();

  constructor(readonly holdMs: number) {}

  /** Starts (or replaces) the hold of `key`; undefined when holds are off (`holdMs` 0). */
  set(key: string, replicas: number, nowMs: number): ManualHold | undefined {
    if (this.holdMs <= 0) return undefined;
    const hold = { replicas, untilMs: nowMs + this.holdMs };
    this.#holds.set(key, hold);
    return hold;
  }

  /** The hold in force for `key` at `nowMs`; an expired one is dropped. */
  active(key: string, nowMs: number): ManualHold | undefined {
    const hold = this.#holds.get(key);
    if (hold === undefined) return undefined;
    if (hold.untilMs > nowMs) return hold;
    this.#holds.delete(key);
    return undefined;
  }

  clear(key: string): void {
    this.#holds.delete(key);
  }

  /** Drops holds of functions that no longer exist (the map stays bounded by the deployed functions). */
  retainOnly(present: ReadonlySet<string>): void {
    for (const key of this.#holds.keys()) if (!present.has(key)) this.#holds.delete(key);
  }
}
