import t from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { MemoryProvider } from '../testing/memory-provider.js';
import { createMemorySchedules } from '../testing/memory-schedules.js';
import { createScheduleReconciler } from './schedule-reconciler.js';

const silent = { warn: () => {}, info: () => {} };
const cron = (service: string, schedule: string, namespace?: string) =>
  FunctionDeploymentSchema.parse({ service, image: 'test/echo:1', ...(namespace ? { namespace } : {}), annotations: { topic: 'cron-function', schedule } });

t.test('a round adds missing schedules, removes orphans, fixes changed ones, and then writes nothing', async (t) => {
  const provider = new MemoryProvider({ namespaces: ['openfaas-fn', 'team-a'] });
  const store = createMemorySchedules();
  await provider.deploy(cron('a', '* * * * *'));
  await provider.deploy(cron('b', '0 9 * * *', 'team-a'));
  await provider.deploy(FunctionDeploymentSchema.parse({ service: 'plain', image: 'test/echo:1' }));
  await store.upsert({ name: 'deleted', namespace: 'openfaas-fn' }, { pattern: '* * * * *' });
  await store.upsert({ name: 'b', namespace: 'team-a' }, { pattern: '0 10 * * *' });
  const reconciler = createScheduleReconciler({ store, provider, intervalMs: 1000, log: silent });
  t.same(await reconciler.runOnce(), { upserted: 2, removed: 1 });
  t.same((await store.list(10)).map((s) => `${s.fn.name}.${s.fn.namespace} ${s.pattern}`).sort(), ['a.openfaas-fn * * * * *', 'b.team-a 0 9 * * *']);
  const writes = { ...store.writes };
  t.same(await reconciler.runOnce(), { upserted: 0, removed: 0 });
  t.same(store.writes, writes, 'no drift, no writes');
});

t.test('a round is bounded; the rest waits for the next round', async (t) => {
  const provider = new MemoryProvider();
  const store = createMemorySchedules();
  for (let i = 0; i < 5; i++) await provider.deploy(cron(`f${i}`, '* * * * *'));
  const reconciler = createScheduleReconciler({ store, provider, intervalMs: 1000, log: silent, maxChanges: 3 });
  t.same(await reconciler.runOnce(), { upserted: 3, removed: 0 });
  t.same(await reconciler.runOnce(), { upserted: 2, removed: 0 });
});

t.test('an unreachable store: the round rejects having changed nothing; the loop logs once and keeps going', async (t) => {
  const provider = new MemoryProvider();
  const store = createMemorySchedules();
  await provider.deploy(cron('a', '* * * * *'));
  store.setAvailable(false);
  const warnings: string[] = [];
  const log = { warn: (...args: unknown[]) => void warnings.push(String(args[1])), info: () => {} };
  const reconciler = createScheduleReconciler({ store, provider, intervalMs: 1000, log: log as unknown as typeof silent });
  await t.rejects(reconciler.runOnce(), { code: 'FUNTAINER_ERR_QUEUE_UNAVAILABLE' });
  reconciler.start();
  await new Promise((r) => setTimeout(r, 50));
  store.setAvailable(true);
  await new Promise((r) => setTimeout(r, 1100));
  await reconciler.close();
  t.equal(warnings.length, 1);
  t.equal((await store.list(10)).length, 1, 'repaired once Redis is back');
});
