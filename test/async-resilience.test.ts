/**
 * Nothing is lost when parts die: the worker is kill -9'd mid-batch, Redis restarts (AOF) with jobs waiting,
 * the gateway restarts with jobs queued, the callback receiver is down for a while. Uses a private
 * redis-server (AOF, noeviction) on a free port so restarting it disturbs no one.
 */
import t, { type Test } from 'tap';
import { request } from 'undici';
import { spawnWorker, startScriptedServer, waitFor, type WorkerProcess } from './helpers/processes-async.js';
import { startTestGateway, type TestGateway } from './helpers/processes-gateway.js';
import { redisUnavailableReason, startOwnRedis, uniqueQueueName } from './helpers/redis.js';

const reason = (await import('node:child_process')).spawnSync('redis-server', ['--version']).status === 0 ? await redisUnavailableReason() : 'redis-server binary not found';
if (reason) {
  t.comment(reason);
  t.test('async resilience', { skip: reason }, () => {});
} else {
  const redis = await startOwnRedis();
  const fnServer = await startScriptedServer(() => ({ status: 200, delayMs: 5 }));
  const receiver = await startScriptedServer(() => ({ status: 200 }));
  t.teardown(async () => {
    await fnServer.close();
    await receiver.close();
    await redis.destroy();
  });

  async function setup(t: Test, queueName: string, workerEnv: Record<string, string> = {}) {
    let gw = await startTestGateway({ redisUrl: redis.url, queueName, functionUrl: fnServer.url, functions: ['echo'] });
    const workers: WorkerProcess[] = [];
    const ctx = {
      get gw() {
        return gw;
      },
      startWorker: () => {
        const w = spawnWorker({ redis_url: redis.url, queue_name: queueName, gateway_url: gw.url, concurrency: '20', max_per_function: '20', ...workerEnv });
        workers.push(w);
        return w;
      },
      restartGateway: async () => {
        const port = gw.port;
        await gw.close();
        gw = await startTestGateway({ redisUrl: redis.url, queueName, functionUrl: fnServer.url, functions: ['echo'], port });
      },
    };
    t.teardown(async () => {
      for (const w of workers) await w.stop('SIGKILL');
      await gw.close();
    });
    return ctx;
  }

  async function enqueueMany(gw: TestGateway, n: number, tag: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await request(`${gw.url}/async-function/echo`, { method: 'POST', body: `${tag}-${i}`, headers: { 'x-call-id': `${tag}-${i}`, 'x-callback-url': `${receiver.url}/${tag}` } });
      if (res.statusCode !== 202) throw new Error(`enqueue ${i} answered ${res.statusCode}`);
      await res.body.dump();
      ids.push(`${tag}-${i}`);
    }
    return ids;
  }
  const deliveredIds = (tag: string) => new Set(receiver.requests.filter((r) => r.url === `/${tag}`).map((r) => r.headers['x-call-id'] as string));
  const allSucceeded = async (gw: TestGateway, ids: string[]) => {
    for (const id of ids) if ((await gw.queuer.status(id))?.state !== 'succeeded') return false;
    return true;
  };

  t.test('kill -9 the worker in the middle of 200 jobs; a new worker completes all of them', async (t) => {
    const tag = uniqueQueueName('kill');
    const ctx = await setup(t, tag);
    fnServer.setScript(() => ({ status: 200, delayMs: 20 }));
    const ids = await enqueueMany(ctx.gw, 200, tag);
    const first = ctx.startWorker();
    await waitFor(() => deliveredIds(tag).size >= 30, 20_000, '30 callbacks before the kill');
    t.equal(await first.stop('SIGKILL'), 'SIGKILL');
    t.ok(deliveredIds(tag).size < 200, `killed mid-batch (${deliveredIds(tag).size} done)`);
    ctx.startWorker();
    await waitFor(() => deliveredIds(tag).size === 200, 60_000, 'all 200 callbacks after restart');
    t.ok(await allSucceeded(ctx.gw, ids), 'all 200 succeeded');
    const runs = new Map<string, number>();
    for (const r of fnServer.requests.filter((r) => (r.headers['x-call-id'] as string)?.startsWith(tag))) runs.set(r.headers['x-call-id'] as string, (runs.get(r.headers['x-call-id'] as string) ?? 0) + 1);
    t.equal(runs.size, 200, 'every job ran');
    t.comment(`re-run after the crash (at-least-once): ${[...runs.values()].filter((n) => n > 1).length} jobs`);
    fnServer.setScript(() => ({ status: 200, delayMs: 5 }));
  });

  t.test('restart Redis (AOF) with jobs waiting: none lost', async (t) => {
    const tag = uniqueQueueName('redis');
    const ctx = await setup(t, tag);
    const ids = await enqueueMany(ctx.gw, 50, tag);
    await redis.stop();
    const down = await request(`${ctx.gw.url}/async-function/echo`, { method: 'POST', body: 'x' });
    t.equal(down.statusCode, 503, 'no 202 while Redis is down');
    t.match(await down.body.json(), { code: 'FUNTAINER_ERR_QUEUE_UNAVAILABLE' });
    await redis.start();
    ctx.startWorker();
    await waitFor(() => deliveredIds(tag).size === 50, 30_000, '50 callbacks after the Redis restart');
    await waitFor(() => allSucceeded(ctx.gw, ids), 10_000, 'gateway reconnected and sees all succeeded');
    t.pass('all 50 delivered');
  });

  t.test('restart the gateway while jobs are queued: none lost', async (t) => {
    const tag = uniqueQueueName('gw');
    const ctx = await setup(t, tag);
    const ids = await enqueueMany(ctx.gw, 50, tag);
    await ctx.restartGateway();
    ctx.startWorker();
    await waitFor(() => deliveredIds(tag).size === 50, 30_000, '50 callbacks after the gateway restart');
    t.ok(await allSucceeded(ctx.gw, ids));
  });

  t.test('callback receiver down for a while: callback retried and delivered, function run once', async (t) => {
    const tag = uniqueQueueName('cb');
    const ctx = await setup(t, tag, { callback_attempts: '10', callback_min_wait: '200ms' });
    let up = false;
    receiver.setScript(() => (up ? { status: 200 } : { status: 503 }));
    t.teardown(() => receiver.setScript(() => ({ status: 200 })));
    ctx.startWorker();
    const [id] = await enqueueMany(ctx.gw, 1, tag);
    await waitFor(() => receiver.requests.filter((r) => r.url === `/${tag}`).length >= 2, 10_000, 'two refused callback attempts');
    const pending = await ctx.gw.queuer.status(id as string);
    t.match(pending, { state: 'succeeded', callback: { state: 'pending' } });
    t.match(pending?.callback.error, /503/, 'delivery failure recorded in the status');
    up = true;
    await waitFor(async () => (await ctx.gw.queuer.status(id as string))?.callback.state === 'delivered', 15_000, 'callback delivered');
    t.equal(fnServer.requests.filter((r) => r.headers['x-call-id'] === id).length, 1, 'the function was not re-run for the callback');
  });

  t.test('SIGTERM drains: running jobs finish, worker exits 0', async (t) => {
    const tag = uniqueQueueName('term');
    const ctx = await setup(t, tag);
    fnServer.setScript(() => ({ status: 200, delayMs: 800 }));
    t.teardown(() => fnServer.setScript(() => ({ status: 200, delayMs: 5 })));
    const ids = await enqueueMany(ctx.gw, 5, tag);
    const w = ctx.startWorker();
    await waitFor(async () => (await ctx.gw.queuer.counts()).total.active >= 5, 10_000, '5 running');
    t.equal(await w.stop('SIGTERM'), '0', 'clean exit');
    t.ok(await allSucceeded(ctx.gw, ids), 'running jobs completed before exit');
  });
}
