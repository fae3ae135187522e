/**
 * Manual scaling and the autoscaler agree: the clamp, the hold store, and scale-function requests (the route's
 * applyScaleRequest) followed by autoscaler ticks on a manual clock — held counts are not undone, a parked
 * function stays parked until load, load may still add replicas, and the usual decisions resume after the hold.
 */
import t from 'tap';
import type { QualifiedName } from '@funtainer/core/names';
import { applyScaleRequest } from '../routes/scale-request.js';
import { createAutoscaler } from './autoscaler.js';
import { ManualClock } from './clock.js';
import { clampScaleRequest, ManualHolds } from './manual-scale.js';
import { createMemoryFixture } from '../testing/memory-fixtures.js';
import { createMetricsSource } from './create-metrics-source.js';
import { createWaker } from './wake.js';

t.test('clampScaleRequest: [max(min,1), max], 0 always parks', async (t) => {
  const bounds = { min: 2, max: 4 };
  t.same(clampScaleRequest(bounds, 3), { requested: 3, replicas: 3, clamped: undefined });
  t.same(clampScaleRequest(bounds, 9), { requested: 9, replicas: 4, clamped: 'max' });
  t.same(clampScaleRequest(bounds, 1), { requested: 1, replicas: 2, clamped: 'min' });
  t.same(clampScaleRequest(bounds, 0), { requested: 0, replicas: 0, clamped: undefined });
  t.same(clampScaleRequest({ min: 0, max: 5 }, 1), { requested: 1, replicas: 1, clamped: undefined }, 'min 0: the active floor is still 1');
});

t.test('ManualHolds: expire, replace, off at 0, bounded by the deployed functions', async (t) => {
  const holds = new ManualHolds(1_000);
  t.same(holds.set('a', 2, 100), { replicas: 2, untilMs: 1_100 });
  t.same(holds.active('a', 1_099), { replicas: 2, untilMs: 1_100 });
  t.equal(holds.active('a', 1_100), undefined, 'expired');
  holds.set('b', 1, 0);
  holds.retainOnly(new Set(['a']));
  t.equal(holds.active('b', 1), undefined, 'removed function forgotten');
  t.equal(new ManualHolds(0).set('a', 1, 0), undefined, 'hold 0: none');
});

function setup(holdMs = 60_000) {
  const fx = createMemoryFixture();
  const clock = new ManualClock(1_000_000);
  const requests = new Map<string, number>();
  let rps = 0;
  const waker = createWaker({ provider: fx.provider, pausable: fx.provider, clock });
  const autoscaler = createAutoscaler({
    provider: { get: fx.provider.get, scale: fx.provider.scale, list: (ns) => fx.engine.list(ns), namespaces: () => fx.engine.namespaces() },
    pausable: fx.provider, waker, clock, manualHoldMs: holdMs,
    // Short windows and delay so that, without a hold, an unneeded replica would go within a few ticks.
    policy: { scaleDownDelayMs: 2_000, panicHoldMs: 4_000 },
    metricsSource: createMetricsSource({
      kind: 'local', clock, windows: { stableWindowMs: 8_000, panicWindowMs: 4_000 },
      counters: { snapshot: () => new Map([...requests].map(([k, v]) => [k, { requestsTotal: v, inFlight: 0 }])) },
    }),
  });
  const manualScale = { hold: autoscaler.holdManualScale, release: autoscaler.releaseManualScale };
  const run = async (seconds: number, fn?: QualifiedName) => {
    for (let s = 0; s < seconds; s += 2) {
      await clock.advance(2_000);
      if (fn) requests.set(`${fn.name}.${fn.namespace}`, (requests.get(`${fn.name}.${fn.namespace}`) ?? 0) + rps * 2);
      await autoscaler.tick();
    }
  };
  return {
    fx, waker, autoscaler, run,
    load: (value: number) => { rps = value; },
    scale: (fn: QualifiedName, replicas: number) => applyScaleRequest({ provider: fx.provider, manualScale }, fn, replicas),
    replicas: async (fn: QualifiedName) => (await fx.provider.get(fn))?.replicas,
  };
}

t.test('scale to 0 is not undone by the autoscaler; a request wakes it and ends the hold', async (t) => {
  const s = setup();
  const fn = await s.fx.deploy('parked');
  await s.run(4);
  const answer = await s.scale(fn, 0);
  t.match(answer, { requested: 0, replicas: 0, clamped: null, holdUntil: /^\d{4}-/, message: /parked at 0/ });
  await s.run(30);
  t.equal(await s.replicas(fn), 0, 'still 0 after 15 ticks (was brought back to 1 within one tick)');
  t.match(s.autoscaler.state(fn), { target: 0, lastDecision: { reason: 'manual-hold' } });
  await s.waker.wake(fn);
  s.load(1);
  await s.run(4, fn);
  t.equal(await s.replicas(fn), 1, 'woken to max(min,1) by a request, and kept there under load');
  s.load(0);
  await s.run(120, fn);
  t.equal(await s.replicas(fn), 1, 'hold over: the function is back under the autoscaler (min 1)');
});

t.test('scale above max is clamped; a held count is the floor until the hold ends, load may add more', async (t) => {
  const s = setup(20_000);
  const fn = await s.fx.deploy('capped', { 'com.openfaas.scale.max': '5', 'com.openfaas.scale.target': '10', 'com.openfaas.scale.target-proportion': '1' });
  const over = await s.scale(fn, 9);
  t.match(over, { requested: 9, replicas: 5, clamped: 'max', max: 5, message: /clamped to com\.openfaas\.scale\.max=5/ });
  t.equal(await s.replicas(fn), 5, 'the provider got the clamped count');
  await s.scale(fn, 3);
  await s.run(16, fn);
  t.equal(await s.replicas(fn), 3, 'held at 3 without load while the hold lasts (20 s)');
  t.match(s.autoscaler.state(fn), { target: 3, lastDecision: { reason: 'manual-hold' } });
  await s.run(20, fn);
  t.equal(await s.replicas(fn), 1, 'after the hold the usual decisions resume: back to min');
  await s.scale(fn, 2);
  s.load(40);
  await s.run(10, fn);
  t.equal(await s.replicas(fn), 4, 'the load needs 4: added over the held 2');
});
