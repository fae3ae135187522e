/**
 * LocalLoadCounters read straight from the gateway's prom-client Registry, by the OpenFaaS metric names the
 * invocation path already maintains (`gateway_function_invocation_started`, `gateway_function_inflight`). This
 * keeps the local metrics source free of any dependency on the proxy's internals: the metric names are the
 * contract. Missing metrics read as no load.
 */
import type { Registry } from 'prom-client';
import type { LocalLoadCounters } from './local-metrics-source.js';

export const STARTED_METRIC = 'gateway_function_invocation_started';
export const INFLIGHT_METRIC = 'gateway_function_inflight';

export function registryLoadCounters(registry: Registry): LocalLoadCounters {
  return {
    async snapshot() {
      const totals = new Map<string, { requestsTotal: number; inFlight: number }>();
      const entry = (fn: string) => {
        let value = totals.get(fn);
        if (!value) totals.set(fn, (value = { requestsTotal: 0, inFlight: 0 }));
        return value;
      };
      const started = await registry.getSingleMetric(STARTED_METRIC)?.get();
      for (const sample of started?.values ?? []) {
        const fn = sample.labels['function_name'];
        if (typeof fn === 'string') entry(fn).requestsTotal += sample.value;
      }
      const inFlight = await registry.getSingleMetric(INFLIGHT_METRIC)?.get();
      for (const sample of inFlight?.values ?? []) {
        const fn = sample.labels['function_name'];
        if (typeof fn === 'string') entry(fn).inFlight += sample.value;
      }
      return totals;
    },
  };
}
