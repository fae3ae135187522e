/**
 * A QueueDriver on BullMQ: plays the queue-worker with a manual Worker (getNextJob / moveToCompleted /
 * moveToFailed), writing the same records the real worker writes, for the queuer contract suite.
 */
import { randomUUID } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { QueueDriver } from '@funtainer/gateway/testing/memory-queuer';

export function createBullmqDriver(url: string, queueName: string): QueueDriver & { close(): Promise<void> } {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const worker = new Worker(queueName, null, { connection, autorun: false });
  const token = randomUUID();
  const taken = new Map<string, Job>();

  function runningJob(callId: string): Job {
    const job = taken.get(callId);
    if (!job) throw new Error(`${callId} was not taken by this driver`);
    taken.delete(callId);
    return job;
  }

  return {
    async take() {
      const job = (await worker.getNextJob(token, { block: false })) as Job | undefined;
      if (!job?.id) return undefined;
      taken.set(job.id, job);
      return job.id;
    },
    async complete(callId, response) {
      const job = runningJob(callId);
      const result = { function: job.name, statusCode: response.statusCode, attempts: job.attemptsMade + 1, durationMs: 1, response, callback: 'none' };
      await job.moveToCompleted(result, token, false);
    },
    async fail(callId, response, reason) {
      const job = runningJob(callId);
      await job.updateData({ ...job.data, lastResponse: response });
      await job.moveToFailed(new UnrecoverableError(reason), token, false);
    },
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
