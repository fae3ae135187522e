/**
 * The Prometheus MetricsSource: four instant PromQL queries per tick over the HTTP API (`/api/v1/query`) against
 * the gateway's own metrics, summed over every gateway instance:
 *   rps       sum by (function_name) (rate(gateway_function_invocation_started[W]))
 *   in-flight sum by (function_name) (avg_over_time(gateway_function_inflight[W]))
 * for W = the stable and the panic window. The panic window must span ≥ 2 scrapes or rate() has nothing to
 * work with: with a 1 s scrape the 6 s default is fine. Every failure is mapped once to MetricsUnavailableError.
 */
import { z } from 'zod';
import {
  DEFAULT_METRICS_WINDOWS, MetricsUnavailableError, ZERO_LOAD,
  type FunctionLoadReading, type MetricsSource, type MetricsWindows,
} from './metrics-source.js';

const VectorResponseSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
  }),
});

/** PromQL for the four series; exported so tests and docs show exactly what is asked. */
export function loadQueries(stableWindowMs: number, panicWindowMs: number) {
  const range = (ms: number) => `${Math.max(1, Math.round(ms / 1000))}s`;
  const rps = (ms: number) => `sum by (function_name) (rate(gateway_function_invocation_started[${range(ms)}]))`;
  const inFlight = (ms: number) => `sum by (function_name) (avg_over_time(gateway_function_inflight[${range(ms)}]))`;
  return { rpsStable: rps(stableWindowMs), rpsPanic: rps(panicWindowMs), inFlightStable: inFlight(stableWindowMs), inFlightPanic: inFlight(panicWindowMs) };
}

export interface PrometheusMetricsSourceConfig {
  readonly kind: 'prometheus';
  /** Base URL of Prometheus, e.g. `http://prometheus:9090`. */
  readonly url: string;
  /** Bound on each query. @defaultValue 1 000 */
  readonly timeoutMs?: number;
  readonly windows?: MetricsWindows;
}

export function createPrometheusMetricsSource(config: PrometheusMetricsSourceConfig): MetricsSource {
  const base = config.url.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? 1_000;
  const windows = config.windows ?? DEFAULT_METRICS_WINDOWS;
  const queries = loadQueries(windows.stableWindowMs, windows.panicWindowMs);

  const query = async (promql: string): Promise<Map<string, number>> => {
    const url = `${base}/api/v1/query?query=${encodeURIComponent(promql)}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw timedOut
        ? new MetricsUnavailableError('timeout', `prometheus query exceeded ${timeoutMs}ms`, { cause: err })
        : new MetricsUnavailableError('unreachable', `prometheus at ${base} is unreachable`, { cause: err });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new MetricsUnavailableError('http-status', `prometheus answered ${response.status}`);
    }
    let parsed: z.output<typeof VectorResponseSchema>;
    try {
      parsed = VectorResponseSchema.parse(await response.json());
    } catch (err) {
      throw new MetricsUnavailableError('bad-response', 'prometheus answer is not an instant vector', { cause: err });
    }
    const values = new Map<string, number>();
    for (const sample of parsed.data.result) {
      const fn = sample.metric['function_name'];
      const value = Number(sample.value[1]);
      // NaN appears when a window has a single sample; treat it as "no load measured".
      if (fn !== undefined) values.set(fn, Number.isFinite(value) ? value : 0);
    }
    return values;
  };

  return {
    kind: 'prometheus',
    async read() {
      const [rpsStable, rpsPanic, inFlightStable, inFlightPanic] = await Promise.all([
        query(queries.rpsStable), query(queries.rpsPanic), query(queries.inFlightStable), query(queries.inFlightPanic),
      ]);
      const functions = new Set([...rpsStable.keys(), ...rpsPanic.keys(), ...inFlightStable.keys(), ...inFlightPanic.keys()]);
      const readings = new Map<string, FunctionLoadReading>();
      for (const fn of functions) {
        readings.set(fn, {
          rps: { stable: rpsStable.get(fn) ?? ZERO_LOAD.rps.stable, panic: rpsPanic.get(fn) ?? ZERO_LOAD.rps.panic },
          inFlight: { stable: inFlightStable.get(fn) ?? 0, panic: inFlightPanic.get(fn) ?? 0 },
        });
      }
      return readings;
    },
  };
}
