/**
 * The waker on its own: single-flight wake-ups and the cold-start histogram. Holding requests (bound, deadline,
 * release on ready, fail fast on a failed wake-up) is the gateway's live path: proxy/scale-from-zero.test.ts.
 */
import t from 'tap';
import { FuntainerError } from '@funtainer/core/errors';
import { ManualClock } from './clock.js';
import { createMemoryFixture } from '../testing/memory-fixtures.js';
import { createWaker } from './wake.js';

const coldStartLog = () => {
  const observed: Array<{ fn: string; kind: string; seconds: number }> = [];
  return { observed, coldStart: (fn: string, kind: 'paused' | 'cold', seconds: number) => observed.push({ fn, kind, seconds }) };
};

t.test('a function with replicas is not scaled again', async (t) => {
  const fx = createMemoryFixture();
  const fn = await fx.deploy('hot');
  const waker = createWaker({ provider: fx.provider, clock: new ManualClock() });
  t.teardown(() => waker.close());
  await waker.wake(fn);
  t.same(fx.scaleCalls(fn), []);
});

t.test('unknown function → 404 FUNCTION_NOT_FOUND', async (t) => {
  const fx = createMemoryFixture();
  const waker = createWaker({ provider: fx.provider, clock: new ManualClock() });
  t.teardown(() => waker.close());
  await t.rejects(waker.wake({ name: 'nope', namespace: 'openfaas-fn' }), { code: 'FUNTAINER_ERR_FUNCTION_NOT_FOUND', statusCode: 404 });
});

t.test('100 concurrent wake-ups at zero → exactly one scale to max(min,1); cold start timed to the first ready', async (t) => {
  const fx = createMemoryFixture({ autoReady: false });
  const fn = await fx.deploy('cold', { 'com.openfaas.scale.min': '2' });
  await fx.provider.scale(fn, 0);
  fx.provider.calls.length = 0;
  const clock = new ManualClock();
  const metrics = coldStartLog();
  let wakes = 0;
  const waker = createWaker({ provider: fx.provider, clock, metrics, onWake: () => wakes++ });
  t.teardown(() => waker.close());

  await Promise.all(Array.from({ length: 100 }, () => waker.wake(fn)));
  t.same(fx.scaleCalls(fn), [2], 'one scale call, to min');
  t.equal(wakes, 1);
  t.same(fx.provider.endpoints(fn), [], 'replicas asked for, none ready yet');
  await clock.advance(250);
  t.same(metrics.observed, [], 'no cold start before a replica is ready');

  fx.engine.markReady(fn);
  t.same(metrics.observed, [{ fn: 'cold.openfaas-fn', kind: 'cold', seconds: 0.25 }]);
  await waker.wake(fn);
  t.same(fx.scaleCalls(fn), [2], 'replicas exist: no second scale');
});

t.test('paused function: unpaused once, cold start recorded as kind=paused', async (t) => {
  const fx = createMemoryFixture();
  const fn = await fx.deploy('sleepy');
  await fx.provider.pause(fn);
  const clock = new ManualClock();
  const metrics = coldStartLog();
  const waker = createWaker({ provider: fx.provider, pausable: fx.provider, clock, metrics });
  t.teardown(() => waker.close());
  await Promise.all(Array.from({ length: 20 }, () => waker.wake(fn)));
  t.same(fx.provider.calls.filter((c) => c.op === 'unpause').length, 1);
  t.same(fx.scaleCalls(fn), []);
  t.equal(metrics.observed[0]?.kind, 'paused');
  t.equal(fx.provider.endpoints(fn)?.length, 1);
});

t.test('a failing scale-up rejects every concurrent wake() with the provider error and records no cold start', async (t) => {
  const fx = createMemoryFixture({ autoReady: false });
  const fn = await fx.deploy('broken');
  await fx.provider.scale(fn, 0);
  let scales = 0;
  const failing = { get: fx.provider.get.bind(fx.provider), endpoints: fx.provider.endpoints.bind(fx.provider), onEndpointsChanged: fx.provider.onEndpointsChanged.bind(fx.provider),
    scale: async () => { scales++; throw new FuntainerError('FUNTAINER_ERR_ENGINE'); } };
  const metrics = coldStartLog();
  const waker = createWaker({ provider: failing, clock: new ManualClock(), metrics });
  t.teardown(() => waker.close());
  const results = await Promise.allSettled([waker.wake(fn), waker.wake(fn)]);
  for (const r of results) t.match(r, { status: 'rejected', reason: { code: 'FUNTAINER_ERR_ENGINE' } });
  t.equal(scales, 1, 'single flight');
  await fx.provider.scale(fn, 1);
  fx.engine.markReady(fn);
  t.same(metrics.observed, [], 'the failed wake-up is not a cold start');
});

t.test('wake() for the async path starts a function at zero without holding anything', async (t) => {
  const fx = createMemoryFixture();
  const fn = await fx.deploy('queued');
  await fx.provider.scale(fn, 0);
  fx.provider.calls.length = 0;
  const waker = createWaker({ provider: fx.provider, clock: new ManualClock() });
  t.teardown(() => waker.close());
  await Promise.all([waker.wake(fn), waker.wake(fn), waker.wake(fn)]);
  t.same(fx.scaleCalls(fn), [1]);
  await waker.wake(fn);
  t.same(fx.scaleCalls(fn), [1], 'already running: no further scale');
});
