import t from 'tap';
import { Registry } from 'prom-client';
import type { FunctionStatus } from '@funtainer/core/contracts';
import type { QualifiedName } from '@funtainer/core/names';
import { createAutoscaler, type AutoscalerOptions } from './autoscaler.js';
import { createAutoscalerMetrics } from './autoscaler-metrics.js';
import { ManualClock } from './clock.js';
import type { LeaderLease } from './lease.js';
import { createMemoryFixture } from '../testing/memory-fixtures.js';
import { createMetricsSource } from './create-metrics-source.js';
import { MetricsUnavailableError } from './metrics-source.js';
import { createWaker } from './wake.js';

/** A gateway's counters, driven by the test: `load(fn, rps, inFlight)` adds 2 s worth of traffic per tick. */
function fakeTraffic() {
  const counters = new Map<string, { requestsTotal: number; inFlight: number }>();
  const rates = new Map<string, { rps: number; inFlight: number }>();
  return {
    counters: { snapshot: () => counters },
    set(fn: QualifiedName, rps: number, inFlight = 0) { rates.set(`${fn.name}.${fn.namespace}`, { rps, inFlight }); },
    advance(seconds: number) {
      for (const [fn, rate] of rates) {
        const prev = counters.get(fn)?.requestsTotal ?? 0;
        counters.set(fn, { requestsTotal: prev + rate.rps * seconds, inFlight: rate.inFlight });
      }
    },
  };
}

/** `decorate` lets a test change what the provider's list reports (e.g. a status a real provider would show). */
async function setup(extra: Partial<AutoscalerOptions> = {}, decorate: (status: FunctionStatus) => FunctionStatus = (status) => status) {
  const fx = createMemoryFixture();
  const clock = new ManualClock(1_000_000);
  const traffic = fakeTraffic();
  const registry = new Registry();
  const metrics = createAutoscalerMetrics(registry);
  const backlog = new Map<string, number>();
  // The waker tells the autoscaler about wake-ups; wired after both exist, as in the gateway.
  let noteActivity: (fn: QualifiedName) => void = () => undefined;
  const waker = createWaker({ provider: fx.provider, pausable: fx.provider, clock, metrics, onWake: (fn) => noteActivity(fn) });
  const autoscaler = createAutoscaler({
    provider: { get: fx.provider.get, scale: fx.provider.scale, list: (ns) => fx.engine.list(ns).then((l) => Promise.all(l.map(async (s) => decorate((await fx.provider.get(s)) ?? s)))), namespaces: () => fx.engine.namespaces() },
    pausable: fx.provider, waker, metrics, clock,
    metricsSource: createMetricsSource({ kind: 'local', counters: traffic.counters, clock }),
    backlog: { waitingByFunction: async () => backlog },
    zeroRemoveAfterMs: 10 * 60_000,
    ...extra,
  });
  noteActivity = autoscaler.noteActivity;
  /** Runs `seconds` of wall time in 2 s ticks. */
  const run = async (seconds: number) => {
    for (let s = 0; s < seconds; s += 2) {
      await clock.advance(2_000);
      traffic.advance(2);
      await autoscaler.tick();
    }
  };
  const replicas = async (fn: QualifiedName) => (await fx.provider.get(fn))?.replicas;
  return { fx, clock, traffic, registry, backlog, waker, autoscaler, run, replicas };
}

t.test('load raises replicas, panic on a burst, then back to min after the hold and delay', async (t) => {
  const s = await setup();
  const fn = await s.fx.deploy('web', { 'com.openfaas.scale.target': '10', 'com.openfaas.scale.target-proportion': '1' });
  s.traffic.set(fn, 15);
  await s.run(20);
  t.equal(await s.replicas(fn), 2, '15 req/s at 10 per replica → 2');

  s.traffic.set(fn, 100);
  await s.run(2);
  t.ok((await s.replicas(fn) ?? 0) >= 4, 'burst → panic on the first tick → straight to the panic desired');
  await s.run(4);
  t.equal(await s.replicas(fn), 10, 'panic window filled with the burst');
  t.match(s.autoscaler.state(fn), { target: 10, panicking: true, lastDecision: { reason: /panic/ } });

  s.traffic.set(fn, 0);
  await s.run(56);
  t.equal(await s.replicas(fn), 10, 'no scale-down while panicking');
  await s.run(100);
  t.equal(await s.replicas(fn), 1, 'after panic and the scale-down delay: min');
  const exported = await s.registry.getSingleMetricAsString('gateway_autoscaler_desired_replicas');
  t.match(exported, /gateway_autoscaler_desired_replicas\{function_name="web.openfaas-fn"\} 1/);
  t.match(await s.registry.getSingleMetricAsString('gateway_autoscaler_decisions_total'), /direction="up",reason="panic"/);
});

t.test('capacity type scales on in-flight requests', async (t) => {
  const s = await setup();
  const fn = await s.fx.deploy('slow', { 'com.openfaas.scale.type': 'capacity', 'com.openfaas.scale.target': '4', 'com.openfaas.scale.target-proportion': '1' });
  s.traffic.set(fn, 1, 7);
  await s.run(10);
  t.equal(await s.replicas(fn), 2);
});

t.test('zero=true: idle → paused → removed; a request then wakes it cold', async (t) => {
  const s = await setup();
  const fn = await s.fx.deploy('nap', { 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.zero-duration': '2m' });
  await s.run(118);
  t.equal(s.fx.provider.isPaused(fn), false, 'not before zero-duration');
  await s.run(4);
  t.equal(s.fx.provider.isPaused(fn), true, 'paused after zero-duration');
  t.match(s.autoscaler.state(fn), { paused: true, current: 1, target: 0, lastDecision: { reason: 'idle-pause' } });
  t.same(s.fx.provider.endpoints(fn), []);

  // A request while paused wakes it by unpausing.
  await s.waker.wake(fn);
  t.equal(s.fx.provider.isPaused(fn), false);
  t.equal(s.fx.provider.endpoints(fn)?.length, 1, 'ready again');
  t.equal(s.fx.provider.calls.filter((c) => c.op === 'unpause').length, 1);

  await s.run(124);
  t.equal(s.fx.provider.isPaused(fn), true, 'paused again after another idle period');
  await s.run(10 * 60);
  t.equal(s.fx.provider.isPaused(fn), false);
  t.equal(await s.replicas(fn), 0, 'removed after zero_remove_after');
  t.match(await s.registry.getSingleMetricAsString('gateway_autoscaler_decisions_total'), /function_name="nap.openfaas-fn",direction="none",reason="idle-remove"\} 1/);
  t.match(s.autoscaler.state(fn), { target: 0, current: 0, lastDecision: { reason: 'at-zero' } });

  await s.run(30);
  t.equal(await s.replicas(fn), 0, 'stays at zero while idle');
  await s.waker.wake(fn);
  t.equal(await s.replicas(fn), 1, 'woken from removed: scaled to max(min,1)');
});

t.test('zero=true: a first replica still starting is not idle; idle time counts from when it is ready', async (t) => {
  let starting = true;
  const s = await setup({}, (status) => ({ ...status, status: starting ? 'starting' : 'ready' }));
  const fn = await s.fx.deploy('slowstart', { 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.zero-duration': '5s' });
  await s.run(20);
  t.equal(s.fx.provider.isPaused(fn), false, 'not paused while its replica starts, though far longer than zero-duration');
  starting = false;
  await s.run(2);
  t.equal(s.fx.provider.isPaused(fn), false, 'not paused right after becoming ready');
  await s.run(4);
  t.equal(s.fx.provider.isPaused(fn), true, 'paused once idle for zero-duration after being ready');
});

t.test('queued jobs wake a function at zero and scale it up without sync traffic', async (t) => {
  const s = await setup();
  const fn = await s.fx.deploy('batch', { 'com.openfaas.scale.type': 'queue', 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.max': '12' });
  await s.fx.provider.scale(fn, 0);
  s.backlog.set('batch.openfaas-fn', 1000);
  await s.run(2);
  t.equal(await s.replicas(fn), 1, 'woken');
  t.match(s.autoscaler.state(fn), { lastDecision: { reason: 'wake' } });
  await s.run(2);
  t.equal(await s.replicas(fn), 12, '1,000 jobs → max');
});

t.test('a follower does not scale', async (t) => {
  const follower: LeaderLease = { ownerId: 'b', hold: async () => false, release: async () => undefined };
  const s = await setup({ lease: follower });
  const fn = await s.fx.deploy('web');
  s.traffic.set(fn, 500);
  t.equal(await s.autoscaler.tick(), 'not-leader');
  await s.run(10);
  t.equal(await s.replicas(fn), 1);
  t.equal(s.autoscaler.isLeader, false);
});

t.test('unreadable metrics skip the tick instead of scaling down', async (t) => {
  const s = await setup({ metricsSource: { kind: 'prometheus', read: async () => { throw new MetricsUnavailableError('unreachable', 'down'); } } });
  const fn = await s.fx.deploy('web');
  await s.fx.provider.scale(fn, 5);
  t.equal(await s.autoscaler.tick(), 'metrics-unavailable');
  await s.run(120);
  t.equal(await s.replicas(fn), 5);
});

t.test('invalid labels on a running function fall back to defaults', async (t) => {
  const s = await setup();
  const fn = await s.fx.deploy('odd', { 'com.openfaas.scale.type': 'cpu' });
  await s.run(4);
  t.match(s.autoscaler.state(fn), { target: 1, lastDecision: { reason: 'steady' } });
});

t.test('start/stop drive ticks on the clock and stop is idempotent', async (t) => {
  const s = await setup();
  const fn = await s.fx.deploy('web', { 'com.openfaas.scale.target': '10', 'com.openfaas.scale.target-proportion': '1' });
  s.autoscaler.start();
  s.autoscaler.start();
  s.traffic.set(fn, 35);
  for (let i = 0; i < 10; i++) {
    s.traffic.advance(2);
    await s.clock.advance(2_000);
  }
  t.equal(await s.replicas(fn), 4);
  await s.autoscaler.stop();
  await s.autoscaler.stop();
  t.equal(s.clock.pendingTimers, 0, 'no timer left behind');
});
