#!/usr/bin/env node
/**
 * Endurance benchmark: sync and async load at once against the real stack (gateway + queue-worker processes,
 * Docker provider), a rolling update every minute, RSS of gateway, queue-worker and one replica every 10 s.
 * Reports errors (target 0), async calls lost (target 0), the RSS change over the last 5 minutes (target flat:
 * ≤ 5 MB) and the sync p99 per minute (drift). Needs a built tree (`npm run build`), Docker and Redis.
 *   node bench/soak.mjs [--minutes 10] [--roll-seconds 60] [--connections 16] [--async-rps 50]
 */
import { runSoak } from '../test/dist/helpers/soak.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const minutes = arg('minutes', 10);
const durationMs = minutes * 60_000;
const report = await runSoak({
  durationMs,
  rollEveryMs: arg('roll-seconds', 60) * 1000,
  sampleEveryMs: 10_000,
  syncConnections: arg('connections', 16),
  asyncPerSecond: arg('async-rps', 50),
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  slopeWindowMs: Math.min(5 * 60_000, durationMs / 2),
  onProgress: (line) => console.log(`  ${line}`),
});

const mb = (v) => (v === undefined ? '-' : `${v >= 0 ? '+' : ''}${v.toFixed(1)} MB`);
const p99 = report.p99ByMinuteMs;
console.log(`
soak: ${report.seconds.toFixed(0)} s, ${report.rolls.done} rolling updates (${report.rolls.failures.length} failed)
  sync   ok ${report.sync.ok}, errors ${report.sync.failures.length}${report.sync.failures.length ? ` (first: ${report.sync.failures[0]})` : ''}   (target 0)
  async  accepted ${report.async.accepted}, refused ${report.async.refused.length}, delivered ${report.async.delivered}, lost ${report.async.lost}   (target 0 lost)
  rss change over the last ${(Math.min(5 * 60_000, durationMs / 2) / 60_000).toFixed(1)} min: gateway ${mb(report.rssSlopeMb.gateway)}, queue-worker ${mb(report.rssSlopeMb.worker)}, replica ${mb(report.rssSlopeMb.replica)} (a new replica each roll)   (target ≤ 5 MB)
  rss at end: gateway ${report.rss.at(-1)?.gatewayMb.toFixed(1)} MB, queue-worker ${report.rss.at(-1)?.workerMb.toFixed(1)} MB
  sync p99 per minute (ms): ${p99.map((v) => v.toFixed(1)).join(', ')}   drift last/first ${p99.length > 1 ? (p99.at(-1) / p99[0]).toFixed(2) : '-'}×`);
