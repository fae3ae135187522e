/**
 * Builds the BullMQ side of the worker: Redis connections, the two workers (requests, callbacks), the
 * callback producer and, with `topic_streams`, the Redis Streams topic source; and one idempotent `close()`
 * that drains them in order. main.ts only wires config in.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ASYNC_RETENTION } from '@funtainer/core/async-queue';
import type { RedisHealth } from '@funtainer/core/redis-health';
import { createCallbackProcessor, createCallbackScheduler } from './callback.js';
import { createCallbackAgent } from './callback-connector.js';
import type { WorkerConfig } from './config.js';
import { RetryableInvocationError } from './errors.js';
import { createFunctionLimits } from './function-limits.js';
import { createFunctionSettingsSource, gatewayAuthorization } from './function-settings.js';
import { createGatewayInvoker } from './invoker.js';
import { GatewayOutage } from './gateway-outage.js';
import { createRequestProcessor } from './processor.js';
import { backoffDelayMs } from './retry-policy.js';
import { createTickRecorder } from './scheduled-tick.js';
import { createTopicForwarder } from './topic-forwarder.js';
import { createTopicStreamConsumer } from './topic-stream-consumer.js';
import type { WorkerMetrics } from './worker-metrics.js';

export interface QueueRuntime {
  close(): Promise<void>;
}

export function startQueueRuntime(config: WorkerConfig, metrics: WorkerMetrics, log: Logger, health: Pick<RedisHealth, 'watch'>): QueueRuntime {
  // Workers block on Redis; per BullMQ's production guide their connection retries forever instead of failing.
  const workerConnection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const callbackQueue = new Queue(config.callbackQueueName, { connection: workerConnection });
  const invoker = createGatewayInvoker(config.gatewayUrl, config.concurrency);
  const processor = createRequestProcessor({
    invoker,
    outage: new GatewayOutage({ log: log.child({ component: 'gateway' }), maxOutageMs: config.gatewayOutageMaxWaitMs }),
    settings: createFunctionSettingsSource({
      gatewayUrl: config.gatewayUrl,
      credentials: config.gatewayCredentials,
      defaults: config.retry,
      invokeTimeoutMs: config.invokeTimeoutMs,
      ttlMs: config.settingsCacheTtlMs,
      onLookupError: (fn, err) => log.warn({ fn, err }, 'function settings lookup failed; using defaults'),
    }),
    limits: createFunctionLimits(config.maxPerFunction),
    scheduleCallback: createCallbackScheduler(callbackQueue, {
      attempts: config.callbackAttempts,
      minWaitMs: config.callbackMinWaitMs,
      keepCompleted: ASYNC_RETENTION.completed,
      keepFailed: ASYNC_RETENTION.failed,
    }),
    metrics,
    recordTick: createTickRecorder(workerConnection, config.queueName, (err) => log.warn({ err }, 'could not record a schedule tick')),
  });
  const requests = new Worker(config.queueName, processor, {
    connection: workerConnection,
    concurrency: config.concurrency,
    lockDuration: config.lockDurationMs,
    // Stalled jobs are found in two passes of this interval, so a crashed worker's jobs resume within
    // about 2 × lock_duration.
    stalledInterval: config.lockDurationMs,
    // A job whose worker died is re-run (at-least-once); a second stall in a row fails it instead of looping.
    maxStalledCount: 2,
    settings: {
      // The processor already computed the delay (Retry-After, per-function waits); anything else thrown
      // (e.g. a Redis hiccup mid-job) falls back to the global backoff.
      backoffStrategy: (attemptsMade, _type, err) =>
        err instanceof RetryableInvocationError ? err.delayMs : backoffDelayMs(attemptsMade, config.retry, Math.random),
    },
  });
  const callbackAgent = createCallbackAgent(config.callbackPolicy, config.callbackTimeoutMs);
  const callbacks = new Worker(config.callbackQueueName, createCallbackProcessor(config.callbackTimeoutMs, metrics, callbackAgent), {
    connection: workerConnection,
    concurrency: config.concurrency,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.lockDurationMs,
    maxStalledCount: 2,
  });
  // Workers and the callback queue share one connection and re-emit its errors: one outage, one log line.
  for (const source of [workerConnection, requests, callbacks, callbackQueue]) health.watch('worker', source);
  requests.on('failed', (job, err) => {
    if (job && !(err instanceof RetryableInvocationError)) log.warn({ callId: job.id, fn: job.name, err: err.message }, 'async call failed');
  });
  callbacks.on('failed', (job, err) => log.warn({ callId: job?.id, attemptsMade: job?.attemptsMade, err: err.message }, 'callback attempt failed'));
  const topics = startTopicStreams(config, metrics, log, health);

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        const steps: Array<[string, () => Promise<unknown>]> = [
          ['requests', () => requests.close()],
          ['callbacks', () => callbacks.close()],
          ['topic-streams', () => topics?.close() ?? Promise.resolve()],
          ['callback-queue', () => callbackQueue.close()],
          ['invoker', () => invoker.close()],
          ['callback-agent', () => callbackAgent.close()],
          ['redis', () => workerConnection.quit()],
        ];
        // Each step in its own try so one failure never skips the rest (as BullMQ's Worker.close does).
        for (const [name, step] of steps) {
          try {
            await step();
          } catch (err) {
            log.warn({ component: name, err }, 'close step failed');
          }
        }
      })();
      return closing;
    },
  };
}

/** The stream source, when `topic_streams` names any; its blocking reads get a connection of their own. */
function startTopicStreams(config: WorkerConfig, metrics: WorkerMetrics, log: Logger, health: Pick<RedisHealth, 'watch'>): QueueRuntime | undefined {
  if (config.topicStreams.length === 0) return undefined;
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  health.watch('topic-streams', redis);
  const forwarder = createTopicForwarder(config.gatewayUrl, gatewayAuthorization(config.gatewayCredentials));
  const consumer = createTopicStreamConsumer({
    redis,
    streams: config.topicStreams,
    consumer: config.topicConsumer,
    claimIdleMs: config.topicClaimIdleMs,
    forwarder,
    onEntry: (topic, outcome) => metrics.streamEntry(topic, outcome),
    log: log.child({ component: 'topic-streams' }),
  });
  consumer.start();
  return {
    async close() {
      await consumer.close();
      await forwarder.close();
      await redis.quit();
    },
  };
}
