/**
 * Cancelled-call records on Redis. Cancelling removes the BullMQ job (so no worker can take it), which takes
 * the call out of every BullMQ state set; what is left is a per-id record (read by `status`) plus a sorted-set
 * index scored by cancellation time (read by `list`). Both are bounded the way finished jobs are: records
 * expire after `keep.age` seconds and the index is trimmed to `keep.count` on each cancel, dropping the oldest
 * records with it.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import { CancelledRecordSchema, type CancelledRecord } from '@funtainer/core/async-records';
import { SCAN_LIMIT } from './bullmq-listing.js';
import { cancelledStatus } from './job-record.js';
import type { AsyncCallStatus, ListPage, ListQuery, Retention } from './request-queuer.js';

export interface CancelledStore {
  /** Writes record and index entry together, so a listed call always has a record. */
  add(callId: string, record: CancelledRecord): Promise<void>;
  /** Takes a record back (the job could not be removed after all). */
  undo(callId: string): Promise<void>;
  /** Drops index entries past the age and the oldest beyond the count, with their records. */
  trim(now: number): Promise<void>;
  get(callId: string): Promise<CancelledRecord | undefined>;
  /** Newest first; `query.state` is ignored (always cancelled). */
  list(query: ListQuery, now: number): Promise<ListPage>;
}

/**
 * `keyBase` is the queue's `toKey('cancelled')`. Record keys `<keyBase>:<callId>` keep the layout earlier
 * gateways wrote. The index key has two segments after the base: call ids cannot contain ':', so it collides
 * with neither a record nor a BullMQ job key (`bull:<queue>:<jobId>[:<suffix>]`).
 */
export function createCancelledStore(client: Redis, keyBase: string, keep: Retention): CancelledStore {
  const recordKey = (callId: string) => `${keyBase}:${callId}`;
  const indexKey = `${keyBase}:index:by-time`;
  // Exclusive lower score bound: entries at or before it are older than the age limit (their records expired).
  const windowStart = (now: number) => `(${now - keep.age * 1000}`;

  async function records(ids: string[]): Promise<(CancelledRecord | undefined)[]> {
    if (ids.length === 0) return [];
    const replies = (await client.mget(...ids.map(recordKey))) ?? [];
    return replies.map((raw) => {
      if (typeof raw !== 'string') return undefined;
      try {
        const parsed = CancelledRecordSchema.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    });
  }

  return {
    async add(callId, record) {
      await execAll(client.multi().set(recordKey(callId), JSON.stringify(record), 'EX', keep.age).zadd(indexKey, record.cancelledAt, callId));
    },
    async undo(callId) {
      await execAll(client.multi().del(recordKey(callId)).zrem(indexKey, callId));
    },
    async trim(now) {
      await client.zremrangebyscore(indexKey, '-inf', `${now - keep.age * 1000}`);
      // Removing exactly these ids (not a rank range) stays correct when another gateway cancels meanwhile.
      const excess = await client.zrange(indexKey, 0, -(keep.count + 1));
      if (excess.length > 0) await execAll(client.multi().del(...excess.map(recordKey)).zrem(indexKey, ...excess));
    },
    async get(callId) {
      return (await records([callId]))[0];
    },
    async list(query, now) {
      const from = windowStart(now);
      if (query.function === undefined) {
        const total = await client.zcount(indexKey, from, '+inf');
        const ids = query.limit === 0 ? [] : await client.zrevrangebyscore(indexKey, '+inf', from, 'LIMIT', query.offset, query.limit);
        return { items: statuses(ids, await records(ids)), total };
      }
      // Records are not indexed by function: filter a bounded scan, as the failed list does (count ≤ SCAN_LIMIT).
      const scanned = await client.zrevrangebyscore(indexKey, '+inf', from, 'LIMIT', 0, SCAN_LIMIT);
      const matching = statuses(scanned, await records(scanned)).filter((s) => s.function === query.function);
      return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length };
    },
  };
}

/** A record trimmed between the index read and the GET is skipped rather than shown half-filled. */
function statuses(ids: string[], found: (CancelledRecord | undefined)[]): AsyncCallStatus[] {
  return ids.flatMap((id, i) => {
    const record = found[i];
    return record ? [cancelledStatus(id, record)] : [];
  });
}

/** ioredis reports a failed command inside MULTI as a reply, not a rejection: surface it like any Redis error. */
async function execAll(transaction: ChainableCommander): Promise<void> {
  const replies = await transaction.exec();
  const failed = replies?.find(([err]) => err);
  if (failed) throw failed[0];
}
