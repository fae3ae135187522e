/**
 * What the gateway and the queue-worker agree on for topics (issue 13, part 2): how a function's `topic` annotation
 * is read, which topic names and event ids are accepted, the call id an event gets per subscriber, and the
 * Redis Streams source's key and entry fields. The `topic` annotation is shared with cron (its `cron-function`
 * entry is the cron marker, never a subscription), so the list is split here, once, for both.
 */
import { createHash } from 'node:crypto';
import { CRON_TOPIC } from './schedule-records.js';

/** The annotation OpenFaaS connectors read (`topic: a,b`). */
export const TOPIC_ANNOTATION = 'topic';

/**
 * Letters, digits and `._-`, starting with a letter or digit. Narrower than Kafka/NATS names on purpose: a
 * topic is a URL path segment (`/system/topics/<topic>`), a metric label and part of a Redis key, and these
 * characters are safe in all three without escaping.
 */
const TOPIC_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** The gateway's router limit for one path segment (gateway/src/errors.ts MAX_PARAM_LENGTH). */
export const MAX_TOPIC_LENGTH = 100;

/** Client-chosen event ids (a stream entry id such as `1767225600000-0` is one). Only hashed, never stored as a key. */
const EVENT_ID = /^[A-Za-z0-9._:~-]{1,128}$/;

export function isValidTopicName(value: string): boolean {
  return TOPIC_NAME.test(value);
}

export function isValidEventId(value: string): boolean {
  return EVENT_ID.test(value);
}

type Annotations = Readonly<Record<string, string>> | undefined;

/** Every entry of the `topic` annotation, trimmed, blanks dropped, in order. */
export function topicEntries(annotations: Annotations): string[] {
  const raw = annotations?.[TOPIC_ANNOTATION];
  if (raw === undefined) return [];
  return raw.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

/** OpenFaaS CE wants `topic: cron-function` alone; Pro takes it inside a list, and so do we. */
export function isCronFunction(annotations: Annotations): boolean {
  return topicEntries(annotations).includes(CRON_TOPIC);
}

/** The topics a function subscribes to: the entries minus the cron marker, without repeats. */
export function subscribedTopics(annotations: Annotations): string[] {
  return [...new Set(topicEntries(annotations).filter((t) => t !== CRON_TOPIC))];
}

/** Deploy-time check: one `annotations.topic: …` line per bad entry, empty when fine. */
export function topicProblems(annotations: Annotations): string[] {
  return subscribedTopics(annotations)
    .filter((t) => !isValidTopicName(t))
    .map((t) => `annotations.${TOPIC_ANNOTATION}: ${JSON.stringify(t.slice(0, 64))} is not a topic name (letters, digits and . _ -, at most ${MAX_TOPIC_LENGTH} characters)`);
}

/**
 * The async call id of one event at one subscriber. Deterministic, so publishing the same event again (a client
 * retry, a stream entry redelivered after a crash) lands on the same BullMQ job id and is stored once. The topic
 * is part of it because event ids are only unique per source: two streams both have an entry `1-0`.
 */
export function topicCallId(topic: string, eventId: string, fn: { readonly name: string; readonly namespace: string }): string {
  const digest = createHash('sha256').update(`${topic}\0${eventId}\0${fn.name}.${fn.namespace}`).digest('hex').slice(0, 32);
  // A letter prefix keeps it clear of BullMQ's all-digit ids and says where the call came from.
  return `topic-${digest}`;
}

/** Default key prefix of the Redis Streams source: topic `orders` is read from stream `funtainer:topic:orders`. */
export const DEFAULT_TOPIC_STREAM_PREFIX = 'funtainer:topic:';

/** The consumer group every queue-worker joins on each topic stream (one delivery per entry per group). */
export const TOPIC_STREAM_GROUP = 'funtainer';

/** Field names of a stream entry; other fields are ignored. An entry without `event-id` uses its entry id. */
export const TOPIC_STREAM_FIELDS = Object.freeze({ body: 'body', contentType: 'content-type', eventId: 'event-id' });

/** Entries the gateway refused for good (bad event id, body too large) are moved to `<stream key>:dead-letter`. */
export const TOPIC_DEAD_LETTER_SUFFIX = ':dead-letter';

/** The body of `POST /system/topics/<topic>`'s 202. */
export interface TopicPublishResult {
  readonly topic: string;
  readonly eventId: string;
  /** How many subscribers got a call queued (0 is not an error). */
  readonly subscribers: number;
  readonly calls: ReadonlyArray<{ readonly function: string; readonly callId: string }>;
}
