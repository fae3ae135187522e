import t from 'tap';
import { FuntainerError } from '@funtainer/core/errors';
import { ManualClock } from './clock.js';
import { createMemoryFixture } from '../testing/memory-fixtures.js';
import { createWaker } from './wake.js';

const coldStartLog = () => {
  const observed: Array<{ fn: string; kind: string; seconds: number }> = [];
  return { observed, coldStart: (fn: string, kind: 'paused' | 'cold', seconds: number) => observed.push({ fn, kind, seconds }) };
};

t.test('a function with a ready replica passes straight through', async (t) => {
  const fx = createMemoryFixture();
  const fn = await fx.deploy('hot');
  const waker = createWaker({ provider: fx.provider, clock: new ManualClock() });
  t.teardown(() => waker.close());
  await waker.ensureReady(fn, 1000);
  t.same(fx.scaleCalls(fn), []);
});

t.test('unknown function → 404 FUNCTION_NOT_FOUND', async (t) => {
  const fx = createMemoryFixture();
  const waker = createWaker({ provider: fx.provider, clock: new ManualClock() });
  t.teardown(() => waker.close());
  await t.rejects(waker.ensureReady({ name: 'nope', namespace: 'openfaas-fn' }, 1000), { code: 'FUNTAINER_ERR_FUNCTION_NOT_FOUND', statusCode: 404 });
});

t.test('100 concurrent requests at zero → exactly one scale to max(min,1), all released on first ready', async (t) => {
  const fx = createMemoryFixture({ autoReady: false });
  const fn = await fx.deploy('cold', { 'com.openfaas.scale.min': '2' });
  await fx.provider.scale(fn, 0);
  fx.provider.calls.length = 0;
  const clock = new ManualClock();
  const metrics = coldStartLog();
  let wakes = 0;
  const waker = createWaker({ provider: fx.provider, clock, metrics, onWake: () => wakes++ });
  t.teardown(() => waker.close());

  let released = 0;
  const held = Array.from({ length: 100 }, () => waker.ensureReady(fn, 30_000).then(() => released++));
  t.equal(waker.waiting(fn), 100);
  await clock.advance(250);
  t.equal(released, 0, 'nobody released before a replica is ready');
  t.same(fx.scaleCalls(fn), [2], 'one scale call, to min');

  fx.engine.markReady(fn);
  await Promise.all(held);
  t.equal(released, 100);
  t.equal(wakes, 1);
  t.equal(waker.waiting(fn), 0);
  t.equal(clock.pendingTimers, 0, 'deadline timers cleared');
  t.same(metrics.observed, [{ fn: 'cold.openfaas-fn', kind: 'cold', seconds: 0.25 }]);

  // A later request while replicas exist but are starting again must not scale a second time.
  t.same(fx.scaleCalls(fn), [2]);
});

t.test('paused function: unpaused once, cold start recorded as kind=paused', async (t) => {
  const fx = createMemoryFixture();
  const fn = await fx.deploy('sleepy');
  await fx.provider.pause(fn);
  const clock = new ManualClock();
  const metrics = coldStartLog();
  const waker = createWaker({ provider: fx.provider, pausable: fx.provider, clock, metrics });
  t.teardown(() => waker.close());
  await Promise.all(Array.from({ length: 20 }, () => waker.ensureReady(fn, 5_000)));
  t.same(fx.provider.calls.filter((c) => c.op === 'unpause').length, 1);
  t.same(fx.scaleCalls(fn), []);
  t.equal(metrics.observed[0]?.kind, 'paused');
  t.equal(fx.provider.endpoints(fn)?.length, 1);
});

t.test('deadline → 503 NO_REPLICA, other functions unaffected', async (t) => {
  const fx = createMemoryFixture({ autoReady: false });
  const fn = await fx.deploy('stuck');
  await fx.provider.scale(fn, 0);
  const clock = new ManualClock();
  const waker = createWaker({ provider: fx.provider, clock });
  t.teardown(() => waker.close());
  const held = waker.ensureReady(fn, 1_000);
  const assertion = t.rejects(held, { code: 'FUNTAINER_ERR_NO_REPLICA', statusCode: 503, details: { reason: 'deadline' } });
  await clock.advance(999);
  t.equal(waker.waiting(fn), 1);
  await clock.advance(1);
  await assertion;
  t.equal(waker.waiting(fn), 0);
  await t.rejects(waker.ensureReady(fn, 500), { code: 'FUNTAINER_ERR_NO_REPLICA', details: { reason: 'deadline' } }, 'a deadline already past fails at once');
});

t.test('the wait queue is bounded', async (t) => {
  const fx = createMemoryFixture({ autoReady: false });
  const fn = await fx.deploy('busy');
  await fx.provider.scale(fn, 0);
  const clock = new ManualClock();
  const waker = createWaker({ provider: fx.provider, clock, maxWaitersPerFunction: 3 });
  const held = [1, 2, 3].map(() => waker.ensureReady(fn, 10_000).catch((e: unknown) => e));
  await t.rejects(waker.ensureReady(fn, 10_000), { code: 'FUNTAINER_ERR_NO_REPLICA', details: { reason: 'wait-queue-full' } });
  waker.close();
  for (const err of await Promise.all(held)) t.match(err, { details: { reason: 'shutting-down' } });
});

t.test('a failing scale-up rejects the held requests with 503 at once', async (t) => {
  const fx = createMemoryFixture({ autoReady: false });
  const fn = await fx.deploy('broken');
  await fx.provider.scale(fn, 0);
  const failing = { ...fx.provider, get: fx.provider.get, endpoints: fx.provider.endpoints, onEndpointsChanged: fx.provider.onEndpointsChanged,
    scale: async () => { throw new FuntainerError('FUNTAINER_ERR_ENGINE'); } };
  const waker = createWaker({ provider: failing, clock: new ManualClock() });
  t.teardown(() => waker.close());
  await t.rejects(waker.ensureReady(fn, 10_000), { code: 'FUNTAINER_ERR_NO_REPLICA', details: { reason: 'scale-up-failed' } });
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
