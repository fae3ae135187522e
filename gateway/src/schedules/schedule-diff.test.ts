import t from 'tap';
import { diffSchedules, type DesiredSchedule } from './schedule-diff.js';
import type { StoredSchedule } from './schedule-store.js';

const fn = (name: string, namespace = 'openfaas-fn') => ({ name, namespace });
const want = (name: string, pattern: string, timezone?: string): DesiredSchedule => ({ fn: fn(name), schedule: timezone ? { pattern, timezone } : { pattern } });
const held = (name: string, pattern: string, timezone?: string): StoredSchedule => ({ fn: fn(name), pattern, ...(timezone ? { timezone } : {}), nextRunAt: 1 });

t.test('equal schedules are left alone, so a reconcile that finds no drift writes nothing', async (t) => {
  t.same(diffSchedules([want('a', '* * * * *'), want('b', '0 9 * * *', 'UTC')], [held('a', '* * * * *'), held('b', '0 9 * * *', 'UTC')]), { upsert: [], remove: [] });
});

t.test('missing or changed schedules are upserted', async (t) => {
  const diff = diffSchedules([want('new', '* * * * *'), want('pattern', '*/2 * * * *'), want('zone', '0 9 * * *', 'Europe/Madrid'), want('nozone', '0 9 * * *')], [
    held('pattern', '* * * * *'),
    held('zone', '0 9 * * *', 'UTC'),
    held('nozone', '0 9 * * *', 'UTC'),
  ]);
  t.same(diff.upsert.map((d) => d.fn.name), ['new', 'pattern', 'zone', 'nozone']);
  t.same(diff.remove, []);
});

t.test('schedules no function asks for are removed (deleted while a gateway was down, or annotation dropped)', async (t) => {
  const diff = diffSchedules([want('kept', '* * * * *')], [held('kept', '* * * * *'), held('gone', '* * * * *'), { ...held('x', '* * * * *'), fn: fn('x', 'team-a') }]);
  t.same(diff.remove, [fn('gone'), fn('x', 'team-a')]);
  t.same(diff.upsert, []);
});

t.test('the same name in two namespaces is two schedules; a duplicate desired entry counts once', async (t) => {
  const diff = diffSchedules([want('a', '* * * * *'), { fn: fn('a', 'team-a'), schedule: { pattern: '* * * * *' } }, want('a', '0 0 * * *')], [held('a', '* * * * *')]);
  t.same(diff.upsert.map((d) => `${d.fn.name}.${d.fn.namespace}`), ['a.team-a']);
  t.same(diff.remove, []);
});
