/**
 * Scale from zero. A sync request for a function with no ready replica is held here (bounded per function, with
 * a deadline) while exactly one wake-up runs however many requests arrive: unpause when the replicas are
 * paused, else scale to max(min, 1). All held requests are released on the provider's first non-empty
 * `onEndpointsChanged` for the function. The async path calls `wake(fn)` to start a function its queued jobs need.
 */
import { FuntainerError, isFuntainerError } from '@funtainer/core/errors';
import { metricName, type QualifiedName } from '@funtainer/core/names';
import type { ColdStartKind, ColdStartRecorder } from './autoscaler-metrics.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { silentLog, type AutoscalerLog } from './log.js';
import type { PausableProvider } from '../provider/pausable-provider.js';
import type { EndpointWatch, ReplicaQuery } from './provider-views.js';
import { scalingSettingsOrDefaults } from './scaling-settings.js';
import { SingleFlight } from './single-flight.js';

export interface WakerOptions {
  readonly provider: ReplicaQuery & EndpointWatch;
  /** Absent when the provider cannot pause: functions at zero are then always started cold. */
  readonly pausable?: PausableProvider | undefined;
  readonly metrics?: ColdStartRecorder;
  readonly clock?: Clock;
  /** Requests held per function; the next one fails at once with 503. @defaultValue 1000 */
  readonly maxWaitersPerFunction?: number;
  /** Told about every wake-up, so the idle policy restarts its idle timer. */
  readonly onWake?: (fn: QualifiedName) => void;
  readonly log?: AutoscalerLog;
}

export interface Waker {
  /**
   * Resolves once `fn` has a ready endpoint (immediately if it has one). `deadlineMs` is an absolute time on the
   * waker's clock (`Date.now()` in production). Rejects with FUNCTION_NOT_FOUND (404), or NO_REPLICA (503) on
   * deadline, a full wait queue, a failed wake-up or shutdown.
   */
  ensureReady(fn: QualifiedName, deadlineMs: number): Promise<void>;
  /** Starts `fn` if it is at zero (single flight), without waiting for readiness. */
  wake(fn: QualifiedName): Promise<void>;
  /** Number of requests currently held for `fn`. */
  waiting(fn: QualifiedName): number;
  /** Rejects every held request and stops listening. Idempotent. */
  close(): void;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
  readonly timer: TimerHandle;
}

export function createWaker(options: WakerOptions): Waker {
  const { provider, pausable, metrics } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLog;
  const maxWaiters = options.maxWaitersPerFunction ?? 1000;
  const waitRooms = new Map<string, Set<Waiter>>();
  /** Wake-ups awaiting their first ready replica, for the cold-start histogram. */
  const episodes = new Map<string, { readonly startMs: number; readonly kind: ColdStartKind }>();
  const wakeUps = new SingleFlight<void>();

  const noReplica = (fn: QualifiedName, reason: string, cause?: unknown) =>
    new FuntainerError('FUNTAINER_ERR_NO_REPLICA', undefined, { cause, details: { function: metricName(fn), reason } });

  const release = (key: string) => {
    const episode = episodes.get(key);
    if (episode) {
      episodes.delete(key);
      metrics?.coldStart(key, episode.kind, (clock.now() - episode.startMs) / 1000);
    }
    const room = waitRooms.get(key);
    if (!room) return;
    waitRooms.delete(key);
    for (const waiter of room) {
      clock.clearTimeout(waiter.timer);
      waiter.resolve();
    }
  };

  const rejectAll = (key: string, err: Error) => {
    const room = waitRooms.get(key);
    waitRooms.delete(key);
    for (const waiter of room ?? []) {
      clock.clearTimeout(waiter.timer);
      waiter.reject(err);
    }
  };

  const unsubscribe = provider.onEndpointsChanged((fn, endpoints) => {
    if (endpoints.length > 0) release(metricName(fn));
  });

  const wakeUp = async (fn: QualifiedName): Promise<void> => {
    const key = metricName(fn);
    const startMs = clock.now();
    if (pausable?.isPaused(fn)) {
      episodes.set(key, { startMs, kind: 'paused' });
      await pausable.unpause(fn);
    } else {
      const status = await provider.get(fn);
      if (!status) throw new FuntainerError('FUNTAINER_ERR_FUNCTION_NOT_FOUND', `function "${key}" not found`);
      // Replicas already asked for (starting up, or scaled by someone else): nothing to trigger, just wait.
      if (status.replicas > 0) return;
      const replicas = Math.max(scalingSettingsOrDefaults(status.labels).settings.min, 1);
      episodes.set(key, { startMs, kind: 'cold' });
      await provider.scale(fn, replicas);
    }
    log.info({ fn: key, kind: episodes.get(key)?.kind ?? 'ready', tookMs: clock.now() - startMs }, 'scale from zero triggered');
    options.onWake?.(fn);
  };

  const wake = (fn: QualifiedName): Promise<void> => wakeUps.run(metricName(fn), () => wakeUp(fn));

  const ensureReady = (fn: QualifiedName, deadlineMs: number): Promise<void> => {
    const endpoints = provider.endpoints(fn);
    if (endpoints === undefined) {
      return Promise.reject(new FuntainerError('FUNTAINER_ERR_FUNCTION_NOT_FOUND', `function "${metricName(fn)}" not found`));
    }
    if (endpoints.length > 0) return Promise.resolve();
    const key = metricName(fn);
    const room = waitRooms.get(key) ?? new Set<Waiter>();
    if (room.size >= maxWaiters) return Promise.reject(noReplica(fn, 'wait-queue-full'));
    const remainingMs = deadlineMs - clock.now();
    if (remainingMs <= 0) return Promise.reject(noReplica(fn, 'deadline'));
    waitRooms.set(key, room);

    const held = new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: clock.setTimeout(() => {
          room.delete(waiter);
          if (room.size === 0 && waitRooms.get(key) === room) waitRooms.delete(key);
          reject(noReplica(fn, 'deadline'));
        }, remainingMs),
      };
      room.add(waiter);
    });

    wake(fn).then(
      // Covers providers whose replica became ready before the wake-up call returned without emitting.
      () => { if ((provider.endpoints(fn)?.length ?? 0) > 0) release(key); },
      (err: unknown) => {
        episodes.delete(key);
        log.warn({ fn: key, err }, 'scale from zero failed');
        const notFound = isFuntainerError(err) && err.code === 'FUNTAINER_ERR_FUNCTION_NOT_FOUND';
        rejectAll(key, notFound ? err : noReplica(fn, 'scale-up-failed', err));
      },
    );
    return held;
  };

  return {
    ensureReady,
    wake,
    waiting: (fn) => waitRooms.get(metricName(fn))?.size ?? 0,
    close() {
      unsubscribe();
      for (const key of [...waitRooms.keys()]) rejectAll(key, new FuntainerError('FUNTAINER_ERR_NO_REPLICA', undefined, { details: { function: key, reason: 'shutting-down' } }));
      episodes.clear();
    },
  };
}
