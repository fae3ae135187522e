import t from 'tap';
import { runScheduleStoreContract } from '../schedules/schedule-store.contract.js';
import { createMemorySchedules } from './memory-schedules.js';

await runScheduleStoreContract(t, 'memory', async () => {
  const store = createMemorySchedules();
  return { store, teardown: () => store.close() };
});

t.test('an unavailable store rejects with QUEUE_UNAVAILABLE', async (t) => {
  const store = createMemorySchedules();
  store.setAvailable(false);
  await t.rejects(store.get({ name: 'echo', namespace: 'openfaas-fn' }), { code: 'FUNTAINER_ERR_QUEUE_UNAVAILABLE' });
});
