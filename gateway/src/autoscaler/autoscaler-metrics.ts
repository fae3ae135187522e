/**
 * Prometheus metrics of the autoscaler and of scale-from-zero, created once on the Registry the gateway passes
 * in (never the global registry: a second gateway built in the same test process would throw on re-register).
 * Components receive the narrow recorder interfaces below, not prom-client types.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ScaleDirection } from './decide.js';
import type { ScalingReason } from './scaling-state.js';

export type ColdStartKind = 'paused' | 'cold';

export interface DecisionRecorder {
  decision(functionName: string, desired: number, direction: ScaleDirection, reason: ScalingReason, panicking: boolean): void;
  /** The function is gone: drop its series so stale gauges do not linger. */
  forget(functionName: string): void;
}

export interface ColdStartRecorder {
  coldStart(functionName: string, kind: ColdStartKind, seconds: number): void;
}

export type AutoscalerMetrics = DecisionRecorder & ColdStartRecorder;

/** Cold starts span ~15 ms (unpause) to tens of seconds (image pull); default buckets stop at 10 s. */
const COLD_START_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createAutoscalerMetrics(registry: Registry): AutoscalerMetrics {
  const desired = new Gauge({
    name: 'gateway_autoscaler_desired_replicas',
    help: 'Replicas the autoscaler last decided for the function',
    labelNames: ['function_name'] as const,
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'gateway_autoscaler_decisions_total',
    help: 'Autoscaler decisions by direction (up, down, none) and reason',
    labelNames: ['function_name', 'direction', 'reason'] as const,
    registers: [registry],
  });
  const panic = new Gauge({
    name: 'gateway_autoscaler_panic',
    help: '1 while the function is in panic mode (scale-up only), else 0',
    labelNames: ['function_name'] as const,
    registers: [registry],
  });
  const coldStarts = new Histogram({
    name: 'gateway_function_cold_start_seconds',
    help: 'Time from a scale-from-zero trigger to the first ready replica; kind=paused (unpause) or cold (container start)',
    labelNames: ['function_name', 'kind'] as const,
    buckets: COLD_START_BUCKETS,
    registers: [registry],
  });

  return {
    decision(functionName, desiredReplicas, direction, reason, panicking) {
      desired.set({ function_name: functionName }, desiredReplicas);
      decisions.inc({ function_name: functionName, direction, reason });
      panic.set({ function_name: functionName }, panicking ? 1 : 0);
    },
    forget(functionName) {
      desired.remove({ function_name: functionName });
      panic.remove({ function_name: functionName });
    },
    coldStart(functionName, kind, seconds) {
      coldStarts.observe({ function_name: functionName, kind }, seconds);
    },
  };
}
