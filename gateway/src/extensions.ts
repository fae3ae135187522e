/**
 * The optional parts of the gateway, composed for main.ts: async invocations (BullMQ queue + routes + queue
 * metrics) and autoscaling (loop, scale from zero, Alertmanager webhook). Kept out of main.ts so the
 * composition root stays short, and out of buildGateway so tests can build a gateway without Redis.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { QualifiedName } from '@funtainer/core/names';
import type { GatewayDeps } from './app.js';
import { asyncRoutes } from './async/async-routes.js';
import { createBullmqQueuer } from './async/bullmq-queuer.js';
import { registerQueueMetrics } from './async/queue-metrics.js';
import type { RequestQueuer } from './async/request-queuer.js';
import { systemAsyncRoutes } from './async/system-async-routes.js';
import { alertRoutes } from './autoscaler/alert-routes.js';
import type { AutoscalingConfig } from './autoscaler/autoscaling-config.js';
import { createAutoscaling } from './autoscaler/autoscaling.js';
import type { QueueBacklog } from './autoscaler/autoscaler.js';
import type { GatewayConfig } from './config.js';
import type { FunctionProvider } from './provider/provider.js';

export interface ExtensionsOptions {
  readonly config: GatewayConfig;
  readonly autoscaling: AutoscalingConfig;
  readonly provider: FunctionProvider;
  readonly registry: Registry;
  readonly log: Logger;
}

export interface Extensions {
  /** Spread into buildGateway's deps. */
  readonly gatewayDeps: Pick<GatewayDeps, 'extraRoutes' | 'systemRoutes' | 'wakeFunction' | 'describeScaling' | 'manualScale'>;
  /** Starts background loops; call after listen. */
  start(): void;
  /** Stops loops and closes Redis connections; call after the gateway stopped taking requests. */
  close(): Promise<void>;
}

export function createExtensions(options: ExtensionsOptions): Extensions {
  const { config, provider, registry, log } = options;
  const queuer = config.asyncEnabled ? createBullmqQueuer({ redisUrl: config.redisUrl, queueName: config.asyncQueueName }) : undefined;
  const stopQueueMetrics = queuer ? registerQueueMetrics(registry, queuer) : () => {};
  // The lease connection may wait for Redis (it is only used by the autoscaler loop, never on a request path).
  const leaseRedis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  leaseRedis.on('error', () => {});

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
    scaling.waker.wake(fn).catch((err: unknown) => log.warn({ err, fn }, 'wake on enqueue failed'));
  };

  return {
    gatewayDeps: {
      wakeFunction: (fn) => scaling.waker.wake(fn),
      describeScaling: (fn) => scaling.autoscaler.state(fn),
      manualScale: scaling.manualScale,
      extraRoutes: queuer
        ? [async (app, { gateway }) => {
            await app.register(asyncRoutes, {
              queuer,
              functionExists: (fn) => gateway.resolveFunction(`${fn.name}.${fn.namespace}`) !== undefined,
              maxBodyBytes: config.maxAsyncBodyBytes,
              defaultNamespace: gateway.functionNamespace,
              includeSystemRoutes: false,
              onEnqueued: wake,
            });
          }]
        : [],
      systemRoutes: queuer
        ? [
            async (app) => app.register(alertRoutes, scaling.alertRoutesOptions),
            async (app, { gateway }) => app.register(systemAsyncRoutes, { queuer, defaultNamespace: gateway.functionNamespace }),
          ]
        : [async (app) => app.register(alertRoutes, scaling.alertRoutesOptions)],
    },
    start() {
      scaling.start();
    },
    async close() {
      await scaling.close();
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
