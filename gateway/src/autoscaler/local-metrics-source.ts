/**
 * The in-process MetricsSource: each `read()` samples the gateway's own counters into one LoadRing per function
 * and derives 60 s / 6 s request rates and in-flight averages. Needs no Prometheus, but sees only this
 * gateway's traffic, so it is right for a single gateway (use `prometheus` when several share the load).
 */
import { systemClock, type Clock } from './clock.js';
import { LoadRing } from './load-ring.js';
import { DEFAULT_METRICS_WINDOWS, type FunctionLoadReading, type MetricsSource, type MetricsWindows } from './metrics-source.js';

export type LoadCounterSnapshot = ReadonlyMap<string, { readonly requestsTotal: number; readonly inFlight: number }>;

/**
 * What the gateway exposes: running totals per function (`name.namespace`). `registryLoadCounters(registry)`
 * implements it over the gateway's metrics; may be async because prom-client reads are.
 */
export interface LocalLoadCounters {
  snapshot(): LoadCounterSnapshot | Promise<LoadCounterSnapshot>;
}

export interface LocalMetricsSourceConfig {
  readonly kind: 'local';
  readonly counters: LocalLoadCounters;
  readonly clock?: Clock;
  readonly windows?: MetricsWindows;
  /** Samples kept per function; must cover the stable window at the tick rate. @defaultValue 128 */
  readonly samplesPerFunction?: number;
}

export function createLocalMetricsSource(config: LocalMetricsSourceConfig): MetricsSource {
  const clock = config.clock ?? systemClock;
  const windows = config.windows ?? DEFAULT_METRICS_WINDOWS;
  const capacity = config.samplesPerFunction ?? 128;
  const rings = new Map<string, LoadRing>();

  return {
    kind: 'local',
    async read() {
      const nowMs = clock.now();
      const snapshot = await config.counters.snapshot();
      // Functions that left the snapshot (removed) lose their history, which bounds the map.
      for (const fn of rings.keys()) if (!snapshot.has(fn)) rings.delete(fn);
      const readings = new Map<string, FunctionLoadReading>();
      for (const [fn, counters] of snapshot) {
        const ring = rings.get(fn) ?? new LoadRing(capacity);
        rings.set(fn, ring);
        ring.push({ atMs: nowMs, requestsTotal: counters.requestsTotal, inFlight: counters.inFlight });
        readings.set(fn, {
          rps: { stable: ring.ratePerSecond(windows.stableWindowMs), panic: ring.ratePerSecond(windows.panicWindowMs) },
          inFlight: { stable: ring.averageInFlight(windows.stableWindowMs), panic: ring.averageInFlight(windows.panicWindowMs) },
        });
      }
      return readings;
    },
  };
}
