/**
 * Composition root: config → provider (Docker or Swarm) → credentials → buildGateway → listen; SIGTERM/SIGINT drain.
 * The only gateway module that touches process.*.
 */
import { Registry } from 'prom-client';
import { pino } from 'pino';
import { errorMessage } from '@funtainer/core/errors';
import { loggerOptions } from '@funtainer/core/logger';
import { buildGateway, type Gateway } from './app.js';
import { describeConfig, loadConfig } from './config.js';
import { resolveCredentials } from './credentials.js';
import { dockerClientFor } from './docker-connection.js';
import { createProvider } from './provider/create-provider.js';
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
const provider = await createProvider(config, {
  docker,
  logger: log.child({ component: 'provider' }),
  inFlight: (endpointId) => gateway?.inFlight(endpointId) ?? 0,
});
try {
  await provider.start();
} catch (err) {
  // One sentence on what to fix (e.g. provider=swarm against an engine that is not a swarm manager), then out.
  log.fatal({ err, code: (err as { code?: unknown }).code }, `the provider could not start: ${errorMessage(err)}`);
  process.exit(1);
}

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
