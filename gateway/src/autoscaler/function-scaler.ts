/**
 * One function, one tick: read its settings, note activity, then either wake it (load at zero), take the next
 * scale-to-zero step (idle policy), or apply decide()'s answer. Every outcome, including "no change", is
 * recorded in the function's state, exported as metrics and logged with the inputs that produced it.
 */
import type { FunctionStatus } from '@funtainer/core/contracts';
import { metricName, type QualifiedName } from '@funtainer/core/names';
import type { DecisionRecorder } from './autoscaler-metrics.js';
import { decide, INITIAL_DECISION_MEMORY, type DecisionPolicy, type ScaleDirection } from './decide.js';
import { idleAction } from './idle.js';
import type { AutoscalerLog } from './log.js';
import type { ManualHolds } from './manual-scale.js';
import type { FunctionLoadReading } from './metrics-source.js';
import type { PausableProvider } from '../provider/pausable-provider.js';
import type { ReplicaQuery } from './provider-views.js';
import { scalingSettingsOrDefaults } from './scaling-settings.js';
import type { FunctionRecord, ScalingReason } from './scaling-state.js';
import type { Waker } from './wake.js';

export interface FunctionScalerDeps {
  readonly provider: ReplicaQuery;
  readonly pausable: PausableProvider | undefined;
  readonly waker: Pick<Waker, 'wake'>;
  readonly metrics: DecisionRecorder | undefined;
  readonly log: AutoscalerLog;
  readonly policy: DecisionPolicy;
  readonly removeAfterMs: number;
  readonly holds: ManualHolds;
}

export interface FunctionTickInput {
  readonly status: FunctionStatus;
  readonly reading: FunctionLoadReading;
  readonly backlog: number;
  readonly nowMs: number;
}

export async function scaleFunction(deps: FunctionScalerDeps, record: FunctionRecord, input: FunctionTickInput): Promise<void> {
  const { provider, pausable, log } = deps;
  const { status, reading, backlog, nowMs } = input;
  const fn: QualifiedName = { name: status.name, namespace: status.namespace };
  const key = metricName(fn);

  const { settings, errors } = scalingSettingsOrDefaults(status.labels);
  const warning = errors.join('; ') || undefined;
  if (warning && warning !== record.labelWarning) log.warn({ fn: key, errors }, 'invalid scaling labels: using defaults');
  record.labelWarning = warning;

  const paused = pausable?.isPaused(fn) ?? false;
  record.pausedSinceMs = paused ? (record.pausedSinceMs ?? nowMs) : undefined;
  const current = paused ? 0 : status.replicas;
  const load = settings.type === 'capacity' ? reading.inFlight : reading.rps;
  const active = reading.rps.panic > 0 || reading.inFlight.panic > 0 || backlog > 0;
  if (active) record.lastActiveMs = nowMs;
  // Idle time counts only once the function has been ready: a first replica (deploy, update) still starting
  // must not be paused before the deploy's readiness wait has seen it, however short zero-duration is.
  if (!paused && status.status === 'starting') record.lastActiveMs = nowMs;
  // A hold at 0 lasts until load arrives (a request or queued job, which also wakes it): that ends it. Replicas
  // still listed without load only mean the route's scale to 0 is not applied yet: nothing to do either way.
  let hold = deps.holds.active(key, nowMs);
  if (hold?.replicas === 0 && active) {
    deps.holds.clear(key);
    hold = undefined;
  }

  const inputs = {
    type: settings.type, loadStable: round(load.stable), loadPanic: round(load.panic), backlog, replicas: status.replicas, paused,
    min: settings.min, max: settings.max, target: settings.target, targetProportion: settings.targetProportion,
    idleMs: nowMs - record.lastActiveMs,
    ...(hold ? { manualHold: hold.replicas, manualHoldUntil: new Date(hold.untilMs).toISOString() } : {}),
  };
  const finish = (desired: number, reason: ScalingReason, panicking: boolean, nowPaused: boolean) => {
    const direction: ScaleDirection = desired > current ? 'up' : desired < current ? 'down' : 'none';
    record.state = {
      target: desired, current, paused: nowPaused, panicking,
      lastDecision: { at: new Date(nowMs).toISOString(), from: current, desired, direction, reason, inputs },
    };
    deps.metrics?.decision(key, desired, direction, reason, panicking);
    const fields = { fn: key, from: current, desired, direction, reason, panicking, ...inputs };
    if (direction === 'none') log.debug(fields, 'autoscaler decision');
    else log.info(fields, 'autoscaler decision');
  };

  if (current === 0 && active) {
    // Queued jobs (or traffic that bypassed the waker) for a function at zero: bring it back the same way a
    // held request would, so the single flight is shared with the invocation path.
    await deps.waker.wake(fn);
    finish(Math.max(settings.min, 1), 'wake', false, false);
    return;
  }

  if (hold?.replicas === 0) {
    finish(0, 'manual-hold', false, paused);
    return;
  }

  const idle = hold ? 'none' : idleAction({
    settings, nowMs, lastActiveMs: record.lastActiveMs, pausedSinceMs: record.pausedSinceMs,
    replicas: status.replicas, canPause: pausable !== undefined, removeAfterMs: deps.removeAfterMs,
  });
  if (idle === 'pause' && pausable) {
    await pausable.pause(fn);
    record.pausedSinceMs = nowMs;
    record.memory = INITIAL_DECISION_MEMORY;
    finish(0, 'idle-pause', false, true);
    return;
  }
  if (idle === 'remove') {
    await provider.scale(fn, 0);
    record.pausedSinceMs = undefined;
    finish(0, 'idle-remove', false, false);
    return;
  }

  // Held: the manual count is the floor; the load may still ask for more.
  const bounded = hold ? { ...settings, min: Math.max(settings.min, hold.replicas) } : settings;
  const decision = decide({ settings: bounded, current, load, backlog, nowMs }, record.memory, deps.policy);
  record.memory = decision.memory;
  if (decision.desired !== current) await provider.scale(fn, decision.desired);
  const reason = hold && decision.desired === hold.replicas ? 'manual-hold' : decision.reason;
  finish(decision.desired, reason, decision.panicking, paused && decision.desired === 0);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
