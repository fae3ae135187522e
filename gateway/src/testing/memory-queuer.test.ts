import t from 'tap';
import { createMemoryQueuer } from './memory-queuer.js';
import { queueRequest, runQueuerContract } from '../async/queuer.contract.js';

await runQueuerContract(t, 'memory', async (options) => {
  const queuer = createMemoryQueuer(options);
  return { queuer, driver: queuer, teardown: () => queuer.close() };
});

t.test('an unavailable store rejects enqueue with QUEUE_UNAVAILABLE', async (t) => {
  const queuer = createMemoryQueuer();
  queuer.setAvailable(false);
  await t.rejects(queuer.enqueue(queueRequest('x')), { code: 'FUNTAINER_ERR_QUEUE_UNAVAILABLE' });
  queuer.setAvailable(true);
  t.equal((await queuer.counts()).total.waiting, 0, 'nothing was stored');
});
