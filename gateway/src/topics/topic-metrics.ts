/**
 * Topic counters of the gateway, which publishes (the queue-worker counts deliveries and its stream source:
 * queue-worker/src/worker-metrics.ts). Only topics with subscribers get a `topic` label: anyone with the
 * system credentials can publish to any valid name, and one series per name ever tried would be unbounded.
 */
import { Counter, type Registry } from 'prom-client';

export interface TopicMetrics {
  /** An event was accepted; `calls` subscriber calls were stored (0: no subscribers). */
  published(topic: string, calls: number): void;
  /** The queue refused a subscriber's call (503): the publisher should publish the event again. */
  failed(topic: string): void;
}

export function createTopicMetrics(registry: Registry): TopicMetrics {
  const published = new Counter({
    name: 'funtainer_topic_events_published_total',
    help: 'Events accepted for a topic with at least one subscriber (HTTP or the Redis Streams source)',
    labelNames: ['topic'],
    registers: [registry],
  });
  const unrouted = new Counter({
    name: 'funtainer_topic_events_unrouted_total',
    help: 'Events accepted for a topic that had no subscriber (202 with 0 calls)',
    registers: [registry],
  });
  const queued = new Counter({
    name: 'funtainer_topic_calls_queued_total',
    help: 'Subscriber calls stored on the async queue for topic events (a re-published event id counts again but is stored once)',
    labelNames: ['topic'],
    registers: [registry],
  });
  const failed = new Counter({
    name: 'funtainer_topic_publish_failures_total',
    help: 'Topic publishes refused because the async queue did not store every subscriber call (503)',
    labelNames: ['topic'],
    registers: [registry],
  });
  return {
    published(topic, calls) {
      if (calls === 0) return void unrouted.inc();
      published.inc({ topic });
      queued.inc({ topic }, calls);
    },
    failed: (topic) => failed.inc({ topic }),
  };
}
