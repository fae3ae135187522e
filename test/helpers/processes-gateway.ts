/**
 * The real gateway (buildGateway + MemoryProvider) with the async plugin mounted exactly as the README says,
 * listening on a real port; function replicas point at a local scripted server. Restartable on the same port.
 */
import { Registry } from 'prom-client';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { buildGateway, type Gateway } from '@funtainer/gateway/app';
import { loadConfig } from '@funtainer/gateway/config';
import { asyncRoutes } from '@funtainer/gateway/async/async-routes';
import { createBullmqQueuer } from '@funtainer/gateway/async/bullmq-queuer';
import { systemAsyncRoutes } from '@funtainer/gateway/async/system-async-routes';
import type { RequestQueuer } from '@funtainer/gateway/async/request-queuer';
import { MemoryProvider } from '@funtainer/gateway/provider/memory-provider';

export interface TestGatewayOptions {
  readonly redisUrl: string;
  readonly queueName: string;
  /** Base URL every function replica resolves to. */
  readonly functionUrl: string;
  readonly functions: readonly string[];
  readonly port?: number;
  readonly maxBodyBytes?: number;
  readonly labels?: Record<string, string>;
}

export interface TestGateway {
  readonly url: string;
  readonly port: number;
  readonly queuer: RequestQueuer;
  readonly gateway: Gateway;
  close(): Promise<void>;
}

export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const provider = new MemoryProvider({ endpointUrl: () => options.functionUrl });
  for (const service of options.functions) {
    await provider.deploy(FunctionDeploymentSchema.parse({ service, image: 'test/echo:latest', labels: options.labels ?? {} }));
  }
  const config = loadConfig({ port: String(options.port ?? 0), metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'false', state_dir: '/tmp/funtainer-async-test' });
  const queuer = createBullmqQueuer({ redisUrl: options.redisUrl, queueName: options.queueName });
  const gateway = await buildGateway({
    provider,
    config,
    registry: new Registry(),
    extraRoutes: [
      async (app, { gateway: support }) => {
        await app.register(asyncRoutes, {
          queuer,
          functionExists: (fn) => support.resolveFunction(`${fn.name}.${fn.namespace}`) !== undefined,
          maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
          defaultNamespace: support.functionNamespace,
          includeSystemRoutes: false,
        });
      },
    ],
    systemRoutes: [async (app, { gateway: support }) => app.register(systemAsyncRoutes, { queuer, defaultNamespace: support.functionNamespace })],
  });
  await provider.start();
  const { port } = await gateway.listen();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    queuer,
    gateway,
    async close() {
      await gateway.close();
      await queuer.close();
      await provider.close();
    },
  };
}
