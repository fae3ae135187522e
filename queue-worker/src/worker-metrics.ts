/**
 * Worker metrics on a prom-client Registry passed in by main.ts (never the global registry), served on
 * `metrics_port` by a bare node:http server so the scrape path shares nothing with job processing.
 */
import { createServer, type Server } from 'node:http';
import { Counter, type Registry } from 'prom-client';
import type { CallbackMetrics } from './callback.js';
import type { ProcessorMetrics } from './processor.js';
import type { StreamEntryOutcome } from './topic-stream-consumer.js';

export interface TopicStreamMetrics {
  streamEntry(topic: string, outcome: StreamEntryOutcome): void;
}

export type WorkerMetrics = ProcessorMetrics & CallbackMetrics & TopicStreamMetrics;

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  const processed = new Counter({
    name: 'funtainer_async_jobs_processed_total',
    help: 'Async invocation attempts by final outcome (succeeded, failed) or retried',
    labelNames: ['function_name', 'outcome'],
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'funtainer_async_invocation_attempts_total',
    help: 'Invocation attempts made by the queue-worker, by function status code or network error code',
    labelNames: ['function_name', 'code'],
    registers: [registry],
  });
  const callbacks = new Counter({
    name: 'funtainer_async_callbacks_total',
    help: 'Callback deliveries by result (delivered, or the failing status / error code)',
    labelNames: ['function_name', 'result'],
    registers: [registry],
  });
  const callbackFailures = new Counter({
    name: 'funtainer_async_callback_failures_total',
    help: 'Failed callback delivery attempts',
    labelNames: ['function_name'],
    registers: [registry],
  });
  // Topic labels are bounded: the gateway sets a job's topic only for subscribed topics, and streams are configured.
  const topicDeliveries = new Counter({
    name: 'funtainer_topic_deliveries_total',
    help: 'Topic event calls by final outcome at the subscriber (succeeded, failed = dead-letter)',
    labelNames: ['topic', 'outcome'],
    registers: [registry],
  });
  const streamEntries = new Counter({
    name: 'funtainer_topic_stream_entries_total',
    help: 'Redis stream entries handled by the topic source: published (acknowledged), dead_lettered, deferred (retried later)',
    labelNames: ['topic', 'outcome'],
    registers: [registry],
  });
  return {
    topicDelivery: (topic, outcome) => topicDeliveries.inc({ topic, outcome }),
    streamEntry: (topic, outcome) => streamEntries.inc({ topic, outcome }),
    attempt: (fn, code) => attempts.inc({ function_name: fn, code }),
    processed: (fn, outcome) => processed.inc({ function_name: fn, outcome }),
    delivered: (fn) => callbacks.inc({ function_name: fn, result: 'delivered' }),
    failed: (fn, reason) => {
      callbacks.inc({ function_name: fn, result: reason });
      callbackFailures.inc({ function_name: fn });
    },
  };
}

/** `GET /metrics` and `GET /healthz`; resolves once listening. Port 0 picks a free port (tests). */
export async function startMetricsServer(registry: Registry, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (req.method === 'GET' && req.url === '/healthz') return void res.writeHead(200).end('OK');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
