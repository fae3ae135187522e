/**
 * The one place the gateway's `provider` setting picks an engine: an exhaustive switch, so a new kind cannot be
 * added to the config without a provider behind it. Both get the same shared settings; what only one engine
 * has (the Docker provider's secrets directory, its own container) goes to that one.
 */
import type Docker from 'dockerode';
import type { GatewayConfig } from '../config.js';
import type { ProviderLogger } from './docker/docker-provider-options.js';
import { DockerProvider } from './docker/docker-provider.js';
import type { FunctionProvider } from './provider.js';
import { SwarmProvider } from './swarm/swarm-provider.js';

export interface ProviderDeps {
  readonly docker: Docker | undefined;
  readonly logger: ProviderLogger;
  /** Late-bound: the Docker provider drains a replica until the gateway has no request open to it. */
  readonly inFlight: (endpointId: string) => number;
}

export async function createProvider(config: GatewayConfig, deps: ProviderDeps): Promise<FunctionProvider> {
  const shared = {
    ...(deps.docker ? { docker: deps.docker } : {}),
    network: config.functionsNetwork,
    // Gateways sharing a scope share functions; other scopes on the same engine are invisible to this one.
    ...(config.functionsScope ? { extraLabels: { 'com.funtainer.scope-name': config.functionsScope } } : {}),
    // One timeout per function: without a label the watchdog gets the gateway's own upstream_timeout.
    defaultTimeoutMs: config.upstreamTimeoutMs,
    imagePolicy: config.imagePolicy,
    logger: deps.logger,
  };
  switch (config.provider) {
    case 'docker':
      return DockerProvider.create({
        ...shared,
        ...(config.secretsDir ? { secretsDir: config.secretsDir } : {}),
        ...(config.gatewayContainer ? { gatewayContainer: config.gatewayContainer } : {}),
        inFlight: deps.inFlight,
      });
    case 'swarm':
      return SwarmProvider.create({ ...shared, insecureRegistries: config.insecureRegistries });
    default: {
      const unknown: never = config.provider;
      throw new Error(`unknown provider ${String(unknown)}`);
    }
  }
}
