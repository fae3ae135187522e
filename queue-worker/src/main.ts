/**
 * Composition root of the queue-worker: config → logger → metrics → BullMQ runtime; SIGTERM/SIGINT drain.
 * The only module (with config.ts) that touches process.*.
 */
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loggerOptions } from '@funtainer/core/logger';
import { createRedisHealth } from '@funtainer/core/redis-health-gauge';
import { loadConfig, type WorkerConfig } from './config.js';
import { startQueueRuntime } from './queue-runtime.js';
import { redactUrl } from './url-credentials.js';
import { createWorkerMetrics, startMetricsServer } from './worker-metrics.js';

const bootLog = pino(loggerOptions('queue-worker'));
let config: WorkerConfig;
try {
  config = loadConfig(process.env);
} catch (err) {
  bootLog.fatal({ err }, 'invalid configuration');
  process.exit(78);
}
const log = pino(loggerOptions('queue-worker', config.logLevel));

process.on('unhandledRejection', (err) => {
  log.fatal({ err }, 'unhandled rejection');
  process.exit(1);
});
process.on('uncaughtException', (err) => {
  log.fatal({ err }, 'uncaught exception');
  process.exit(1);
});

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const runtime = startQueueRuntime(config, createWorkerMetrics(registry), log, createRedisHealth(registry, log));
const metricsServer = config.metricsPort > 0 ? await startMetricsServer(registry, config.metricsPort, config.metricsBindAddress) : undefined;

log.info(
  {
    queue: config.queueName,
    gateway: redactUrl(config.gatewayUrl),
    callbackPolicy: config.callbackPolicy,
    concurrency: config.concurrency,
    maxPerFunction: config.maxPerFunction,
    retry: config.retry,
    invokeTimeoutMs: config.invokeTimeoutMs,
    metricsPort: config.metricsPort,
    metricsBindAddress: config.metricsBindAddress,
    topicStreams: config.topicStreams.map((s) => s.key),
  },
  'queue-worker started',
);

async function shutdown(signal: string): Promise<void> {
  log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'draining: no new jobs, finishing running ones');
  // Past the deadline the process exits anyway; unfinished jobs lose their lock and another worker re-runs them.
  const deadline = setTimeout(() => {
    log.warn('shutdown deadline reached; exiting with jobs still running');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  deadline.unref();
  await runtime.close();
  metricsServer?.close();
  log.info('queue-worker stopped');
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
