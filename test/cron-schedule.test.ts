/**
 * Cron functions end to end on the shared Redis: two gateways (one shared provider, as gateways on one Docker
 * engine share its state) and two real queue-worker processes. An every-second schedule (six fields, seconds
 * first) fires exactly once per tick; deleting the function stops it; a function deleted behind the gateways'
 * back (a gateway down during the delete) loses its schedule at the next reconcile; bad annotations are a coded
 * 400 over HTTP. The BullMQ ScheduleStore also passes the store contract here.
 */
import t from 'tap';
import { request } from 'undici';
import { Queue } from 'bullmq';
import { createBullmqScheduleStore } from '@funtainer/gateway/schedules/bullmq-schedules';
import { runScheduleStoreContract } from '@funtainer/gateway/schedules/schedule-store.contract';
import { MemoryProvider } from '@funtainer/gateway/testing/memory-provider';
import { spawnWorker, startScriptedServer, waitFor, type RecordedRequest } from './helpers/processes-async.js';
import { startTestGateway } from './helpers/processes-gateway.js';
import { SHARED_REDIS_URL, obliterateQueues, redisUnavailableReason, uniqueQueueName } from './helpers/redis.js';

const reason = await redisUnavailableReason();
if (reason) {
  t.comment(reason);
  t.test('cron schedules', { skip: reason }, () => {});
} else {
  const queueName = uniqueQueueName('it-cron');
  const fnServer = await startScriptedServer(() => ({ status: 200, body: 'tick done' }));
  const provider = new MemoryProvider({ endpointUrl: () => fnServer.url });
  await provider.start();
  const common = { redisUrl: SHARED_REDIS_URL, queueName, functionUrl: fnServer.url, functions: [], provider, schedules: { reconcileIntervalMs: 1000 } };
  const gateways = [await startTestGateway(common), await startTestGateway(common)] as const;
  const startWorker = (gw: (typeof gateways)[number]) => spawnWorker({ redis_url: SHARED_REDIS_URL, queue_name: queueName, gateway_url: gw.url, settings_cache_ttl: '100ms' });
  const workers = gateways.map(startWorker);
  const queue = new Queue(queueName, { connection: { url: SHARED_REDIS_URL } });
  t.teardown(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    for (const gw of gateways) await gw.close();
    await provider.close();
    await fnServer.close();
    await queue.close();
    await obliterateQueues(SHARED_REDIS_URL, queueName);
  });

  const system = async (gwIndex: 0 | 1, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => {
    const res = await request(`${gateways[gwIndex].url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
    const text = await res.body.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are probed field by field
    return { status: res.statusCode, json: (text === '' ? {} : JSON.parse(text)) as Record<string, any> };
  };
  const cronSpec = (service: string, annotations: Record<string, string> = {}) => ({ service, image: 'test/echo:1', annotations: { topic: 'cron-function', schedule: '*/1 * * * * *', ...annotations } });
  const ticksOf = (service: string): RecordedRequest[] => fnServer.requests.filter((r) => r.headers['x-funtainer-schedule'] !== undefined && String(r.headers['x-call-id']).startsWith(`repeat:${service}.`));
  const schedulerIds = async () => (await queue.getJobSchedulers(0, -1, true)).map((s) => s.key);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  t.test('two gateways, two workers: one invocation per tick, with the schedule and tick headers', async (t) => {
    t.equal((await system(0, 'POST', '/system/functions', cronSpec('ticker'))).status, 202);
    await waitFor(() => new Set(ticksOf('ticker').map((r) => r.headers['x-funtainer-tick'])).size >= 5, 20_000, '5 ticks');
    // A tick in progress could still be counted, so the check covers every tick but the newest.
    const calls = ticksOf('ticker');
    const byTick = new Map<string, number>();
    for (const r of calls) byTick.set(String(r.headers['x-funtainer-tick']), (byTick.get(String(r.headers['x-funtainer-tick'])) ?? 0) + 1);
    const ticks = [...byTick.keys()].sort().slice(0, -1);
    t.ok(ticks.length >= 4, `${ticks.length} complete ticks`);
    for (const tick of ticks) t.equal(byTick.get(tick), 1, `tick ${tick} invoked once`);
    // The first tick may be taken late by workers still starting, and BullMQ then schedules the next one from
    // the current time (the missed-tick rule tested below), so only the ticks after it must be back to back.
    const seconds = ticks.slice(1).map((tick) => Date.parse(tick));
    for (let i = 1; i < seconds.length; i++) t.equal((seconds[i] ?? 0) - (seconds[i - 1] ?? 0), 1000, 'consecutive seconds, none skipped');
    const first = calls[0];
    t.match(first?.headers, { 'x-connector': 'cron-connector', 'x-funtainer-schedule': '*/1 * * * * *' });
    t.equal(first?.method, 'POST');
    t.equal(first?.body.length, 0, 'empty body, as cron-connector sends');
    t.equal(first?.headers['x-call-id'], `repeat:ticker.openfaas-fn:${Date.parse(String(first?.headers['x-funtainer-tick']))}`, 'the call id names schedule and tick');
    t.same(await schedulerIds(), ['ticker.openfaas-fn'], 'one scheduler, although two gateways reconcile');

    const callId = String(first?.headers['x-call-id']);
    const status = await waitFor(async () => {
      const res = await system(1, 'GET', `/system/async/${encodeURIComponent(callId)}`);
      return res.json.state === 'succeeded' ? res.json : undefined;
    }, 10_000, 'the tick call to succeed');
    t.match(status, { callId, function: 'ticker.openfaas-fn', state: 'succeeded', statusCode: 200, enqueuedAt: Date.parse(String(first?.headers['x-funtainer-tick'])) }, 'a tick is an async call with a status');

    const fn = (await system(1, 'GET', '/system/function/ticker')).json;
    t.match(fn.schedule, { pattern: '*/1 * * * * *', lastRun: { callId: /^repeat:ticker\.openfaas-fn:\d+$/ } });
    t.ok(Date.parse(fn.schedule.nextRun) > Date.now() - 1000, `nextRun ${fn.schedule.nextRun} is the coming tick`);
    t.equal(fn.name, 'ticker');
  });

  t.test('ticks missed while no worker ran are not replayed: one late tick, then the schedule from now', async (t) => {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await sleep(300); // a tick the workers were finishing may still arrive
    const before = ticksOf('ticker').length;
    const stoppedAt = Date.now();
    await sleep(3500);
    t.equal(ticksOf('ticker').length, before, 'nothing runs while the workers are down');
    const restartedAt = Date.now();
    workers.splice(0, workers.length, ...gateways.map(startWorker));
    await waitFor(() => ticksOf('ticker').length >= before + 3, 15_000, '3 ticks after the restart');
    const after = ticksOf('ticker').slice(before).map((r) => Date.parse(String(r.headers['x-funtainer-tick'])));
    const overdue = after.filter((tick) => tick < restartedAt);
    t.equal(overdue.length, 1, `one overdue tick runs (of the ~3 missed since ${new Date(stoppedAt).toISOString()})`);
    t.ok(after.slice(1).every((tick) => tick > restartedAt), 'the following ticks are after the restart');
  });

  t.test('deleting the function removes its schedule and the ticks stop', async (t) => {
    t.equal((await system(1, 'DELETE', '/system/functions', { functionName: 'ticker' })).status, 202);
    t.same(await schedulerIds(), [], 'scheduler gone');
    await sleep(1500); // a tick already running when the delete came may still finish
    const settled = ticksOf('ticker').length;
    await sleep(2500);
    t.equal(ticksOf('ticker').length, settled, 'no tick after the delete');
  });

  t.test('a delete the gateways did not see (one was down): the reconcile removes the orphaned schedule', async (t) => {
    t.equal((await system(0, 'POST', '/system/functions', cronSpec('orphan'))).status, 202);
    await waitFor(() => ticksOf('orphan').length >= 1, 10_000, 'a first tick');
    await provider.remove({ name: 'orphan', namespace: 'openfaas-fn' });
    await waitFor(async () => (await schedulerIds()).length === 0, 5_000, 'the reconcile to remove the scheduler');
    t.pass('removed within a reconcile interval');
  });

  t.test('an update changes the schedule; dropping the annotations removes it', async (t) => {
    t.equal((await system(0, 'POST', '/system/functions', cronSpec('daily', { schedule: '0 9 * * *', timezone: 'Europe/Madrid' }))).status, 202);
    const [stored] = await queue.getJobSchedulers(0, -1, true);
    t.match(stored, { key: 'daily.openfaas-fn', pattern: '0 9 * * *', tz: 'Europe/Madrid' });
    t.equal((await system(1, 'PUT', '/system/functions', cronSpec('daily', { schedule: '30 8 * * 1-5', timezone: 'UTC' }))).status, 202);
    t.match((await queue.getJobSchedulers(0, -1, true))[0], { pattern: '30 8 * * 1-5', tz: 'UTC' });
    t.match((await system(0, 'GET', '/system/function/daily')).json.schedule, { pattern: '30 8 * * 1-5', timezone: 'UTC', nextRun: /T08:30:00\.000Z$/, lastRun: null });
    t.equal((await system(1, 'PUT', '/system/functions', { service: 'daily', image: 'test/echo:1' })).status, 202);
    t.same(await schedulerIds(), []);
    await system(0, 'DELETE', '/system/functions', { functionName: 'daily' });
  });

  t.test('bad schedule or time zone: 400 FUNTAINER_ERR_INVALID_SPEC naming the field, nothing deployed', async (t) => {
    const bad = await system(0, 'POST', '/system/functions', cronSpec('broken', { schedule: '*/1 * * *' }));
    t.match(bad, { status: 400, json: { code: 'FUNTAINER_ERR_INVALID_SPEC', message: /annotations\.schedule: "\*\/1 \* \* \*" has 4 fields/ } });
    const zone = await system(1, 'PUT', '/system/functions', cronSpec('broken', { timezone: 'Atlantis/Capital' }));
    t.match(zone, { status: 400, json: { code: 'FUNTAINER_ERR_INVALID_SPEC', message: /annotations\.timezone: "Atlantis\/Capital" is not a time zone name/ } });
    t.equal((await system(0, 'GET', '/system/function/broken')).status, 404);
    t.same(await schedulerIds(), []);
  });

  await runScheduleStoreContract(t, 'bullmq', async () => {
    const name = uniqueQueueName('it-cron-contract');
    const store = createBullmqScheduleStore({ redisUrl: SHARED_REDIS_URL, queueName: name });
    return {
      store,
      async teardown() {
        await store.close();
        await obliterateQueues(SHARED_REDIS_URL, name);
      },
    };
  });
}
