/**
 * The scaling decision for one function at one tick. PURE: time and load come in as arguments, and what must
 * be remembered between ticks (panic mode, pending scale-down) goes out as a new `DecisionMemory` value.
 *
 * Model (Knative KPA, simplified): desired = ceil(load / (target × proportion)) over the 60 s stable window,
 * bounded by min and max. If the 6 s panic-window load reaches `panicThreshold` × the capacity of the current
 * replicas, scale up at once to what the panic window asks for, and do not scale down until `panicHoldMs` has
 * passed since the last trigger. Outside panic, a lower desired count must hold for `scaleDownDelayMs` before
 * it is applied (we then apply the highest count seen during the delay, so a brief dip never under-provisions).
 * Going to zero is not decided here: the idle policy pauses/removes, the waker brings a function back.
 */
import { capacityPerReplica, type ScalingSettings } from './scaling-settings.js';

export interface WindowedLoad {
  /** Average over the stable window (60 s): req/s for `rps`, concurrent requests for `capacity`. */
  readonly stable: number;
  /** Average over the panic window (6 s), same unit. */
  readonly panic: number;
}

export interface DecisionInput {
  readonly settings: ScalingSettings;
  /** Replicas currently asked of the provider; 0 when paused or removed. */
  readonly current: number;
  readonly load: WindowedLoad;
  /** Async jobs waiting for this function. The load itself for `type=queue`, an extra signal otherwise. */
  readonly backlog: number;
  readonly nowMs: number;
}

/** What a decision remembers for the next tick; start with `INITIAL_DECISION_MEMORY`. */
export interface DecisionMemory {
  /** Panic mode lasts until this time; undefined = not panicking. */
  readonly panicUntilMs: number | undefined;
  /** Since when every tick has wanted fewer replicas than current; undefined = no pending scale-down. */
  readonly lowerSinceMs: number | undefined;
  /** Highest desired count seen since `lowerSinceMs`. */
  readonly lowerPeak: number;
}

export const INITIAL_DECISION_MEMORY: DecisionMemory = Object.freeze({ panicUntilMs: undefined, lowerSinceMs: undefined, lowerPeak: 0 });

export interface DecisionPolicy {
  /** Panic when panic-window load ≥ this × current capacity. @defaultValue 2 (Knative's 200%) */
  readonly panicThreshold: number;
  /** Panic lasts this long after its last trigger. @defaultValue 60 000 (the stable window, as Knative) */
  readonly panicHoldMs: number;
  /** A lower desired count must hold this long before replicas are removed. @defaultValue 30 000 */
  readonly scaleDownDelayMs: number;
}

export const DEFAULT_DECISION_POLICY: DecisionPolicy = Object.freeze({ panicThreshold: 2, panicHoldMs: 60_000, scaleDownDelayMs: 30_000 });

export type ScaleDirection = 'up' | 'down' | 'none';
export type DecisionReason =
  | 'steady' // nothing to change
  | 'load' // stable-window load moved desired
  | 'queue-backlog' // waiting async jobs moved desired
  | 'panic' // panic triggered this tick
  | 'panic-hold' // still panicking: no scale-down
  | 'scale-down-delayed' // lower desired, waiting out the delay
  | 'bounds' // min/max forced the change
  | 'at-zero'; // scaled to zero and idle: stay there

export interface Decision {
  readonly desired: number;
  readonly direction: ScaleDirection;
  readonly reason: DecisionReason;
  readonly panicking: boolean;
  readonly memory: DecisionMemory;
}

export function decide(input: DecisionInput, memory: DecisionMemory, policy: DecisionPolicy = DEFAULT_DECISION_POLICY): Decision {
  const { settings, current, backlog, nowMs } = input;
  const perReplica = capacityPerReplica(settings);
  const isQueue = settings.type === 'queue';
  // A queue backlog is an instantaneous count: it is both the stable and the panic load.
  const stableLoad = isQueue ? backlog : input.load.stable;
  const panicLoad = isQueue ? backlog : input.load.panic;
  const active = stableLoad > 0 || panicLoad > 0 || backlog > 0;

  if (current === 0 && settings.zero && !active) {
    return result(0, 0, 'at-zero', false, INITIAL_DECISION_MEMORY);
  }

  // Zero is reached only through the idle policy, so the automatic floor is at least one replica.
  const floor = Math.max(settings.min, 1);
  const bound = (n: number) => Math.min(settings.max, Math.max(floor, n));
  const stableDesired = Math.ceil(stableLoad / perReplica);
  const backlogDesired = !isQueue && backlog > 0 ? Math.ceil(backlog / perReplica) : 0;
  const panicDesired = Math.ceil(panicLoad / perReplica);

  const triggered = panicLoad > 0 && panicLoad >= policy.panicThreshold * Math.max(current, 1) * perReplica;
  const panicUntilMs = triggered ? nowMs + policy.panicHoldMs : memory.panicUntilMs;
  if (panicUntilMs !== undefined && nowMs < panicUntilMs) {
    const desired = bound(Math.max(panicDesired, stableDesired, backlogDesired, current));
    const reason = desired === current ? (triggered ? 'panic' : 'panic-hold') : current < floor || current > settings.max ? 'bounds' : 'panic';
    return result(current, desired, reason, true, { panicUntilMs, lowerSinceMs: undefined, lowerPeak: 0 });
  }

  const wanted = bound(Math.max(stableDesired, backlogDesired));
  const loadReason: DecisionReason = isQueue || backlogDesired > stableDesired ? 'queue-backlog' : 'load';
  if (current > settings.max || current < floor) {
    return result(current, wanted, current === 0 && active ? loadReason : 'bounds', false, INITIAL_DECISION_MEMORY);
  }
  if (wanted >= current) {
    return result(current, wanted, wanted === current ? 'steady' : loadReason, false, INITIAL_DECISION_MEMORY);
  }

  const lowerSinceMs = memory.lowerSinceMs ?? nowMs;
  const lowerPeak = Math.max(memory.lowerPeak, wanted);
  if (nowMs - lowerSinceMs >= policy.scaleDownDelayMs) {
    return result(current, lowerPeak, loadReason, false, INITIAL_DECISION_MEMORY);
  }
  return result(current, current, 'scale-down-delayed', false, { panicUntilMs: undefined, lowerSinceMs, lowerPeak });
}

function result(current: number, desired: number, reason: DecisionReason, panicking: boolean, memory: DecisionMemory): Decision {
  const direction: ScaleDirection = desired > current ? 'up' : desired < current ? 'down' : 'none';
  return { desired, direction, reason, panicking, memory };
}
