/**
 * PURE pieces of the Redis Streams topic source: reading the raw replies of XREADGROUP and XAUTOCLAIM (asked for
 * as Buffers so an event body is passed on byte for byte) and turning an entry into the publish request the
 * gateway's `POST /system/topics/<topic>` takes.
 */
import { TOPIC_STREAM_FIELDS } from '@funtainer/core/topics';

export interface StreamEntry {
  readonly id: string;
  /** Undefined for an entry that was trimmed from the stream while it was pending (nothing left to deliver). */
  readonly fields: ReadonlyMap<string, Buffer> | undefined;
}

export interface TopicEventRequest {
  readonly eventId: string;
  readonly contentType: string;
  readonly body: Buffer;
}

const text = (value: unknown): string => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value));

/** `[id, [field, value, …]]` pairs; a null field list stays undefined. */
export function parseEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((pair: unknown) => {
    const [id, list] = pair as [unknown, unknown];
    if (!Array.isArray(list)) return { id: text(id), fields: undefined };
    const fields = new Map<string, Buffer>();
    for (let i = 0; i + 1 < list.length; i += 2) {
      const value = list[i + 1] as unknown;
      fields.set(text(list[i]), Buffer.isBuffer(value) ? value : Buffer.from(String(value)));
    }
    return { id: text(id), fields };
  });
}

/** XREADGROUP: `[[key, entries], …]`, or null when BLOCK timed out. */
export function parseReadReply(raw: unknown): Map<string, StreamEntry[]> {
  const byKey = new Map<string, StreamEntry[]>();
  if (!Array.isArray(raw)) return byKey;
  for (const stream of raw as unknown[]) {
    const [key, entries] = stream as [unknown, unknown];
    byKey.set(text(key), parseEntries(entries));
  }
  return byKey;
}

/** XAUTOCLAIM: `[next cursor, entries, deleted ids]` (the third part since Redis 7). */
export function parseClaimReply(raw: unknown): { cursor: string; entries: StreamEntry[] } {
  const [cursor, entries] = Array.isArray(raw) ? (raw as [unknown, unknown]) : ['0-0', []];
  return { cursor: text(cursor), entries: parseEntries(entries) };
}

/**
 * An entry's event: `body` (default empty), `content-type` (default application/octet-stream) and `event-id`
 * (default the entry id, which is what makes a redelivered entry dedupe at the gateway).
 */
export function eventRequest(entry: StreamEntry): TopicEventRequest {
  const field = (name: string) => entry.fields?.get(name);
  const eventId = field(TOPIC_STREAM_FIELDS.eventId)?.toString('utf8') || entry.id;
  const contentType = field(TOPIC_STREAM_FIELDS.contentType)?.toString('utf8') || 'application/octet-stream';
  return { eventId, contentType, body: field(TOPIC_STREAM_FIELDS.body) ?? Buffer.alloc(0) };
}

/** The dead-letter copy: the original fields plus why and where from (XADD's field/value list). */
export function deadLetterFields(entry: StreamEntry, reason: string): Array<string | Buffer> {
  const out: Array<string | Buffer> = ['source-id', entry.id, 'reason', reason];
  for (const [name, value] of entry.fields ?? []) out.push(name, value);
  return out;
}
