/**
 * buildGateway(deps): the whole gateway minus listening and process concerns. Invocations (`/function/…`)
 * are dispatched by a raw node:http handler before Fastify routing; everything else is Fastify: the
 * basic-auth-protected `/system/*` API, `/healthz`, and extra plugins (async routes). main.ts listens;
 * tests use `app.inject()` or listen on port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { LoggerOptions } from 'pino';
import type { Registry } from 'prom-client';
import { FuntainerError } from '@funtainer/core/errors';
import { HEADERS } from '@funtainer/core/headers';
import type { QualifiedName } from '@funtainer/core/names';
import { BasicAuth, type Credentials } from './auth/basic-auth.js';
import type { GatewayConfig } from './config.js';
import { MAX_PARAM_LENGTH } from './errors.js';
import { FunctionTable } from './functions/function-table.js';
import { ServiceCountPoller } from './functions/service-count-poller.js';
import { createGatewaySupport, newCallId, type GatewayPluginOptions, type GatewaySupport } from './gateway-support.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { createMetricsServer, metricsCredentials } from './metrics/metrics-server.js';
import { refuseCrossSiteWrites } from './plugins/cross-site-guard.js';
import { answerFrameworkError, installErrorHandlers } from './plugins/error-handler.js';
import { requireBasicAuth } from './plugins/system-auth.js';
import type { FunctionProvider } from './provider/provider.js';
import type { ManualScaleHolds } from './autoscaler/manual-scale.js';
import type { FunctionSchedules } from './schedules/function-schedules.js';
import { createInvokeHandler } from './proxy/invoke-handler.js';
import { InvocationTracker } from './proxy/invocation-tracker.js';
import { FUNCTION_PREFIX } from './proxy/invocation-path.js';
import { ReplicaPools } from './functions/replica-pools.js';
import { systemFunctionRoutes } from './routes/system-functions.js';
import { healthRoutes, systemInfoRoutes } from './routes/system-info.js';
import { systemNamespaceRoutes } from './routes/system-namespaces.js';
import { systemLogRoutes } from './routes/system-logs.js';
import { systemScaleRoutes } from './routes/system-scale.js';
import { systemSecretRoutes } from './routes/system-secrets.js';
import { uiRoutes } from './ui/ui-routes.js';

export interface GatewayDeps {
  readonly provider: FunctionProvider;
  readonly config: GatewayConfig;
  /** A fresh prom-client Registry (never the global one). */
  readonly registry: Registry;
  /** Required when config.basicAuth is true (main.ts resolves them, see credentials.ts). */
  readonly credentials?: Credentials;
  /** pino options for Fastify's logger; false (the default) for silence in tests. */
  readonly logger?: LoggerOptions | false;
  /** Extra Fastify plugins (e.g. the async routes), registered at the root with `{ gateway: GatewaySupport }`. */
  readonly extraRoutes?: ReadonlyArray<FastifyPluginAsync<GatewayPluginOptions>>;
  /** Like extraRoutes but inside the basic-auth scope of `/system/*` (e.g. `/system/alert`). */
  readonly systemRoutes?: ReadonlyArray<FastifyPluginAsync<GatewayPluginOptions>>;
  /** Scale from zero (the autoscaler's waker): called when a request finds a function with no ready replica. */
  readonly wakeFunction?: (fn: QualifiedName) => Promise<void>;
  /** The autoscaler's per-function state, shown by GET /system/function/<name>. */
  readonly describeScaling?: (fn: QualifiedName) => object | undefined;
  /** The autoscaler's manual-scale holds (scale-function and the autoscaler agree: autoscaler/manual-scale.ts). */
  readonly manualScale?: ManualScaleHolds;
  /** Cron schedules (schedules/function-schedules.ts); without it cron annotations are validated but not scheduled. */
  readonly schedules?: FunctionSchedules;
  /** Called after a deploy, update or delete through `/system/functions` (e.g. to drop cached topic subscribers). */
  readonly onFunctionChanged?: (fn: QualifiedName) => void;
  /** scale_from_zero_max_waiting (autoscaling config): requests parked per function for a replica; default 1000. */
  readonly maxWaitingPerFunction?: number;
}

export interface Gateway {
  readonly app: FastifyInstance;
  readonly metrics: GatewayMetrics;
  readonly functions: FunctionTable;
  readonly support: GatewaySupport;
  readonly metricsServer: Server;
  /** Requests in flight to one replica; the provider drains a replica to 0 before stopping it. */
  inFlight(endpointId: string): number;
  refreshServiceCounts(): Promise<void>;
  /** Listens on config.port and config.metricsPort; returns the bound ports (useful with port 0). */
  listen(): Promise<{ port: number; metricsPort: number }>;
  /** Stops accepting, waits for in-flight invocations (≤ write_timeout), closes pools. Idempotent. */
  close(): Promise<void>;
}

export async function buildGateway(deps: GatewayDeps): Promise<Gateway> {
  const { provider, config, registry } = deps;
  if (config.basicAuth && deps.credentials === undefined) {
    throw new FuntainerError('FUNTAINER_ERR_CONFIG_INVALID', 'basic_auth is on but no credentials were given');
  }
  const auth = new BasicAuth(config.basicAuth ? deps.credentials : undefined);
  const pools = new ReplicaPools({ maxConnectionsPerReplica: config.maxConnectionsPerReplica });
  const tracker = new InvocationTracker();
  let functions: FunctionTable | undefined;
  const metrics = new GatewayMetrics(registry, { functionLoad: () => functions?.functionLoad() ?? [] });
  functions = new FunctionTable(provider, pools, metrics, { ...config, maxQueuePerFunction: config.maxQueuePerFunction, maxWaitingPerFunction: deps.maxWaitingPerFunction });
  const invoke = createInvokeHandler({ table: functions, auth, tracker, readyTimeoutMs: config.readyTimeoutMs, maxBodyBytes: config.maxBodyBytes, newCallId, wakeFunction: deps.wakeFunction });
  const support = createGatewaySupport(functions, auth, config.functionNamespace);

  const app = Fastify({
    logger: deps.logger ?? false,
    // Errors are logged by the error handler; per-request access logs are off (the hot path logs nothing).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'callId' }),
    requestIdHeader: HEADERS.callId,
    genReqId: newCallId,
    bodyLimit: config.maxSystemBodyBytes,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: answerFrameworkError,
    serverFactory: (fastifyHandler) =>
      createServer({ requestTimeout: config.readTimeoutMs }, (req, res) => {
        if ((req.url as string).startsWith(FUNCTION_PREFIX)) invoke(req, res);
        else fastifyHandler(req, res);
      }),
  });
  // Bodies stay raw Buffers whatever their content type; routes parse them with zod (request-parsing.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  installErrorHandlers(app);

  const routeDeps = { provider, functions, config, describeScaling: deps.describeScaling, manualScale: deps.manualScale, schedules: deps.schedules, onFunctionChanged: deps.onFunctionChanged };
  await app.register(healthRoutes);
  await app.register(uiRoutes({ auth }));
  await app.register(async (system) => {
    refuseCrossSiteWrites(system);
    requireBasicAuth(system, auth);
    await system.register(systemFunctionRoutes(routeDeps));
    await system.register(systemScaleRoutes(routeDeps));
    await system.register(systemSecretRoutes(routeDeps));
    await system.register(systemLogRoutes(routeDeps));
    await system.register(systemInfoRoutes(routeDeps));
    await system.register(systemNamespaceRoutes(routeDeps));
    for (const plugin of deps.systemRoutes ?? []) await system.register(plugin, { gateway: support });
  });
  for (const plugin of deps.extraRoutes ?? []) await app.register(plugin, { gateway: support });

  const metricsServer = createMetricsServer(registry, metricsCredentials(config, config.basicAuth ? deps.credentials : undefined));
  const poller = new ServiceCountPoller(provider, functions, metrics, app.log);
  const table = functions;
  let closing: Promise<void> | undefined;

  async function shutdown(): Promise<void> {
    await poller.stop();
    const fastifyClosed = app.close();
    await tracker.drain(config.writeTimeoutMs);
    app.server.closeAllConnections();
    await fastifyClosed;
    await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
    metricsServer.closeAllConnections();
    table.close();
    await pools.close();
  }

  return {
    app,
    metrics,
    functions: table,
    support,
    metricsServer,
    inFlight: (endpointId) => pools.inFlight(endpointId),
    refreshServiceCounts: () => poller.poll(),
    async listen() {
      await app.listen({ port: config.port, host: config.bindAddress });
      await new Promise<void>((resolve, reject) => {
        metricsServer.once('error', reject);
        metricsServer.listen(config.metricsPort, config.metricsBindAddress, () => resolve());
      });
      poller.start(config.serviceCountIntervalMs);
      return { port: (app.server.address() as AddressInfo).port, metricsPort: (metricsServer.address() as AddressInfo).port };
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
