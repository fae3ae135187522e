import t from 'tap';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { alwaysLeader, createRedisLease } from './lease.js';

t.test('without Redis the only gateway always leads', async (t) => {
  const lease = alwaysLeader();
  t.equal(await lease.hold(), true);
  await lease.release();
  t.equal(await lease.hold(), true);
});

const redisOptions = { host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000, retryStrategy: () => null };

/** undefined when Redis answers; otherwise why the Redis tests are skipped (printed, never silent). */
async function redisUnavailable(): Promise<string | undefined> {
  const probe = new Redis(redisOptions);
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (err) {
    return `Redis at 127.0.0.1:6379 is not reachable (${(err as Error).message})`;
  } finally {
    probe.disconnect();
  }
}

const skipRedis = await redisUnavailable();
if (skipRedis) console.log(`# SKIP redis lease tests: ${skipRedis}`);

t.test('redis lease: one leader, renewals, takeover after expiry, release', { skip: skipRedis ?? false }, async (t) => {
  const redis = new Redis(redisOptions);
  redis.on('error', () => undefined);
  await redis.connect();
  const key = `funtainer:test:lease:${randomUUID()}`;
  t.teardown(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  const a = createRedisLease({ redis, key, ownerId: 'a', ttlMs: 400 });
  const b = createRedisLease({ redis, key, ownerId: 'b', ttlMs: 400 });
  t.equal(await a.hold(), true, 'a acquires');
  t.equal(await b.hold(), false, 'b is refused while a holds it');

  // a renews for longer than one TTL: b must never get in.
  for (let i = 0; i < 4; i++) {
    await sleep(150);
    t.equal(await a.hold(), true, `a renews (${i})`);
    t.equal(await b.hold(), false, `b still refused (${i})`);
  }

  // a stops renewing (crashed / paused); after the TTL b takes over and a learns it lost.
  await sleep(500);
  t.equal(await b.hold(), true, 'b takes over after expiry');
  t.equal(await a.hold(), false, 'a no longer leads');
  t.equal(await redis.get(key), 'b');

  // a release by a non-owner does nothing; the owner's release frees the key at once.
  await a.release();
  t.equal(await redis.get(key), 'b');
  await b.release();
  t.equal(await redis.get(key), null);
  t.equal(await a.hold(), true, 'a acquires right after the release, without waiting for a TTL');
});

t.test('redis errors mean "not leader", never a throw', async (t) => {
  const redis = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  const errors: unknown[] = [];
  const lease = createRedisLease({ redis, key: 'k', ttlMs: 1000, commandTimeoutMs: 200, onError: (e) => errors.push(e) });
  t.equal(await lease.hold(), false);
  t.equal(errors.length, 1);
  redis.disconnect();
});
