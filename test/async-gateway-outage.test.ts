/**
 * A gateway outage does not spend the async backlog's retries (issue 14 #8): 200 calls are queued, the gateway
 * is stopped, the real queue-worker starts against it and finds it refusing connections for 60 s, then the
 * gateway comes back on the same port. Every call runs once it is back: 0 lost, 0 dead-lettered, every callback
 * delivered; the worker logged the outage once each way. Before the fix the worker's 5 attempts (100 ms–1 s
 * backoff here) dead-lettered the whole backlog within seconds.
 */
import t from 'tap';
import { request } from 'undici';
import { spawnWorker, startScriptedServer, waitFor } from './helpers/processes-async.js';
import { startTestGateway } from './helpers/processes-gateway.js';
import { SHARED_REDIS_URL, obliterateQueues, redisUnavailableReason, uniqueQueueName } from './helpers/redis.js';

const OUTAGE_MS = 60_000;
const CALLS = 200;
const reason = await redisUnavailableReason();
if (reason) {
  t.comment(reason);
  t.test('async gateway outage', { skip: reason }, () => {});
} else {
  t.test(`a ${OUTAGE_MS / 1000} s gateway outage: nothing lost, nothing dead, every call runs once it is back`, { timeout: OUTAGE_MS + 120_000 }, async (t) => {
    const queueName = uniqueQueueName('it-outage');
    const fnServer = await startScriptedServer(() => ({ status: 200, body: 'ran' }));
    const receiver = await startScriptedServer(() => ({ status: 200 }));
    const options = { redisUrl: SHARED_REDIS_URL, queueName, functionUrl: fnServer.url, functions: ['echo'] };
    let gw = await startTestGateway(options);
    const worker = spawnWorker({ redis_url: SHARED_REDIS_URL, queue_name: queueName, gateway_url: gw.url, concurrency: '20', max_per_function: '20', log_level: 'info' });
    t.teardown(async () => {
      await worker.stop('SIGKILL');
      await gw.close();
      await fnServer.close();
      await receiver.close();
      await obliterateQueues(SHARED_REDIS_URL, queueName);
    });
    const port = gw.port;
    await gw.close(); // the worker is up; the gateway is not
    const queuer = await startTestGateway({ ...options, port: 0 }); // a second gateway (other port) only to enqueue
    const ids: string[] = [];
    for (let i = 0; i < CALLS; i++) {
      const res = await request(`${queuer.url}/async-function/echo`, { method: 'POST', body: `call-${i}`, headers: { 'x-callback-url': `${receiver.url}/cb` } });
      await res.body.dump();
      if (res.statusCode !== 202) throw new Error(`enqueue ${i}: ${res.statusCode}`);
      ids.push(res.headers['x-call-id'] as string);
    }
    await queuer.close();
    const started = Date.now();
    await waitFor(() => worker.output().includes('gateway unreachable: deferring'), 30_000, 'the worker to notice the outage');
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - started))));
    t.equal(fnServer.requests.length, 0, 'nothing ran during the outage');

    gw = await startTestGateway({ ...options, port });
    await waitFor(() => new Set(receiver.requests.map((r) => r.headers['x-call-id'])).size >= CALLS || undefined, 90_000, 'every callback');
    const counts = await gw.queuer.counts();
    const totals = [...counts.byFunction.values()].reduce((a, c) => ({ failed: a.failed + c.failed, waiting: a.waiting + c.waiting + c.delayed + c.active }), { failed: 0, waiting: 0 });
    t.equal(totals.failed, 0, 'no call dead-lettered');
    t.equal(totals.waiting, 0, 'no call left waiting');
    const delivered = new Set(receiver.requests.map((r) => String(r.headers['x-call-id'])));
    t.equal(ids.filter((id) => !delivered.has(id)).length, 0, 'every accepted call called back');
    t.ok(receiver.requests.every((r) => r.headers['x-function-status'] === '200'), 'each one with the function\'s 200');
    t.equal(worker.output().split('gateway unreachable: deferring').length - 1, 1, 'the outage was logged once');
    t.match(worker.output(), /gateway reachable again/, 'and its end');
  });
}
