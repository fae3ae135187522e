/**
 * The behaviour every ScheduleStore must show, run against the memory fake (unit) and BullMQ on real Redis
 * (test/cron-schedule.test.ts). Each case gets a fresh store and tears it down.
 */
import type { Test } from 'tap';
import type { ScheduleStore } from './schedule-store.js';

export interface StoreUnderTest {
  readonly store: ScheduleStore;
  teardown(): Promise<void>;
}

const echo = { name: 'echo', namespace: 'openfaas-fn' };
const other = { name: 'other', namespace: 'team-a' };

export async function runScheduleStoreContract(t: Test, label: string, make: () => Promise<StoreUnderTest>): Promise<void> {
  const fresh = async (t: Test): Promise<ScheduleStore> => {
    const made = await make();
    t.teardown(() => made.teardown());
    return made.store;
  };

  await t.test(`${label}: upsert then get returns the schedule and a next tick in the future`, async (t) => {
    const store = await fresh(t);
    t.equal(await store.get(echo), undefined, 'nothing before the upsert');
    const before = Date.now();
    await store.upsert(echo, { pattern: '0 9 * * *', timezone: 'Europe/Madrid' });
    const got = await store.get(echo);
    t.match(got, { fn: echo, pattern: '0 9 * * *', timezone: 'Europe/Madrid' });
    t.ok((got?.nextRunAt ?? 0) > before, 'next tick after now');
    t.ok((got?.nextRunAt ?? Infinity) <= before + 25 * 3600_000, 'within a day');
  });

  await t.test(`${label}: an upsert of the same function replaces its schedule; list shows one per function`, async (t) => {
    const store = await fresh(t);
    await store.upsert(echo, { pattern: '0 9 * * *', timezone: 'Europe/Madrid' });
    await store.upsert(echo, { pattern: '*/5 * * * *' });
    await store.upsert(other, { pattern: '0 0 1 * *' });
    const got = await store.get(echo);
    t.equal(got?.pattern, '*/5 * * * *');
    t.equal(got?.timezone, undefined, 'the time zone went with the old schedule');
    const listed = (await store.list(100)).map((s) => `${s.fn.name}.${s.fn.namespace}`).sort();
    t.same(listed, ['echo.openfaas-fn', 'other.team-a']);
    t.equal((await store.list(1)).length, 1, 'list is bounded');
  });

  await t.test(`${label}: remove deletes the schedule; removing a missing one is fine`, async (t) => {
    const store = await fresh(t);
    await store.upsert(echo, { pattern: '*/5 * * * *' });
    await store.remove(echo);
    t.equal(await store.get(echo), undefined);
    t.same(await store.list(100), []);
    await store.remove(echo);
    await store.remove(other);
    t.equal(await store.lastRun(echo), undefined, 'no run recorded');
  });
}
