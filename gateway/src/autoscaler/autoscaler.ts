/**
 * The autoscaler loop: every `intervalMs` (2 s, Knative's tick), if this gateway holds the leader lease, read
 * load for all functions once, read the async backlog once, and run `scaleFunction` for each deployed function.
 * Ticks never overlap (the next is scheduled when one ends) and one function's failure never stops the others.
 * A tick whose inputs cannot be read is skipped entirely: acting on missing load would scale everything down.
 */
import { metricName, type QualifiedName } from '@funtainer/core/names';
import type { DecisionRecorder } from './autoscaler-metrics.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { DEFAULT_DECISION_POLICY, type DecisionPolicy } from './decide.js';
import { scaleFunction } from './function-scaler.js';
import { DEFAULT_ZERO_REMOVE_AFTER_MS } from './idle.js';
import { alwaysLeader, type LeaderLease } from './lease.js';
import { silentLog, type AutoscalerLog } from './log.js';
import { ManualHolds, type ManualHold } from './manual-scale.js';
import { ZERO_LOAD, type LoadReadings, type MetricsSource } from './metrics-source.js';
import type { PausableProvider } from '../provider/pausable-provider.js';
import type { FunctionLister, ReplicaQuery } from './provider-views.js';
import { ScalingStateStore, type FunctionScalingState } from './scaling-state.js';
import type { Waker } from './wake.js';

/** Waiting async jobs per function (`name.namespace`), read once per tick; the async queue adapts its counts(). */
export interface QueueBacklog {
  waitingByFunction(): Promise<ReadonlyMap<string, number>>;
}

export interface AutoscalerOptions {
  readonly provider: ReplicaQuery & FunctionLister;
  readonly pausable?: PausableProvider | undefined;
  readonly waker: Pick<Waker, 'wake'>;
  readonly metricsSource: MetricsSource;
  readonly backlog?: QueueBacklog | undefined;
  /** @defaultValue alwaysLeader() (no Redis: single gateway) */
  readonly lease?: LeaderLease;
  readonly metrics?: DecisionRecorder;
  readonly clock?: Clock;
  readonly log?: AutoscalerLog;
  /** @defaultValue 2 000 */
  readonly intervalMs?: number;
  readonly policy?: Partial<DecisionPolicy>;
  /** How long a function stays paused before removal. @defaultValue 30 minutes */
  readonly zeroRemoveAfterMs?: number;
  /** How long a manual scale holds against the autoscaler (see manual-scale.ts); 0 = until the next tick. @defaultValue 5 minutes */
  readonly manualHoldMs?: number;
}

export const DEFAULT_MANUAL_HOLD_MS = 5 * 60_000;

export type TickOutcome = 'scaled' | 'not-leader' | 'metrics-unavailable' | 'backlog-unavailable' | 'provider-unavailable';

export interface Autoscaler {
  /** Starts the loop (first tick after one interval). Idempotent. */
  start(): void;
  /** Stops the loop, waits for a running tick, releases the lease. Idempotent. */
  stop(): Promise<void>;
  /** Runs one tick now (tests, and `start`'s loop). */
  tick(): Promise<TickOutcome>;
  /** Scaling view for `GET /system/function/<name>`; undefined before the function's first tick. */
  state(fn: QualifiedName): FunctionScalingState | undefined;
  /** Resets the idle timer of `fn` (the waker calls it on every wake-up). */
  noteActivity(fn: QualifiedName): void;
  /** A manual scale to `replicas` was requested: hold it (manual-scale.ts); undefined when holds are off. */
  holdManualScale(fn: QualifiedName, replicas: number): ManualHold | undefined;
  /** The manual scale failed: forget its hold. */
  releaseManualScale(fn: QualifiedName): void;
  /** Whether this instance acted as leader at its last tick. */
  readonly isLeader: boolean;
}

export function createAutoscaler(options: AutoscalerOptions): Autoscaler {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLog;
  const lease = options.lease ?? alwaysLeader();
  const intervalMs = options.intervalMs ?? 2_000;
  const store = new ScalingStateStore();
  const holds = new ManualHolds(options.manualHoldMs ?? DEFAULT_MANUAL_HOLD_MS);
  const deps = {
    holds,
    provider: options.provider, pausable: options.pausable, waker: options.waker, metrics: options.metrics, log,
    policy: { ...DEFAULT_DECISION_POLICY, ...options.policy },
    removeAfterMs: options.zeroRemoveAfterMs ?? DEFAULT_ZERO_REMOVE_AFTER_MS,
  };
  let leader = false;
  let running = false;
  let timer: TimerHandle | undefined;
  let current: Promise<TickOutcome> | undefined;
  /** Last failing input, so an outage is logged once when it starts and once when it ends, not every tick. */
  let lastFailure: TickOutcome | undefined;

  const failed = (outcome: TickOutcome, err: unknown): TickOutcome => {
    if (lastFailure !== outcome) log.warn({ outcome, err }, 'autoscaler tick skipped');
    lastFailure = outcome;
    return outcome;
  };

  const tick = async (): Promise<TickOutcome> => {
    const nowMs = clock.now();
    let readings: LoadReadings;
    // The lease and the load are read every tick even by followers: the local source must keep sampling.
    try {
      [leader, readings] = await Promise.all([lease.hold(), options.metricsSource.read()]);
    } catch (err) {
      return failed('metrics-unavailable', err);
    }
    if (!leader) return 'not-leader';
    let backlog: ReadonlyMap<string, number>;
    try {
      backlog = (await options.backlog?.waitingByFunction()) ?? new Map();
    } catch (err) {
      return failed('backlog-unavailable', err);
    }
    let statuses;
    try {
      const namespaces = await options.provider.namespaces();
      statuses = (await Promise.all(namespaces.map((ns) => options.provider.list(ns)))).flat();
    } catch (err) {
      return failed('provider-unavailable', err);
    }
    if (lastFailure) log.info({ after: lastFailure }, 'autoscaler inputs available again');
    lastFailure = undefined;

    const present = new Set<string>();
    for (const status of statuses) {
      const key = metricName({ name: status.name, namespace: status.namespace });
      present.add(key);
      const record = store.recordFor(key, nowMs, status.replicas);
      try {
        await scaleFunction(deps, record, { status, reading: readings.get(key) ?? ZERO_LOAD, backlog: backlog.get(key) ?? 0, nowMs });
      } catch (err) {
        log.warn({ fn: key, err }, 'autoscaler could not scale function');
      }
    }
    for (const gone of store.retainOnly(present)) options.metrics?.forget(gone);
    holds.retainOnly(present);
    return 'scaled';
  };

  const loop = () => {
    timer = clock.setTimeout(() => {
      current = tick().catch((err: unknown) => failed('provider-unavailable', err));
      void current.finally(() => {
        current = undefined;
        if (running) loop();
      });
    }, intervalMs);
  };

  return {
    start() {
      if (running) return;
      running = true;
      log.info({ intervalMs, source: options.metricsSource.kind, lease: lease.ownerId }, 'autoscaler started');
      loop();
    },
    async stop() {
      running = false;
      if (timer !== undefined) clock.clearTimeout(timer);
      await current;
      await lease.release();
    },
    tick,
    state: (fn) => store.get(metricName(fn)),
    noteActivity: (fn) => store.noteActivity(metricName(fn), clock.now()),
    holdManualScale: (fn, replicas) => holds.set(metricName(fn), replicas, clock.now()),
    releaseManualScale: (fn) => holds.clear(metricName(fn)),
    get isLeader() {
      return leader;
    },
  };
}
