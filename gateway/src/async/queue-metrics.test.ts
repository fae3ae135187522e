import t from 'tap';
import { Registry } from 'prom-client';
import { createMemoryQueuer } from '../testing/memory-queuer.js';
import { registerQueueMetrics } from './queue-metrics.js';
import { queueRequest } from './queuer.contract.js';

t.test('gauges per function and state, histogram and retries from finished calls', async (t) => {
  const registry = new Registry();
  const queuer = createMemoryQueuer();
  const off = registerQueueMetrics(registry, queuer);
  t.teardown(off);
  await queuer.enqueue(queueRequest('m-1', 'alpha'));
  await queuer.enqueue(queueRequest('m-2', 'alpha'));
  await queuer.take();
  await queuer.complete('m-1', { statusCode: 200, headers: {}, body: '', bodyTruncated: false });
  const text = await registry.metrics();
  t.match(text, /funtainer_async_jobs\{function_name="alpha.openfaas-fn",state="waiting"\} 1/);
  t.match(text, /funtainer_async_job_duration_seconds_count\{function_name="alpha.openfaas-fn",outcome="succeeded"\} 1/);
});

t.test('a scrape while the queue is unavailable reports no queue gauges instead of failing', async (t) => {
  const registry = new Registry();
  const queuer = createMemoryQueuer();
  registerQueueMetrics(registry, queuer);
  queuer.setAvailable(false);
  t.notMatch(await registry.metrics(), /funtainer_async_jobs\{/);
});
