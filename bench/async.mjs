#!/usr/bin/env node
/**
 * Async invocation benchmark, one run, same echo function (a local fake function server):
 *   sync invocations/s through the gateway, async enqueue (202)/s, end-to-end async completions/s
 *   (202 → callback received), and idle enqueue → function-start latency p50/p99.
 * Needs `npx tsc -b queue-worker gateway test` first and Redis at $REDIS_URL (default redis://127.0.0.1:6379).
 *   node bench/async.mjs [--seconds 5] [--connections 32]
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { spawnWorker, startScriptedServer } from '../test/dist/helpers/processes-async.js';
import { startTestGateway } from '../test/dist/helpers/processes-gateway.js';
import { obliterateQueues } from '../test/dist/helpers/redis.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const SECONDS = arg('seconds', 5);
const CONNECTIONS = arg('connections', 32);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const queueName = `bench-${randomUUID().slice(0, 8)}`;

const fn = await startScriptedServer(() => ({ status: 200 }));
const receiver = await startScriptedServer(() => ({ status: 200, body: '' }));
const gw = await startTestGateway({ redisUrl: REDIS_URL, queueName, functionUrl: fn.url, functions: ['echo'] });
const pool = new Pool(gw.url, { connections: CONNECTIONS });
let worker;

/** Closed-loop load: CONNECTIONS callers, each sending the next request when the previous one answered. */
async function load(path, headers, expected) {
  return loadOn(pool, path, headers, expected);
}
async function loadOn(pool, path, headers, expected) {
  const until = Date.now() + SECONDS * 1000;
  let ok = 0;
  let bad = 0;
  const caller = async () => {
    while (Date.now() < until) {
      const res = await pool.request({ method: 'POST', path, body: '{"hello":"world"}', headers: { 'content-type': 'application/json', ...headers } });
      await res.body.dump();
      if (res.statusCode === expected) ok++;
      else bad++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, caller));
  return { ok, bad, rate: ok / ((Date.now() - started) / 1000) };
}

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const waitUntil = async (probe, deadlineMs) => {
  const until = Date.now() + deadlineMs;
  while (!probe()) {
    if (Date.now() > until) throw new Error('bench wait timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

try {
  // Baseline: the fake function alone, to show what the gateway path costs.
  const direct = new Pool(fn.url, { connections: CONNECTIONS });
  const bare = await loadOn(direct, '/', {}, 200);
  await direct.close();
  await load('/function/echo', {}, 200); // warm-up
  const sync = await load('/function/echo', {}, 200);
  const enqueue = await load('/async-function/echo', {}, 202);

  worker = spawnWorker({ redis_url: REDIS_URL, queue_name: queueName, gateway_url: gw.url, concurrency: '50', max_per_function: '50', log_level: 'error', settings_cache_ttl: '5s' });
  await waitUntil(() => fn.requests.length >= bare.ok + sync.ok + enqueue.ok, 120_000); // drain the enqueue phase
  const cbBefore = receiver.requests.length;
  const e2eStart = Date.now();
  const e2eLoad = await load('/async-function/echo', { 'x-callback-url': `${receiver.url}/cb` }, 202);
  await waitUntil(() => receiver.requests.length - cbBefore >= e2eLoad.ok, 120_000);
  const e2eRate = e2eLoad.ok / ((Date.now() - e2eStart) / 1000);

  // The function resolves a waiter the moment the call arrives, so the figure has no polling error.
  const waiters = new Map();
  fn.setScript((req) => {
    waiters.get(req.headers['x-call-id'])?.(performance.now());
    return { status: 200 };
  });
  const latencies = [];
  for (let i = 0; i < 200; i++) {
    const callId = `lat-${i}-${randomUUID()}`;
    const arrived = new Promise((resolve) => waiters.set(callId, resolve));
    const sent = performance.now();
    const res = await pool.request({ method: 'POST', path: '/async-function/echo', body: 'x', headers: { 'x-call-id': callId } });
    await res.body.dump();
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('latency probe timed out')), 10_000).unref());
    latencies.push((await Promise.race([arrived, timeout])) - sent);
    waiters.delete(callId);
    await new Promise((r) => setTimeout(r, 20)); // idle queue between calls
  }

  const result = {
    seconds: SECONDS,
    bareFunctionPerSec: Math.round(bare.rate),
    connections: CONNECTIONS,
    syncPerSec: Math.round(sync.rate),
    enqueuePerSec: Math.round(enqueue.rate),
    endToEndPerSec: Math.round(e2eRate),
    enqueueRatio: +(enqueue.rate / sync.rate).toFixed(2),
    endToEndRatio: +(e2eRate / sync.rate).toFixed(2),
    idleLatencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    targets: { enqueueRatio: 0.5, endToEndRatio: 0.25, idleP50Ms: 10 },
    errors: { sync: sync.bad, enqueue: enqueue.bad, e2e: e2eLoad.bad },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await worker?.stop('SIGTERM');
  await pool.close();
  await gw.close();
  await fn.close();
  await receiver.close();
  await obliterateQueues(REDIS_URL, queueName);
}
