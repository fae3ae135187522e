/**
 * Scale to zero in two steps, decided here. PURE.
 *
 * A function labelled `com.openfaas.scale.zero=true` that has been idle (no requests started, nothing in flight,
 * no queued jobs) for its `zero-duration` is first PAUSED: its containers stay in memory but get no CPU, so
 * the next request wakes it in tens of milliseconds. Once it has stayed paused for `zero_remove_after`
 * (gateway setting, default 30 minutes; OpenWhisk uses 10 s pause / 10 min removal) it is REMOVED (scaled to 0),
 * giving the memory back at the price of a full container start next time. Providers that cannot pause go
 * straight to removal after `zero-duration`.
 */
import type { ScalingSettings } from './scaling-settings.js';

export type IdleAction = 'none' | 'pause' | 'remove';

/** Default time a function stays paused before its replicas are removed. */
export const DEFAULT_ZERO_REMOVE_AFTER_MS = 30 * 60_000;

export interface IdleInput {
  readonly settings: ScalingSettings;
  readonly nowMs: number;
  /** Last time the function showed any activity (or when the autoscaler first saw it). */
  readonly lastActiveMs: number;
  /** When it was paused; undefined when running or removed. */
  readonly pausedSinceMs: number | undefined;
  /** Replicas asked of the provider (paused ones included). */
  readonly replicas: number;
  readonly canPause: boolean;
  readonly removeAfterMs: number;
}

export function idleAction(input: IdleInput): IdleAction {
  const { settings, nowMs, replicas } = input;
  if (!settings.zero || replicas === 0) return 'none';
  if (nowMs - input.lastActiveMs < settings.zeroDurationMs) return 'none';
  if (input.pausedSinceMs !== undefined) {
    return nowMs - input.pausedSinceMs >= input.removeAfterMs ? 'remove' : 'none';
  }
  return input.canPause ? 'pause' : 'remove';
}
