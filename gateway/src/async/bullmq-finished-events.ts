/**
 * Finished-call notifications for the gateway's duration histogram and retry counter, from BullMQ's events
 * stream (QueueEvents, on its own blocking connection, created only when someone subscribes).
 */
import { QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { watchRedis, type RedisHealth } from '@funtainer/core/redis-health';
import type { FinishedCall } from './request-queuer.js';

export interface FinishedEvents {
  subscribe(listener: (call: FinishedCall) => void): () => void;
  close(): Promise<void>;
}

export function createFinishedEvents(
  queueName: string,
  redisUrl: string,
  getJob: (id: string) => Promise<Job | undefined>,
  health?: Pick<RedisHealth, 'watch'>,
): FinishedEvents {
  const listeners = new Set<(call: FinishedCall) => void>();
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const events = new QueueEvents(queueName, { connection });
  watchRedis(health, 'queue-events', connection);
  watchRedis(health, 'queue-events', events);

  // Both events carry only the id; the job hash has the name, attempts and timestamps (it may already be
  // trimmed by removeOnComplete, in which case the call is simply not measured).
  async function report(jobId: string, outcome: FinishedCall['outcome']): Promise<void> {
    const job = await getJob(jobId).catch(() => undefined);
    if (!job || listeners.size === 0) return;
    const call: FinishedCall = {
      function: job.name,
      outcome,
      durationMs: Math.max(0, (job.finishedOn ?? Date.now()) - job.timestamp),
      // BullMQ 5 counts the finishing attempt in attemptsMade for completed and failed jobs alike.
      attempts: job.attemptsMade,
    };
    for (const listener of listeners) listener(call);
  }
  events.on('completed', ({ jobId }) => void report(jobId, 'succeeded'));
  events.on('failed', ({ jobId }) => void report(jobId, 'failed'));

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await events.close().catch(() => {});
      connection.disconnect();
    },
  };
}
