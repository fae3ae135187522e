/**
 * The optional parts of the gateway, composed for main.ts: async invocations (BullMQ queue + routes + queue
 * metrics), cron schedules and topic events on that queue (schedules/, topics/) and autoscaling (loop, scale from zero, Alertmanager webhook). Kept out of main.ts so the
 * composition root stays short, and out of buildGateway so tests can build a gateway without Redis.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { QualifiedName } from '@funtainer/core/names';
import { createRedisHealth } from '@funtainer/core/redis-health-gauge';
import type { GatewayDeps } from './app.js';
import { asyncPlugins } from './async/async-plugins.js';
import { createBullmqQueuer } from './async/bullmq-queuer.js';
import { registerQueueMetrics } from './async/queue-metrics.js';
import type { RequestQueuer } from './async/request-queuer.js';
import { alertRoutes } from './autoscaler/alert-routes.js';
import type { AutoscalingConfig } from './autoscaler/autoscaling-config.js';
import { createAutoscaling } from './autoscaler/autoscaling.js';
import type { QueueBacklog } from './autoscaler/autoscaler.js';
import type { GatewayConfig } from './config.js';
import type { FunctionProvider } from './provider/provider.js';
import { createBullmqScheduleStore } from './schedules/bullmq-schedules.js';
import { createFunctionSchedules } from './schedules/function-schedules.js';
import { createScheduleReconciler } from './schedules/schedule-reconciler.js';
import { topicPlugins } from './topics/topic-plugins.js';

export interface ExtensionsOptions {
  readonly config: GatewayConfig;
  readonly autoscaling: AutoscalingConfig;
  readonly provider: FunctionProvider;
  readonly registry: Registry;
  readonly log: Logger;
}

export interface Extensions {
  /** Spread into buildGateway's deps. */
  readonly gatewayDeps: Pick<GatewayDeps, 'extraRoutes' | 'systemRoutes' | 'wakeFunction' | 'describeScaling' | 'manualScale' | 'maxWaitingPerFunction' | 'schedules' | 'onFunctionChanged'>;
  /** Starts background loops; call after listen. */
  start(): void;
  /** Stops loops and closes Redis connections; call after the gateway stopped taking requests. */
  close(): Promise<void>;
}

export function createExtensions(options: ExtensionsOptions): Extensions {
  const { config, provider, registry, log } = options;
  const redisHealth = createRedisHealth(registry, log);
  const queuer = config.asyncEnabled ? createBullmqQueuer({ redisUrl: config.redisUrl, queueName: config.asyncQueueName, health: redisHealth }) : undefined;
  const stopQueueMetrics = queuer ? registerQueueMetrics(registry, queuer) : () => {};
  // Cron schedules ride on the async queue, so they exist exactly when async calls do.
  const scheduleStore = queuer ? createBullmqScheduleStore({ redisUrl: config.redisUrl, queueName: config.asyncQueueName, health: redisHealth }) : undefined;
  const scheduleLog = log.child({ component: 'schedules' });
  const schedules = queuer && scheduleStore ? createFunctionSchedules({ store: scheduleStore, callStatus: (id) => queuer.status(id), log: scheduleLog }) : undefined;
  const reconciler = scheduleStore ? createScheduleReconciler({ store: scheduleStore, provider, intervalMs: config.scheduleReconcileIntervalMs, log: scheduleLog }) : undefined;
  // The lease connection may wait for Redis (it is only used by the autoscaler loop, never on a request path).
  const leaseRedis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  redisHealth.watch('autoscaler-lease', leaseRedis);

  const scaling = createAutoscaling({
    config: options.autoscaling,
    provider,
    registry,
    redis: leaseRedis,
    ...(queuer ? { backlog: queueBacklog(queuer) } : {}),
    log: log.child({ component: 'autoscaler' }),
    defaultNamespace: config.functionNamespace,
  });
  const wake = (fn: QualifiedName): void => {
    // The waker logs a failed wake-up once; the job stays queued and the autoscaler loop wakes the function again.
    scaling.waker.wake(fn).catch(() => undefined);
  };

  const asyncRouteSet = queuer ? asyncPlugins({ queuer, maxBodyBytes: config.maxAsyncBodyBytes, onEnqueued: wake, callbackPolicy: config.callbackPolicy }) : undefined;
  // Topic events are async calls too: without the queue there is no publish route (404).
  const topics = queuer
    ? topicPlugins({ queuer, provider, registry, subscribersTtlMs: config.topicSubscribersTtlMs, maxBodyBytes: config.maxAsyncBodyBytes, callbackPolicy: config.callbackPolicy, onEnqueued: wake })
    : undefined;

  return {
    gatewayDeps: {
      wakeFunction: (fn) => scaling.waker.wake(fn),
      maxWaitingPerFunction: options.autoscaling.maxWaitersPerFunction,
      describeScaling: (fn) => scaling.autoscaler.state(fn),
      manualScale: scaling.manualScale,
      ...(schedules ? { schedules } : {}),
      ...(topics ? { onFunctionChanged: topics.onFunctionChanged } : {}),
      extraRoutes: asyncRouteSet?.extraRoutes ?? [],
      systemRoutes: [async (app) => app.register(alertRoutes, scaling.alertRoutesOptions), ...(asyncRouteSet?.systemRoutes ?? []), ...(topics?.systemRoutes ?? [])],
    },
    start() {
      scaling.start();
      reconciler?.start();
    },
    async close() {
      await scaling.close();
      await reconciler?.close();
      await scheduleStore?.close();
      stopQueueMetrics();
      await queuer?.close();
      leaseRedis.disconnect();
    },
  };
}

/** Waiting async jobs per function, the autoscaler's queue signal. */
function queueBacklog(queuer: RequestQueuer): QueueBacklog {
  return {
    async waitingByFunction() {
      const counts = await queuer.counts();
      const waiting = new Map<string, number>();
      for (const [fn, c] of counts.byFunction) waiting.set(fn, c.waiting + c.delayed);
      return waiting;
    },
  };
}
