/**
 * The real gateway (buildGateway + MemoryProvider) with the async routes mounted by the production wiring
 * (gateway/src/async/async-plugins.ts), listening on a real port; function replicas point at a local scripted
 * server. Restartable on the same port. With `credentials`, basic auth is on as in production.
 */
import { Registry } from 'prom-client';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { buildGateway, type Gateway } from '@funtainer/gateway/app';
import { loadConfig } from '@funtainer/gateway/config';
import { asyncPlugins } from '@funtainer/gateway/async/async-plugins';
import { createBullmqQueuer } from '@funtainer/gateway/async/bullmq-queuer';
import type { RequestQueuer } from '@funtainer/gateway/async/request-queuer';
import { createBullmqScheduleStore } from '@funtainer/gateway/schedules/bullmq-schedules';
import { createFunctionSchedules } from '@funtainer/gateway/schedules/function-schedules';
import { createScheduleReconciler } from '@funtainer/gateway/schedules/schedule-reconciler';
import { MemoryProvider } from '@funtainer/gateway/testing/memory-provider';
import { topicPlugins } from '@funtainer/gateway/topics/topic-plugins';

export interface TestGatewayOptions {
  readonly redisUrl: string;
  readonly queueName: string;
  /** Base URL every function replica resolves to. */
  readonly functionUrl: string;
  readonly functions: readonly string[];
  readonly port?: number;
  readonly maxBodyBytes?: number;
  readonly labels?: Record<string, string>;
  /** Labels per function, over `labels`. */
  readonly labelsFor?: Record<string, Record<string, string>>;
  /** Turns basic auth on (`/system/*`, private functions) with these credentials. */
  readonly credentials?: { readonly user: string; readonly password: string };
  /** Gateway env for the callback policy; default allows private/loopback destinations (the tests' receivers). */
  readonly callbackEnv?: Record<string, string>;
  /**
   * One provider for several gateways, as gateways on one Docker engine share its state; the caller starts
   * and closes it, and `functions` are not deployed again.
   */
  readonly provider?: MemoryProvider;
  /** Cron schedules as main.ts wires them (extensions.ts), with this reconcile interval. */
  readonly schedules?: { readonly reconcileIntervalMs: number };
  /** `POST /system/topics/*` as main.ts wires it (extensions.ts), with this subscriber cache TTL. */
  readonly topics?: { readonly subscribersTtlMs: number };
}

export interface TestGateway {
  readonly url: string;
  readonly port: number;
  readonly queuer: RequestQueuer;
  readonly gateway: Gateway;
  close(): Promise<void>;
}

export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const shared = options.provider !== undefined;
  const provider = options.provider ?? new MemoryProvider({ endpointUrl: () => options.functionUrl });
  for (const service of shared ? [] : options.functions) {
    const labels = { ...options.labels, ...options.labelsFor?.[service] };
    await provider.deploy(FunctionDeploymentSchema.parse({ service, image: 'test/echo:latest', labels }));
  }
  const basicAuth = options.credentials ? 'true' : 'false';
  const config = loadConfig({
    port: String(options.port ?? 0), metrics_port: '0', bind_address: '127.0.0.1', basic_auth: basicAuth, state_dir: '/tmp/funtainer-async-test',
    ...(options.callbackEnv ?? { callback_allow_private: 'true' }),
  });
  const queuer = createBullmqQueuer({ redisUrl: options.redisUrl, queueName: options.queueName });
  const scheduleStore = options.schedules ? createBullmqScheduleStore({ redisUrl: options.redisUrl, queueName: options.queueName }) : undefined;
  const silent = { warn: () => {}, info: () => {} };
  const schedules = scheduleStore ? createFunctionSchedules({ store: scheduleStore, callStatus: (id) => queuer.status(id), log: silent }) : undefined;
  const reconciler = scheduleStore && options.schedules ? createScheduleReconciler({ store: scheduleStore, provider, intervalMs: options.schedules.reconcileIntervalMs, log: silent }) : undefined;
  const registry = new Registry();
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const asyncRoutes = asyncPlugins({ queuer, maxBodyBytes, callbackPolicy: config.callbackPolicy });
  const topics = options.topics ? topicPlugins({ queuer, provider, registry, subscribersTtlMs: options.topics.subscribersTtlMs, maxBodyBytes, callbackPolicy: config.callbackPolicy }) : undefined;
  const gateway = await buildGateway({
    provider,
    config,
    registry,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(schedules ? { schedules } : {}),
    ...asyncRoutes,
    ...(topics ? { onFunctionChanged: topics.onFunctionChanged } : {}),
    systemRoutes: [...asyncRoutes.systemRoutes, ...(topics?.systemRoutes ?? [])],
  });
  if (!shared) await provider.start();
  const { port } = await gateway.listen();
  reconciler?.start();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    queuer,
    gateway,
    async close() {
      await reconciler?.close();
      await gateway.close();
      await scheduleStore?.close();
      await queuer.close();
      if (!shared) await provider.close();
    },
  };
}
