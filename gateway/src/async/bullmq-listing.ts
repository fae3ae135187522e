/**
 * Paged listing (the dead-letter list) and per-function counts over BullMQ's state sets. BullMQ indexes jobs by
 * state, not by name, so a function filter reads ids and job names in one pipeline and filters here; the scan is
 * bounded (SCAN_LIMIT per state), which the failed set's retention (10 000 by default) stays under.
 */
import type { Job, JobType, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseTickJobId } from '@funtainer/core/schedule-records';
import type { AsyncCallState, AsyncCallStatus, JobCounts, ListPage, ListQuery, QueueCounts } from './request-queuer.js';
import { emptyCounts } from './request-queuer.js';

export const SCAN_LIMIT = 20_000;

type JobState = Exclude<AsyncCallState, 'cancelled'>;

const TYPES_BY_STATE: Record<JobState, JobType[]> = {
  queued: ['waiting', 'prioritized', 'delayed', 'paused'],
  running: ['active'],
  succeeded: ['completed'],
  failed: ['failed'],
};

/** One BullMQ state that maps to each of our states (they all map the same way in job-record.ts). */
const REPRESENTATIVE_STATE: Record<JobState, string> = {
  queued: 'waiting',
  running: 'active',
  succeeded: 'completed',
  failed: 'failed',
};

/** Async: a listed call's callback delivery is read like the detail's, so list and detail agree. */
type ToStatus = (job: Job, bullmqState: string) => Promise<AsyncCallStatus | undefined>;

/** Calls that still have a job; cancelled calls have none and are listed by bullmq-cancelled.ts. */
export type JobListQuery = ListQuery & { readonly state: JobState };

export async function listCalls(queue: Queue, client: Redis, query: JobListQuery, getJob: (id: string) => Promise<Job | undefined>, toStatus: ToStatus): Promise<ListPage> {
  const types = TYPES_BY_STATE[query.state];
  const { ids, total } = query.function === undefined ? await pageAll(queue, types, query) : await pageFiltered(queue, client, types, query, query.function);
  const jobs = await Promise.all(ids.map((id) => getJob(id)));
  const statuses = await Promise.all(jobs.map((job) => (job ? toStatus(job, REPRESENTATIVE_STATE[query.state]) : undefined)));
  const items = statuses.filter((status): status is AsyncCallStatus => status !== undefined);
  return { items, total };
}

async function pageAll(queue: Queue, types: JobType[], query: JobListQuery): Promise<{ ids: string[]; total: number }> {
  const end = query.offset + query.limit - 1;
  const total = await queue.getJobCountByTypes(...types);
  if (query.limit === 0) return { ids: [], total };
  // getRanges applies the range per state and concatenates; fetching [0, end] of each and slicing gives the
  // same prefix as the full concatenation.
  const ids = types.length === 1 ? await queue.getRanges(types, query.offset, end, false) : (await queue.getRanges(types, 0, end, false)).slice(query.offset, end + 1);
  return { ids, total };
}

async function pageFiltered(queue: Queue, client: Redis, types: JobType[], query: JobListQuery, fn: string): Promise<{ ids: string[]; total: number }> {
  const ids = await queue.getRanges(types, 0, SCAN_LIMIT - 1, false);
  const names = await jobNames(queue, client, ids);
  const matching = ids.filter((_, i) => names[i] === fn);
  return { ids: matching.slice(query.offset, query.offset + query.limit), total: matching.length };
}

async function jobNames(queue: Queue, client: Redis, ids: string[]): Promise<(string | null)[]> {
  if (ids.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hget(queue.toKey(id), 'name');
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([err, value]) => (err || typeof value !== 'string' ? null : value));
}

const COUNTED: Array<[keyof JobCounts, JobType[]]> = [
  ['waiting', ['waiting', 'prioritized', 'paused']],
  ['active', ['active']],
  ['delayed', ['delayed']],
  ['failed', ['failed']],
];

/** Exact totals; per-function figures from at most SCAN_LIMIT jobs per state, delayed cron ticks left out. */
export async function countJobs(queue: Queue, client: Redis): Promise<QueueCounts> {
  const total = emptyCounts();
  const byFunction = new Map<string, JobCounts>();
  for (const [field, types] of COUNTED) {
    total[field] = await queue.getJobCountByTypes(...types);
    if (total[field] === 0) continue;
    const all = await queue.getRanges(types, 0, SCAN_LIMIT - 1, false);
    // A cron function always has its next tick delayed; that is not work waiting for the function (it would keep
    // the autoscaler from scaling it to zero). Once due, the tick is waiting and counted like any call.
    const ids = field === 'delayed' ? all.filter((id) => parseTickJobId(id) === undefined) : all;
    for (const name of await jobNames(queue, client, ids)) {
      if (!name) continue;
      const counts = byFunction.get(name) ?? emptyCounts();
      counts[field] += 1;
      byFunction.set(name, counts);
    }
  }
  return { total, byFunction };
}
