/**
 * Scale from zero: exactly one wake-up per function at a time however many callers ask (unpause when the
 * replicas are paused, else scale to max(min, 1)), and the cold-start histogram (wake-up → first non-empty
 * `onEndpointsChanged`). Requests are not held here: the gateway parks them on their FunctionRoute (bounded by
 * scale_from_zero_max_waiting, each with its ready_timeout deadline) and calls `wake(fn)` for the first one;
 * the async path calls it to start a function its queued jobs need.
 */
import { FuntainerError } from '@funtainer/core/errors';
import { metricName, type QualifiedName } from '@funtainer/core/names';
import type { ColdStartKind, ColdStartRecorder } from './autoscaler-metrics.js';
import { systemClock, type Clock } from './clock.js';
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
  /** Told about every wake-up, so the idle policy restarts its idle timer. */
  readonly onWake?: (fn: QualifiedName) => void;
  readonly log?: AutoscalerLog;
}

export interface Waker {
  /**
   * Starts `fn` if it is at zero (single flight), without waiting for readiness. Rejects with
   * FUNCTION_NOT_FOUND, or the provider's error when the scale-up / unpause failed (logged here).
   */
  wake(fn: QualifiedName): Promise<void>;
  /** Stops listening for endpoint changes. Idempotent. */
  close(): void;
}

export function createWaker(options: WakerOptions): Waker {
  const { provider, pausable, metrics } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLog;
  /** Wake-ups awaiting their first ready replica, for the cold-start histogram. */
  const episodes = new Map<string, { readonly startMs: number; readonly kind: ColdStartKind }>();
  const wakeUps = new SingleFlight<void>();

  const unsubscribe = provider.onEndpointsChanged((fn, endpoints) => {
    if (endpoints.length === 0) return;
    const key = metricName(fn);
    const episode = episodes.get(key);
    if (!episode) return;
    episodes.delete(key);
    metrics?.coldStart(key, episode.kind, (clock.now() - episode.startMs) / 1000);
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

  const wake = (fn: QualifiedName): Promise<void> =>
    wakeUps.run(metricName(fn), () =>
      wakeUp(fn).catch((err: unknown) => {
        episodes.delete(metricName(fn));
        log.warn({ fn: metricName(fn), err }, 'scale from zero failed');
        throw err;
      }),
    );

  return {
    wake,
    close() {
      unsubscribe();
      episodes.clear();
    },
  };
}
