import t from 'tap';
import { Counter, Gauge, Registry } from 'prom-client';
import { loadAutoscalingConfig } from './autoscaling-config.js';
import { createAutoscaling } from './autoscaling.js';
import { ManualClock } from './clock.js';
import { createMemoryFixture } from '../testing/memory-fixtures.js';

t.test('config: defaults, auto source, every problem listed', async (t) => {
  const defaults = loadAutoscalingConfig({});
  t.match(defaults, { enabled: true, intervalMs: 2000, metricsSource: 'local', zeroRemoveAfterMs: 1_800_000, leaseTtlMs: 10_000 });
  t.equal(loadAutoscalingConfig({ prometheus_url: 'http://prometheus:9090' }).metricsSource, 'prometheus');
  t.equal(loadAutoscalingConfig({ prometheus_url: 'http://p:9090', autoscaler_metrics_source: 'local' }).metricsSource, 'local');
  t.throws(() => loadAutoscalingConfig({ autoscaler_metrics_source: 'prometheus' }), /prometheus_url/);
  t.throws(() => loadAutoscalingConfig({ prometheus_url: 'not a url', autoscaler_interval: 'soon' }), /prometheus_url[\s\S]*autoscaler_interval|autoscaler_interval[\s\S]*prometheus_url/);
  t.throws(() => loadAutoscalingConfig({ autoscaler_panic_window: '2m' }), /autoscaler_panic_window/);
  t.throws(() => loadAutoscalingConfig({ autoscaler_lease_ttl: '3s' }), /autoscaler_lease_ttl/);
});

t.test('composition: local source reads the gateway registry and the loop scales', async (t) => {
  const fx = createMemoryFixture();
  const fn = await fx.deploy('web', { 'com.openfaas.scale.target': '10', 'com.openfaas.scale.target-proportion': '1' });
  const registry = new Registry();
  // What the gateway's metrics module registers (names are the contract).
  const started = new Counter({ name: 'gateway_function_invocation_started', help: 'h', labelNames: ['function_name'], registers: [registry] });
  new Gauge({ name: 'gateway_function_inflight', help: 'h', labelNames: ['function_name'], registers: [registry] });
  const clock = new ManualClock(0);
  const scaling = createAutoscaling({ config: loadAutoscalingConfig({}), provider: { ...fx.provider, list: (ns) => fx.engine.list(ns), namespaces: () => fx.engine.namespaces() }, registry, clock });
  t.teardown(() => scaling.close());
  t.equal(scaling.metricsSource.kind, 'local');
  t.equal(scaling.alertRoutesOptions.provider.get, fx.provider.get);
  scaling.start();
  for (let i = 0; i < 10; i++) {
    started.inc({ function_name: 'web.openfaas-fn' }, 50);
    await clock.advance(2_000);
  }
  t.equal((await fx.provider.get(fn))?.replicas, 3, '25 req/s at 10 per replica → 3');
  t.match(await registry.metrics(), /gateway_autoscaler_desired_replicas\{function_name="web.openfaas-fn"\} 3/);
  await scaling.close();
  await scaling.close();
});
