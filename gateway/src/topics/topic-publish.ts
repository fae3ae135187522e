/**
 * Publishing one event to a topic: one async call per subscriber, on the same RequestQueuer path as
 * `/async-function/` (so retries, dead letters, callbacks and the status API apply), each with a call id
 * derived from (topic, event id, function). Publishing an event id again therefore stores nothing new while the
 * first calls' records are kept (ASYNC_RETENTION): at-least-once publishing, deduplicated by event id.
 *
 * Not atomic across subscribers: when the queue refuses one call the publish fails (503) with some calls
 * already stored; publishing the same event id again completes it without repeating those.
 */
import type { QueueRequest } from '@funtainer/core/contracts';
import { HEADERS } from '@funtainer/core/headers';
import type { QualifiedName } from '@funtainer/core/names';
import { topicCallId, type TopicPublishResult } from '@funtainer/core/topics';
import { headersToStore, startTimeNs } from '../async/async-request.js';
import type { RequestQueuer } from '../async/request-queuer.js';
import type { TopicMetrics } from './topic-metrics.js';
import type { TopicSubscribers } from './topic-subscribers.js';

export interface TopicEvent {
  readonly topic: string;
  readonly eventId: string;
  /** The publish request's headers; credentials and hop-by-hop headers are dropped as for any async call. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** X-Callback-Url, already checked against the callback policy: every subscriber's outcome is sent there. */
  readonly callbackUrl?: string | undefined;
}

/** PURE: the stored call of each subscriber. */
export function topicCalls(event: TopicEvent, subscribers: readonly QualifiedName[], nowMs: number): QueueRequest[] {
  const startTime = startTimeNs(nowMs);
  const body = event.body.toString('base64');
  return subscribers.map((fn) => {
    const callId = topicCallId(event.topic, event.eventId, fn);
    return {
      callId,
      function: fn.name,
      namespace: fn.namespace,
      method: 'POST',
      path: '',
      query: '',
      headers: { ...headersToStore(event.headers, callId, startTime), [HEADERS.topic]: event.topic, [HEADERS.eventId]: event.eventId },
      body,
      ...(event.callbackUrl ? { callbackUrl: event.callbackUrl } : {}),
      enqueuedAt: nowMs,
      topic: { name: event.topic, eventId: event.eventId },
    };
  });
}

export interface TopicPublisherOptions {
  readonly subscribers: TopicSubscribers;
  readonly queuer: Pick<RequestQueuer, 'enqueue'>;
  readonly metrics: TopicMetrics;
  /** After the calls are stored (not awaited): wakes subscribers scaled to zero, as for `/async-function/`. */
  readonly onEnqueued?: (fn: QualifiedName) => void;
  readonly now?: () => number;
}

export type TopicPublisher = (event: TopicEvent) => Promise<TopicPublishResult>;

export function createTopicPublisher(options: TopicPublisherOptions): TopicPublisher {
  const now = options.now ?? Date.now;
  return async (event) => {
    const subscribers = await options.subscribers.of(event.topic);
    const calls = topicCalls(event, subscribers, now());
    try {
      await Promise.all(calls.map((call) => options.queuer.enqueue(call)));
    } catch (err) {
      options.metrics.failed(event.topic);
      throw err;
    }
    options.metrics.published(event.topic, calls.length);
    for (const fn of subscribers) options.onEnqueued?.(fn);
    return {
      topic: event.topic,
      eventId: event.eventId,
      subscribers: calls.length,
      calls: calls.map((call) => ({ function: `${call.function}.${call.namespace}`, callId: call.callId })),
    };
  };
}
