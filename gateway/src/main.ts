/**
 * Composition root: config → Docker provider → credentials → buildGateway → listen; SIGTERM/SIGINT drain.
 * The only gateway module that touches process.*.
 */
import { Registry } from 'prom-client';
import { pino } from 'pino';
import { loggerOptions } from '@funtainer/core/logger';
import { buildGateway, type Gateway } from './app.js';
import { describeConfig, loadConfig } from './config.js';
import { resolveCredentials } from './credentials.js';
import { dockerClientFor } from './docker-connection.js';
import { DockerProvider } from './provider/docker/docker-provider.js';
import { loadAutoscalingConfig } from './autoscaler/autoscaling-config.js';
import { createExtensions } from './extensions.js';

const config = loadConfig(process.env);
const autoscalingConfig = loadAutoscalingConfig(process.env);
const log = pino(loggerOptions('gateway', config.logLevel));
process.on('unhandledRejection', (err) => {
  log.fatal({ err }, 'unhandled rejection');
  process.exit(1);
});

let gateway: Gateway | undefined;
const docker = dockerClientFor(config.dockerHost);
const provider = await DockerProvider.create({
  ...(docker ? { docker } : {}),
  ...(config.secretsDir ? { secretsDir: config.secretsDir } : {}),
  network: config.functionsNetwork,
  ...(config.gatewayContainer ? { gatewayContainer: config.gatewayContainer } : {}),
  // Gateways sharing a scope share functions; other scopes on the same engine are invisible to this one.
  ...(config.functionsScope ? { extraLabels: { 'com.funtainer.scope-name': config.functionsScope } } : {}),
  // One timeout per function: without a label the watchdog gets the gateway's own upstream_timeout.
  defaultTimeoutMs: config.upstreamTimeoutMs,
  imagePolicy: config.imagePolicy,
  // Late-bound: the provider drains a replica until the gateway has no request open to it.
  inFlight: (endpointId) => gateway?.inFlight(endpointId) ?? 0,
  logger: log.child({ component: 'provider' }),
});
await provider.start();

const auth = config.basicAuth ? await resolveCredentials(config) : undefined;
if (auth?.generated) {
  // Printed once, on purpose outside the JSON log, so it is not shipped to log storage.
  process.stderr.write(`\nGenerated gateway credentials (saved to ${auth.passwordFile}):\n  user: ${auth.credentials.user}\n  password: ${auth.credentials.password}\n\n`);
}

const registry = new Registry();
const extensions = createExtensions({ config, autoscaling: autoscalingConfig, provider, registry, log });
gateway = await buildGateway({
  provider,
  config,
  registry,
  ...extensions.gatewayDeps,
  ...(auth ? { credentials: auth.credentials } : {}),
  logger: loggerOptions('gateway', config.logLevel),
});
const { port, metricsPort } = await gateway.listen();
extensions.start();
log.info({ port, metricsPort, auth: auth?.source ?? 'off', config: describeConfig(config) }, 'gateway listening');

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'draining: no new connections, waiting for in-flight invocations');
  await gateway?.close();
  await extensions.close();
  // Functions keep running: close() only stops the provider's background work.
  await provider.close();
  log.info('gateway stopped');
  process.exit(0);
}
process.on('SIGTERM', (s) => void stop(s));
process.on('SIGINT', (s) => void stop(s));
