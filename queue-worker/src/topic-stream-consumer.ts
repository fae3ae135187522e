/**
 * The Redis Streams topic source: every queue-worker with `topic_streams` joins one consumer group per stream
 * and hands each entry to the gateway's publish route (topic-forwarder.ts). At-least-once, nothing lost:
 *
 * - XREADGROUP puts an entry in the group's pending list (PEL) before this worker sees it; XACK follows only a
 *   202, i.e. once every subscriber's call is stored. A worker killed in between leaves the entry pending.
 * - Entries pending longer than `claim_idle` — a dead consumer's, or ours that the gateway refused for now —
 *   are taken over with XAUTOCLAIM by whichever worker looks next, and forwarded again.
 * - Forwarding twice is harmless: the event id (the entry id unless the producer set `event-id`) makes the
 *   gateway derive the same call ids, which BullMQ stores once.
 * - An entry the gateway will never take (a bad event id, a body over its limit) is copied to
 *   `<stream>:dead-letter` and acknowledged in one MULTI, so it neither blocks nor vanishes.
 *
 * - Consumers that have nothing pending and have not read for an hour (workers that are gone: every restart
 *   joins under a new name) are removed from the group, so it does not grow without bound.
 *
 * Order is not kept across entries (batches are forwarded concurrently, claimed entries come back late).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { errorMessage } from '@funtainer/core/errors';
import { TOPIC_DEAD_LETTER_SUFFIX, TOPIC_STREAM_GROUP } from '@funtainer/core/topics';
import type { TopicForwarder } from './topic-forwarder.js';
import { deadLetterFields, eventRequest, parseClaimReply, parseReadReply, type StreamEntry } from './topic-stream-entry.js';

export type StreamEntryOutcome = 'published' | 'dead_lettered' | 'deferred';

export interface TopicStreamConsumerOptions {
  /** A connection of its own: XREADGROUP BLOCK holds it while waiting. */
  readonly redis: Redis;
  readonly streams: ReadonlyArray<{ readonly topic: string; readonly key: string }>;
  /** Unique per process (config `topic_consumer`). */
  readonly consumer: string;
  readonly claimIdleMs: number;
  readonly forwarder: Pick<TopicForwarder, 'forward'>;
  readonly onEntry: (topic: string, outcome: StreamEntryOutcome) => void;
  readonly log: Pick<Logger, 'warn' | 'info'>;
  /** @defaultValue 32 */
  readonly batchSize?: number;
  /** @defaultValue 1000 */
  readonly blockMs?: number;
}

export interface TopicStreamConsumer {
  start(): void;
  /** Stops reading (within one BLOCK) and waits for entries being forwarded. */
  close(): Promise<void>;
}

/** A consumer with nothing pending that has not read for this long is gone (live ones read every second). */
const GONE_AFTER_MS = 60 * 60 * 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export function createTopicStreamConsumer(options: TopicStreamConsumerOptions): TopicStreamConsumer {
  const { redis, streams, consumer, log } = options;
  const batch = options.batchSize ?? 32;
  const blockMs = options.blockMs ?? 1000;
  const topicOf = new Map(streams.map((s) => [s.key, s.topic]));
  const cursors = new Map(streams.map((s) => [s.key, '0-0']));
  let closing = false;
  let loop: Promise<void> | undefined;
  let nextClaimAt = 0;
  let failing = false;
  let nextCleanupAt = 0;

  async function ensureGroups(): Promise<void> {
    for (const { key } of streams) {
      // From the start of the stream: entries added before any worker ever ran are delivered too.
      await redis.xgroup('CREATE', key, TOPIC_STREAM_GROUP, '0', 'MKSTREAM').catch((err: unknown) => {
        if (!errorMessage(err).includes('BUSYGROUP')) throw err;
      });
    }
  }

  /** Forwards one entry and settles it; true when it must be tried again later. */
  async function handle(key: string, entry: StreamEntry): Promise<boolean> {
    const topic = topicOf.get(key) as string;
    if (entry.fields === undefined) {
      await redis.xack(key, TOPIC_STREAM_GROUP, entry.id);
      return false;
    }
    const outcome = await options.forwarder.forward(topic, eventRequest(entry));
    if (outcome.kind === 'retry') {
      options.onEntry(topic, 'deferred');
      log.warn({ topic, entryId: entry.id, reason: outcome.reason }, `topic event not published; retried after ${options.claimIdleMs}ms`);
      return true;
    }
    if (outcome.kind === 'rejected') {
      await redis.multi().xadd(`${key}${TOPIC_DEAD_LETTER_SUFFIX}`, '*', ...deadLetterFields(entry, outcome.reason)).xack(key, TOPIC_STREAM_GROUP, entry.id).exec();
      options.onEntry(topic, 'dead_lettered');
      log.warn({ topic, entryId: entry.id, reason: outcome.reason }, 'topic event refused by the gateway; moved to the dead-letter stream');
      return false;
    }
    await redis.xack(key, TOPIC_STREAM_GROUP, entry.id);
    options.onEntry(topic, 'published');
    return false;
  }

  async function handleAll(byKey: ReadonlyMap<string, readonly StreamEntry[]>): Promise<boolean> {
    const work = [...byKey].flatMap(([key, entries]) => entries.map((entry) => handle(key, entry)));
    return (await Promise.all(work)).some(Boolean);
  }

  /** Takes over entries idle past claim_idle, a batch per stream, walking each PEL with its cursor. */
  async function claim(): Promise<boolean> {
    const claimed = new Map<string, StreamEntry[]>();
    for (const { key } of streams) {
      const reply = await redis.callBuffer('XAUTOCLAIM', [key, TOPIC_STREAM_GROUP, consumer, options.claimIdleMs, cursors.get(key) ?? '0-0', 'COUNT', batch]);
      const { cursor, entries } = parseClaimReply(reply);
      cursors.set(key, cursor);
      if (entries.length > 0) claimed.set(key, entries);
    }
    return handleAll(claimed);
  }

  async function forgetGoneConsumers(): Promise<void> {
    for (const { key } of streams) {
      const rows = (await redis.xinfo('CONSUMERS', key, TOPIC_STREAM_GROUP)) as unknown[][];
      for (const row of rows) {
        const info = new Map<string, unknown>();
        for (let i = 0; i + 1 < row.length; i += 2) info.set(String(row[i]), row[i + 1]);
        const name = String(info.get('name'));
        if (name !== consumer && Number(info.get('pending')) === 0 && Number(info.get('idle')) > GONE_AFTER_MS) {
          await redis.xgroup('DELCONSUMER', key, TOPIC_STREAM_GROUP, name);
        }
      }
    }
  }

  async function round(): Promise<void> {
    let deferred = false;
    if (Date.now() >= nextClaimAt) {
      deferred = await claim();
      nextClaimAt = Date.now() + Math.max(100, Math.floor(options.claimIdleMs / 2));
    }
    if (Date.now() >= nextCleanupAt) {
      nextCleanupAt = Date.now() + 10 * 60 * 1000;
      await forgetGoneConsumers();
    }
    const keys = streams.map((s) => s.key);
    const reply = await redis.callBuffer('XREADGROUP', ['GROUP', TOPIC_STREAM_GROUP, consumer, 'COUNT', batch, 'BLOCK', blockMs, 'STREAMS', ...keys, ...keys.map(() => '>')]);
    deferred = (await handleAll(parseReadReply(reply))) || deferred;
    // The gateway refused for now: do not pull more entries into the pending list than it can take.
    if (deferred) await sleep(Math.min(options.claimIdleMs, 5000));
  }

  async function run(): Promise<void> {
    let groupsReady = false;
    while (!closing) {
      try {
        if (!groupsReady) await ensureGroups();
        groupsReady = true;
        await round();
        if (failing) log.info('topic streams readable again');
        failing = false;
      } catch (err) {
        // NOGROUP: the stream was deleted (and its group with it); create both again on the next round.
        if (errorMessage(err).includes('NOGROUP')) groupsReady = false;
        if (!failing) log.warn({ err: errorMessage(err) }, 'topic streams unreadable; retrying every second');
        failing = true;
        await sleep(1000);
      }
    }
  }

  return {
    start() {
      loop ??= run();
    },
    async close() {
      closing = true;
      await loop;
    },
  };
}
