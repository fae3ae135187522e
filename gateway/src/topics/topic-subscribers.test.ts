import t from 'tap';
import type { FunctionStatus } from '@funtainer/core/contracts';
import { buildTopicIndex, createTopicSubscribers } from './topic-subscribers.js';

const fn = (name: string, namespace: string, topic?: string) => ({ name, namespace, annotations: topic === undefined ? undefined : { topic } });

t.test('buildTopicIndex: every topic of every function, across namespaces, cron marker left out', async (t) => {
  const index = buildTopicIndex([fn('b', 'prod', 'orders,audit'), fn('a', 'staging', 'orders'), fn('a', 'prod', 'orders, cron-function'), fn('tick', 'prod', 'cron-function'), fn('plain', 'prod')]);
  t.same(index.get('orders'), [{ name: 'a', namespace: 'prod' }, { name: 'b', namespace: 'prod' }, { name: 'a', namespace: 'staging' }], 'ordered by namespace, then name');
  t.same(index.get('audit'), [{ name: 'b', namespace: 'prod' }]);
  t.notOk(index.has('cron-function'), 'the cron marker is not a topic');
  t.same([...index.keys()].sort(), ['audit', 'orders']);
});

function fakeProvider(byNamespace: Record<string, ReturnType<typeof fn>[]>) {
  const calls = { list: 0 };
  return {
    calls,
    byNamespace,
    namespaces: async () => Object.keys(byNamespace),
    list: async (namespace: string) => {
      calls.list += 1;
      return (byNamespace[namespace] ?? []) as unknown as FunctionStatus[];
    },
  };
}

t.test('the subscriber list is reused for the TTL and listed again after it or after invalidate()', async (t) => {
  let clock = 0;
  const provider = fakeProvider({ prod: [fn('a', 'prod', 'orders')], staging: [] });
  const subs = createTopicSubscribers({ provider, ttlMs: 1000, now: () => clock });
  t.same(await subs.of('orders'), [{ name: 'a', namespace: 'prod' }]);
  t.same(await subs.of('payments'), [], 'unknown topic: nobody');
  t.equal(provider.calls.list, 2, 'one listing (two namespaces) for both lookups');
  provider.byNamespace.staging = [fn('b', 'staging', 'orders')];
  clock = 999;
  t.equal((await subs.of('orders')).length, 1, 'within the TTL: the cached list');
  subs.invalidate();
  t.equal((await subs.of('orders')).length, 2, 'after invalidate: listed again');
  provider.byNamespace.prod = [];
  clock = 2000;
  t.same(await subs.of('orders'), [{ name: 'b', namespace: 'staging' }], 'after the TTL: listed again');
});

t.test('concurrent lookups share one listing; a failed listing is not kept', async (t) => {
  const provider = fakeProvider({ prod: [fn('a', 'prod', 'orders')] });
  let fail = true;
  const failing = { ...provider, namespaces: async () => (fail ? Promise.reject(new Error('engine down')) : provider.namespaces()) };
  const subs = createTopicSubscribers({ provider: failing, ttlMs: 60_000 });
  await t.rejects(subs.of('orders'), /engine down/);
  fail = false;
  const [x, y] = await Promise.all([subs.of('orders'), subs.of('orders')]);
  t.same(x, y);
  t.equal(provider.calls.list, 1, 'one listing for two concurrent lookups, after the failure was dropped');
});
