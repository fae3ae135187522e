/**
 * Async queue metrics on the gateway's prom-client Registry (passed in; never the global one):
 * gauges read at scrape time from `queuer.counts()`, a duration histogram and a retries counter fed by
 * finished-call notifications. Returns an unsubscribe for shutdown.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { JobCounts, RequestQueuer } from './request-queuer.js';

const STATES: ReadonlyArray<keyof JobCounts> = ['waiting', 'active', 'delayed', 'failed'];

export function registerQueueMetrics(registry: Registry, queuer: RequestQueuer): () => void {
  new Gauge({
    name: 'funtainer_async_jobs',
    help: 'Async calls in the queue by function and state (waiting, active, delayed, failed = dead-letter)',
    labelNames: ['function_name', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      // A scrape while Redis is down reports nothing rather than failing the whole /metrics response.
      const counts = await queuer.counts().catch(() => undefined);
      if (!counts) return;
      for (const [fn, byState] of counts.byFunction) {
        for (const state of STATES) this.set({ function_name: fn, state }, byState[state]);
      }
    },
  });
  const duration = new Histogram({
    name: 'funtainer_async_job_duration_seconds',
    help: 'Enqueue to final outcome of async calls, including retries and waits',
    labelNames: ['function_name', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'funtainer_async_job_retries_total',
    help: 'Attempts beyond the first made for finished async calls',
    labelNames: ['function_name'],
    registers: [registry],
  });
  return queuer.onFinished((call) => {
    duration.observe({ function_name: call.function, outcome: call.outcome }, call.durationMs / 1000);
    if (call.attempts > 1) retries.inc({ function_name: call.function }, call.attempts - 1);
  });
}
