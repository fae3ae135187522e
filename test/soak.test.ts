/**
 * The CI-sized soak (issue 11, part 3): 75 s of sync and async load at once through the real gateway and
 * queue-worker processes on the Docker provider, with a rolling update every 25 s: 0 failed requests, no
 * async call lost. The 10-minute version with RSS and p99 drift is `npm run bench -- soak`.
 */
import t from 'tap';
import { dockerUnavailableReason } from './helpers/docker.js';
import { redisUnavailableReason, SHARED_REDIS_URL } from './helpers/redis.js';
import { runSoak } from './helpers/soak.js';

const reason = (await dockerUnavailableReason()) ?? (await redisUnavailableReason());
if (reason) console.log(`# SKIP soak: ${reason}`);

t.test('soak: sync + async load across rolling updates, nothing failed or lost', { skip: reason ?? false, timeout: 400_000 }, async (t) => {
  const report = await runSoak({
    durationMs: 75_000,
    rollEveryMs: 25_000,
    sampleEveryMs: 10_000,
    syncConnections: 8,
    asyncPerSecond: 20,
    redisUrl: SHARED_REDIS_URL,
    slopeWindowMs: 40_000,
    onProgress: (line) => t.comment(line),
  });
  t.comment(`sync ok ${report.sync.ok}, async accepted ${report.async.accepted}, rolls ${report.rolls.done}, rss slope ${JSON.stringify(report.rssSlopeMb)}, p99/min ${report.p99ByMinuteMs.map((v) => v.toFixed(1)).join(',')} ms`);
  t.ok(report.sync.ok > 100, 'sync load ran');
  t.same(report.sync.failures.slice(0, 10), [], 'no failed sync request');
  t.ok(report.rolls.done >= 2, 'rolling updates happened');
  t.same(report.rolls.failures, [], 'every rolling update was accepted');
  t.ok(report.async.accepted > 500, 'async load ran');
  t.same(report.async.refused.slice(0, 10), [], 'no async call refused');
  t.equal(report.async.lost, 0, 'no accepted async call lost');
});
