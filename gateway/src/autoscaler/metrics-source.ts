/**
 * Where the autoscaler reads load from. One interface, two implementations chosen by one exhaustive switch:
 * - `prometheus`: PromQL over the gateway's own metrics (every gateway instance summed; needed with >1 gateway);
 * - `local`: this gateway's in-process counters sampled each tick (the default without Prometheus).
 */
import type { Clock } from './clock.js';
import type { WindowedLoad } from './decide.js';
import { createLocalMetricsSource, type LocalLoadCounters } from './local-metrics-source.js';
import { createPrometheusMetricsSource } from './prometheus-metrics-source.js';

/** Load of one function over the stable and panic windows. */
export interface FunctionLoadReading {
  /** Requests started per second. */
  readonly rps: WindowedLoad;
  /** Concurrent requests in flight (average). */
  readonly inFlight: WindowedLoad;
}

/** Readings keyed by `name.namespace` (the `function_name` label); a missing function had no load. */
export type LoadReadings = ReadonlyMap<string, FunctionLoadReading>;

export interface MetricsSource {
  readonly kind: MetricsSourceConfig['kind'];
  /** One reading per tick. Rejects with MetricsUnavailableError; the autoscaler then skips the tick. */
  read(): Promise<LoadReadings>;
}

export interface MetricsWindows {
  /** @defaultValue 60 000 */
  readonly stableWindowMs: number;
  /** @defaultValue 6 000 (10% of stable, Knative) */
  readonly panicWindowMs: number;
}

export const DEFAULT_METRICS_WINDOWS: MetricsWindows = Object.freeze({ stableWindowMs: 60_000, panicWindowMs: 6_000 });

export type MetricsSourceConfig =
  | {
      readonly kind: 'prometheus';
      /** Base URL of Prometheus, e.g. `http://prometheus:9090`. */
      readonly url: string;
      /** Bound on each query. @defaultValue 1 000 */
      readonly timeoutMs?: number;
      readonly windows?: MetricsWindows;
    }
  | {
      readonly kind: 'local';
      readonly counters: LocalLoadCounters;
      readonly clock?: Clock;
      readonly windows?: MetricsWindows;
      /** Samples kept per function; must cover the stable window at the tick rate. @defaultValue 128 */
      readonly samplesPerFunction?: number;
    };

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

export type MetricsUnavailableReason = 'timeout' | 'unreachable' | 'http-status' | 'bad-response';

/** The one error a MetricsSource rejects with; internal (logged, never sent to clients). */
export class MetricsUnavailableError extends Error {
  readonly reason: MetricsUnavailableReason;
  constructor(reason: MetricsUnavailableReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MetricsUnavailableError';
    this.reason = reason;
  }
}

export const ZERO_LOAD: FunctionLoadReading = Object.freeze({
  rps: Object.freeze({ stable: 0, panic: 0 }),
  inFlight: Object.freeze({ stable: 0, panic: 0 }),
});

function assertNever(value: never): never {
  throw new Error(`unknown metrics source ${JSON.stringify(value)}`);
}
