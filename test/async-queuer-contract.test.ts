/** The RequestQueuer contract against BullMQ on the shared dev Redis (skipped with a reason when absent). */
import t from 'tap';
import { createBullmqQueuer } from '@funtainer/gateway/async/bullmq-queuer';
import { runQueuerContract } from '@funtainer/gateway/async/queuer.contract';
import { createBullmqDriver } from './helpers/redis-driver.js';
import { SHARED_REDIS_URL, obliterateQueues, redisUnavailableReason, uniqueQueueName } from './helpers/redis.js';

const reason = await redisUnavailableReason();
if (reason) {
  t.comment(reason);
  t.test('bullmq: RequestQueuer contract', { skip: reason }, () => {});
} else {
  await runQueuerContract(t, 'bullmq', async (options) => {
    const queueName = uniqueQueueName('contract');
    const queuer = createBullmqQueuer({ redisUrl: SHARED_REDIS_URL, queueName, ...options });
    const driver = createBullmqDriver(SHARED_REDIS_URL, queueName);
    return {
      queuer,
      driver,
      async teardown() {
        await driver.close();
        await queuer.close();
        await obliterateQueues(SHARED_REDIS_URL, queueName);
      },
    };
  });
}
