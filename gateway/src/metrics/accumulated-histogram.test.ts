import t from 'tap';
import { Histogram, Registry } from 'prom-client';
import { AccumulatedHistogram } from './accumulated-histogram.js';
import { GatewayMetrics } from './gateway-metrics.js';

const observations: Array<[string, string, number]> = [
  ['echo.openfaas-fn', '200', 0.0004],
  ['echo.openfaas-fn', '200', 0.005], // exactly on a bound: counted in that bucket (le is inclusive)
  ['echo.openfaas-fn', '200', 0.3],
  ['echo.openfaas-fn', '502', 12], // above every bound: only in +Inf
  ['other.team-a', '200', 1],
];

t.test('the exposition is what prom-client writes for the same observations', async (t) => {
  const theirs = new Registry();
  const reference = new Histogram({ name: 'gateway_functions_seconds', help: 'h', labelNames: ['function_name', 'code'], registers: [theirs] });
  const ours = new Registry();
  const accumulated = new AccumulatedHistogram({ name: 'gateway_functions_seconds', help: 'h', labelNames: ['function_name', 'code'], registers: [ours] });
  for (const [fn, code, v] of observations) {
    reference.observe({ function_name: fn, code }, v);
    accumulated.series({ function_name: fn, code }).observe(v);
  }
  t.equal(await ours.metrics(), await theirs.metrics());
  // The JSON form too (cluster aggregation reads it); prom-client adds `exemplar: null`, which says nothing.
  const points = async (r: Registry) => (await r.getMetricsAsJSON()).flatMap((m) => m.values.map((v) => ({ name: (v as { metricName?: string }).metricName, labels: v.labels, value: v.value })));
  t.same(await points(ours), await points(theirs), 'same points in JSON');
  accumulated.series({ function_name: 'echo.openfaas-fn', code: '200' }).observe(Number.NaN);
  t.equal(await ours.metrics(), await theirs.metrics(), 'a non-finite value is not counted');
  accumulated.reset();
  t.notMatch(await ours.metrics(), /echo/, 'reset drops every series');
});

t.test('per-function counters: one accumulator per name, so a re-created route keeps counting up', async (t) => {
  const registry = new Registry();
  const metrics = new GatewayMetrics(registry, { functionLoad: () => [] });
  const first = metrics.forFunction('echo.openfaas-fn');
  first.started();
  first.observe(200, 0.01);
  const again = metrics.forFunction('echo.openfaas-fn');
  t.equal(again, first);
  again.started();
  again.observe(200, 0.02);
  again.observe(503, 0.03);
  const text = await registry.metrics();
  t.match(text, 'gateway_function_invocation_started{function_name="echo.openfaas-fn"} 2');
  t.match(text, 'gateway_function_invocation_total{function_name="echo.openfaas-fn",code="200"} 2');
  t.match(text, 'gateway_function_invocation_total{function_name="echo.openfaas-fn",code="503"} 1');
  t.match(text, 'gateway_functions_seconds_count{function_name="echo.openfaas-fn",code="200"} 2');
  t.equal(await registry.metrics(), text, 'a second scrape reads the same totals (collect resets before it adds)');
});
