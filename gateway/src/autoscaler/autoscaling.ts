/**
 * Composition of the autoscaling parts for main.ts: metrics, metrics source, leader lease, waker and the loop,
 * wired to each other (a wake-up resets the idle timer). extensions.ts hands `waker.wake` to buildGateway as
 * `wakeFunction` (and `config.maxWaitersPerFunction` as `maxWaitingPerFunction`), registers `alertRoutes` with
 * `alertRoutesOptions`, calls `start()` after listen and `close()` on shutdown.
 */
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { FunctionProvider } from '../provider/provider.js';
import type { AlertRoutesOptions } from './alert-routes.js';
import { createAutoscaler, type Autoscaler, type QueueBacklog } from './autoscaler.js';
import { createAutoscalerMetrics } from './autoscaler-metrics.js';
import type { AutoscalingConfig } from './autoscaling-config.js';
import type { Clock } from './clock.js';
import { alwaysLeader, createRedisLease } from './lease.js';
import type { LocalLoadCounters } from './local-metrics-source.js';
import type { ManualScaleHolds } from './manual-scale.js';
import { silentLog, type AutoscalerLog } from './log.js';
import { createMetricsSource } from './create-metrics-source.js';
import type { MetricsSource } from './metrics-source.js';
import { isPausableProvider, type PausableProvider } from '../provider/pausable-provider.js';
import { registryLoadCounters } from './registry-load-counters.js';
import { createWaker, type Waker } from './wake.js';

export interface AutoscalingDeps {
  readonly config: AutoscalingConfig;
  readonly provider: Pick<FunctionProvider, 'get' | 'scale' | 'list' | 'namespaces' | 'endpoints' | 'onEndpointsChanged'>;
  /** Defaults to the provider itself when it implements pause/unpause. */
  readonly pausable?: PausableProvider;
  /** The gateway's Registry: autoscaler metrics are added to it, and the local source reads from it. */
  readonly registry: Registry;
  /** With Redis, only the lease holder scales; without, this gateway always does. */
  readonly redis?: Redis;
  readonly backlog?: QueueBacklog;
  /** Overrides the registry-based counters of the local source. */
  readonly counters?: LocalLoadCounters;
  readonly log?: AutoscalerLog;
  readonly clock?: Clock;
  readonly defaultNamespace?: string;
}

export interface Autoscaling {
  readonly autoscaler: Autoscaler;
  readonly waker: Waker;
  readonly metricsSource: MetricsSource;
  /** Options for `app.register(alertRoutes, …)`. */
  readonly alertRoutesOptions: AlertRoutesOptions;
  /** For buildGateway's `manualScale`: manual scales hold against the loop (no hold when the loop is off). */
  readonly manualScale: ManualScaleHolds;
  /** Starts the loop when `autoscaler_enabled`; the waker works either way. */
  start(): void;
  /** Stops the loop, releases the lease, stops the waker. Idempotent. */
  close(): Promise<void>;
}

export function createAutoscaling(deps: AutoscalingDeps): Autoscaling {
  const { config, provider, registry } = deps;
  const log = deps.log ?? silentLog;
  const clock = deps.clock;
  const pausable = deps.pausable ?? (isPausableProvider(provider) ? provider : undefined);
  const metrics = createAutoscalerMetrics(registry);

  const metricsSource = config.metricsSource === 'prometheus' && config.prometheusUrl !== undefined
    ? createMetricsSource({ kind: 'prometheus', url: config.prometheusUrl, timeoutMs: config.queryTimeoutMs, windows: config.windows })
    : createMetricsSource({ kind: 'local', counters: deps.counters ?? registryLoadCounters(registry), windows: config.windows, ...(clock ? { clock } : {}) });
  const lease = deps.redis
    ? createRedisLease({ redis: deps.redis, ttlMs: config.leaseTtlMs, onError: (err) => log.debug({ err }, 'autoscaler lease unavailable') })
    : alwaysLeader();

  // Late-bound: the waker must exist before the autoscaler (which wakes through it) and notify it back.
  let autoscaler: Autoscaler | undefined;
  const waker = createWaker({
    provider, pausable, metrics, log,
    onWake: (fn) => autoscaler?.noteActivity(fn),
    ...(clock ? { clock } : {}),
  });
  autoscaler = createAutoscaler({
    provider, pausable, waker, metricsSource, backlog: deps.backlog, lease, metrics, log,
    intervalMs: config.intervalMs, policy: config.policy, zeroRemoveAfterMs: config.zeroRemoveAfterMs, manualHoldMs: config.manualHoldMs,
    ...(clock ? { clock } : {}),
  });
  const loop = autoscaler;
  let closed = false;

  return {
    autoscaler: loop,
    waker,
    metricsSource,
    alertRoutesOptions: { provider, log, ...(deps.defaultNamespace ? { defaultNamespace: deps.defaultNamespace } : {}) },
    manualScale: {
      hold: (fn, replicas) => (config.enabled && !closed ? loop.holdManualScale(fn, replicas) : undefined),
      release: (fn) => loop.releaseManualScale(fn),
    },
    start() {
      if (config.enabled && !closed) loop.start();
    },
    async close() {
      if (closed) return;
      closed = true;
      await loop.stop();
      waker.close();
    },
  };
}
