/**
 * Cron functions through the real gateway routes with the memory store: the schedule follows deploy, update
 * and delete; bad annotations are a coded 400 naming the field; GET /system/function shows next and last run.
 */
import t from 'tap';
import { Registry } from 'prom-client';
import type { AsyncCallStatus } from '../async/request-queuer.js';
import { buildGateway, type Gateway } from '../app.js';
import { MemoryProvider } from '../testing/memory-provider.js';
import { createMemorySchedules, type MemorySchedules } from '../testing/memory-schedules.js';
import { testConfig } from '../testing/gateway-harness.js';
import { createFunctionSchedules } from './function-schedules.js';

const fn = { name: 'nightly', namespace: 'openfaas-fn' };
const silent = { warn: () => {} };

async function setup(t: { teardown(f: () => unknown): void }, statuses: Record<string, AsyncCallStatus> = {}): Promise<{ gw: Gateway; store: MemorySchedules; provider: MemoryProvider }> {
  const store = createMemorySchedules();
  const provider = new MemoryProvider();
  const schedules = createFunctionSchedules({ store, callStatus: async (id) => statuses[id], log: silent });
  const gw = await buildGateway({ provider, config: testConfig(), registry: new Registry(), schedules });
  t.teardown(() => gw.close());
  return { gw, store, provider };
}

const spec = (annotations: Record<string, string>) => ({ service: 'nightly', image: 'test/echo:1', annotations });
const send = async (gw: Gateway, method: 'POST' | 'PUT', body: unknown) => {
  const res = await gw.app.inject({ method, url: '/system/functions', payload: body as object });
  return { status: res.statusCode, body: res.body === '' ? {} : (res.json() as { code?: string; message?: string }) };
};

t.test('deploy, update and delete keep the schedule in step with the annotations', async (t) => {
  const { gw, store } = await setup(t);
  t.equal((await send(gw, 'POST', spec({ topic: 'cron-function', schedule: '*/5 * * * *' }))).status, 202);
  t.match(await store.get(fn), { pattern: '*/5 * * * *' }, 'deploy creates it');
  t.equal((await send(gw, 'PUT', spec({ topic: 'cron-function', schedule: '*/5 * * * *', other: 'x' }))).status, 202);
  t.equal(store.writes.upserts, 1, 'an update that leaves the schedule alone does not rewrite it');
  t.equal((await send(gw, 'PUT', spec({ topic: 'cron-function', schedule: '0 9 * * *', timezone: 'Europe/Madrid' }))).status, 202);
  t.match(await store.get(fn), { pattern: '0 9 * * *', timezone: 'Europe/Madrid' }, 'update changes it');
  t.equal((await send(gw, 'PUT', spec({}))).status, 202);
  t.equal(await store.get(fn), undefined, 'dropping the annotations removes it');
  await send(gw, 'PUT', spec({ topic: 'cron-function', schedule: '* * * * *' }));
  const del = await gw.app.inject({ method: 'DELETE', url: '/system/functions', payload: { functionName: 'nightly' } });
  t.equal(del.statusCode, 202);
  t.equal(await store.get(fn), undefined, 'delete removes it');
});

t.test('bad cron annotations: 400 FUNTAINER_ERR_INVALID_SPEC naming the field, at deploy and at update', async (t) => {
  const { gw, store, provider } = await setup(t);
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ topic: 'cron-function', schedule: '61 * * * *' }, /annotations\.schedule: "61 \* \* \* \*" is not a valid cron expression/],
    [{ topic: 'cron-function', schedule: '* * *' }, /annotations\.schedule: .* has 3 fields/],
    [{ topic: 'cron-function' }, /annotations\.schedule: required/],
    [{ topic: 'cron-function', schedule: '0 9 * * *', timezone: 'Mars/Base' }, /annotations\.timezone: "Mars\/Base" is not a time zone name/],
  ];
  for (const [annotations, message] of cases) {
    for (const method of ['POST', 'PUT'] as const) {
      const res = await send(gw, method, spec(annotations));
      t.equal(res.status, 400, `${method} ${JSON.stringify(annotations)}`);
      t.equal(res.body.code, 'FUNTAINER_ERR_INVALID_SPEC');
      t.match(res.body.message ?? '', message);
    }
  }
  t.same(await provider.list('openfaas-fn'), [], 'nothing deployed');
  t.same(await store.list(10), [], 'nothing scheduled');
});

t.test('GET /system/function shows the next run and the last run with its outcome; other functions have no schedule', async (t) => {
  const tick = Date.UTC(2026, 0, 1, 9, 0, 0);
  const callId = `repeat:nightly.openfaas-fn:${tick}`;
  const status = { callId, function: 'nightly.openfaas-fn', state: 'succeeded', attempts: 1, statusCode: 200, enqueuedAt: tick, finishedAt: tick + 1500, callback: { state: 'none', attempts: 0 } } as const;
  const { gw, store } = await setup(t, { [callId]: status });
  await send(gw, 'POST', spec({ topic: 'cron-function', schedule: '0 9 * * *', timezone: 'UTC' }));
  await send(gw, 'POST', { service: 'plain', image: 'test/echo:1' });
  const before = (await gw.app.inject({ method: 'GET', url: '/system/function/nightly' })).json();
  t.match(before.schedule, { pattern: '0 9 * * *', timezone: 'UTC', lastRun: null });
  t.match(before.schedule.nextRun, /T09:00:00\.000Z$/);
  t.equal(before.name, 'nightly', 'the OpenFaaS fields are all still there');
  store.recordRun(fn, { callId, tick });
  const after = (await gw.app.inject({ method: 'GET', url: '/system/function/nightly' })).json();
  t.same(after.schedule.lastRun, { callId, tick: '2026-01-01T09:00:00.000Z', state: 'succeeded', statusCode: 200, finishedAt: '2026-01-01T09:00:01.500Z' });
  t.notOk('schedule' in (await gw.app.inject({ method: 'GET', url: '/system/function/plain' })).json());
});

t.test('an unreachable store fails neither the deploy nor the GET', async (t) => {
  const { gw, store } = await setup(t);
  store.setAvailable(false);
  t.equal((await send(gw, 'POST', spec({ topic: 'cron-function', schedule: '* * * * *' }))).status, 202, 'the reconcile loop catches up later');
  const got = await gw.app.inject({ method: 'GET', url: '/system/function/nightly' });
  t.equal(got.statusCode, 200);
  t.match(got.json().schedule, { pattern: '* * * * *', nextRun: null, lastRun: null, error: /queue is unavailable/ });
});
