/**
 * Where the autoscaler reads load from: one exhaustive switch over the two `MetricsSource` implementations.
 * - `prometheus`: PromQL over the gateway's own metrics (every gateway instance summed; needed with >1 gateway);
 * - `local`: this gateway's in-process counters sampled each tick (the default without Prometheus).
 */
import { createLocalMetricsSource, type LocalMetricsSourceConfig } from './local-metrics-source.js';
import type { MetricsSource } from './metrics-source.js';
import { createPrometheusMetricsSource, type PrometheusMetricsSourceConfig } from './prometheus-metrics-source.js';

export type MetricsSourceConfig = PrometheusMetricsSourceConfig | LocalMetricsSourceConfig;

export function createMetricsSource(config: MetricsSourceConfig): MetricsSource {
  switch (config.kind) {
    case 'prometheus':
      return createPrometheusMetricsSource(config);
    case 'local':
      return createLocalMetricsSource(config);
    default:
      return assertNever(config);
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown metrics source ${JSON.stringify(value)}`);
}
