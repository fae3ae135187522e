/**
 * A Redis outage leaves a trace (issue 10 #3): the gateway's queue producer and the queue-worker each log one
 * line when Redis goes away (with the cause) and one when it is back, however many reconnect attempts fail in
 * between, and `funtainer_redis_up` follows. A private redis-server is stopped and restarted on its port.
 */
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import t from 'tap';
import { createBullmqQueuer } from '@funtainer/gateway/async/bullmq-queuer';
import { createRedisHealth } from '@funtainer/core/redis-health-gauge';
import { spawnWorker, waitFor } from './helpers/processes-async.js';
import { redisUnavailableReason, startOwnRedis, uniqueQueueName } from './helpers/redis.js';

const reason = spawnSync('redis-server', ['--version']).status === 0 ? await redisUnavailableReason() : 'redis-server binary not found';
if (reason) {
  t.comment(`skipped: ${reason}`);
  t.test('redis outage logging', { skip: reason }, () => {});
} else {
  t.test('one line per outage each way, in the gateway and in the worker; the gauge follows', async (t) => {
    const redis = await startOwnRedis();
    t.teardown(() => redis.destroy());
    const queueName = uniqueQueueName('redis-health');
    const gatewayLines: Array<{ msg: string; connection?: string; code?: string; cause?: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) gatewayLines.push(JSON.parse(line));
        done();
      },
    });
    const registry = new Registry();
    const health = createRedisHealth(registry, pino({ level: 'info' }, sink));
    const queuer = createBullmqQueuer({ redisUrl: redis.url, queueName, health });
    t.teardown(() => queuer.close());
    const worker = spawnWorker({ redis_url: redis.url, queue_name: queueName, gateway_url: 'http://127.0.0.1:9', log_level: 'info' });
    t.teardown(() => worker.stop('SIGKILL'));
    const gauge = async () => (await registry.getSingleMetricAsString('funtainer_redis_up')).match(/connection="queue-producer"} (\d)/)?.[1];

    await waitFor(async () => (await gauge()) === '1', 10_000, 'producer connected (gauge 1)');
    await queuer.counts();
    await new Promise((r) => setTimeout(r, 1000));

    await redis.stop();
    // Reconnect attempts fail several times a second; give them time to pile up.
    await new Promise((r) => setTimeout(r, 4000));
    const downLines = (msg: string) => gatewayLines.filter((l) => l.msg === msg);
    t.equal(downLines('redis unavailable').filter((l) => l.connection === 'queue-producer').length, 1, 'gateway: one "unavailable" line for the producer');
    t.match(downLines('redis unavailable')[0], { code: 'ECONNREFUSED', cause: /ECONNREFUSED/ }, 'with the cause');
    t.equal(await gauge(), '0', 'gauge 0 during the outage');
    const workerDown = () => worker.output().split('\n').filter((l) => l.includes('"redis unavailable"'));
    t.equal(workerDown().length, 1, `worker: one "unavailable" line (output: ${worker.output().slice(-2000)})`);

    await redis.start();
    await waitFor(async () => (await gauge()) === '1', 20_000, 'producer reconnected (gauge 1)');
    t.equal(downLines('redis available again').filter((l) => l.connection === 'queue-producer').length, 1, 'gateway: one recovery line');
    await waitFor(() => worker.output().includes('"redis available again"'), 20_000, 'worker logs its recovery');
    t.equal(workerDown().length, 1, 'still one outage line in the worker');
    t.ok(await queuer.counts(), 'the producer works again');
  });
}
