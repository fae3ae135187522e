/**
 * The autoscaler's `MetricsSource` seam: what a load reading is and the one error a source rejects with.
 * Implementations (`prometheus-metrics-source.ts`, `local-metrics-source.ts`) depend on this file and the
 * exhaustive switch that picks one lives in `create-metrics-source.ts`, so nothing here imports them back.
 */
import type { WindowedLoad } from './decide.js';

/** Load of one function over the stable and panic windows. */
export interface FunctionLoadReading {
  /** Requests started per second. */
  readonly rps: WindowedLoad;
  /** Concurrent requests in flight (average). */
  readonly inFlight: WindowedLoad;
}

/** Readings keyed by `name.namespace` (the `function_name` label); a missing function had no load. */
export type LoadReadings = ReadonlyMap<string, FunctionLoadReading>;

export type MetricsSourceKind = 'prometheus' | 'local';

export interface MetricsSource {
  readonly kind: MetricsSourceKind;
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
