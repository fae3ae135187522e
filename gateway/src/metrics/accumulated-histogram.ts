/**
 * A prom-client Histogram fed from plain per-series accumulators. prom-client validates and hashes the label
 * set on every `observe`, even through a `labels()` child (about 1 µs a call, measured in the proxy's CPU
 * profile); the invocation path observes once per request, so it records into a HistogramSeries (a few
 * additions) and the exposition is built from the series when Prometheus scrapes. Output is the same text
 * prom-client's own Histogram writes for the same observations (accumulated-histogram.test.ts compares them).
 */
import { Histogram, type Registry } from 'prom-client';

/** prom-client's default buckets (seconds), kept so OpenFaaS dashboards' `le` values stay the same. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One label set's numbers; `observe` is the hot-path call. */
export class HistogramSeries {
  count = 0;
  sum = 0;
  /** Non-cumulative count per upper bound (the last slot: above every bound, i.e. only in +Inf). */
  readonly counts: Float64Array;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    this.count++;
    this.sum += value;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
  }
}

interface ExportedValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

type Exported<T extends string> = Awaited<ReturnType<Histogram<T>['get']>>;

export interface AccumulatedHistogramConfig<T extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly T[];
  readonly registers: Registry[];
  readonly buckets?: readonly number[];
}

export class AccumulatedHistogram<T extends string> extends Histogram<T> {
  readonly #name: string;
  readonly #help: string;
  readonly #bounds: readonly number[];
  // Not a #private field: prom-client's constructor calls reset() before subclass fields exist.
  private readonly bySeries = new Map<string, { labels: Readonly<Record<T, string>>; series: HistogramSeries }>();

  constructor(config: AccumulatedHistogramConfig<T>) {
    const bounds = [...(config.buckets ?? DEFAULT_BUCKETS)];
    super({ name: config.name, help: config.help, labelNames: [...config.labelNames], buckets: bounds, registers: config.registers });
    this.#name = config.name;
    this.#help = config.help;
    this.#bounds = bounds;
  }

  /** The series for one label set, created on first use; keep it and call `observe` on it. */
  series(labels: Readonly<Record<T, string>>): HistogramSeries {
    const key = JSON.stringify(labels);
    let entry = this.bySeries.get(key);
    if (entry === undefined) {
      entry = { labels: { ...labels }, series: new HistogramSeries(this.#bounds) };
      this.bySeries.set(key, entry);
    }
    return entry.series;
  }

  override reset(): void {
    (this.bySeries as typeof this.bySeries | undefined)?.clear();
  }

  override async get(): Promise<Exported<T>> {
    const name = this.#name;
    const values: ExportedValue[] = [];
    for (const { labels, series } of this.bySeries.values()) {
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += series.counts[i] as number;
        values.push({ labels: { le, ...labels }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...labels }, value: series.count, metricName: `${name}_bucket` });
      values.push({ labels: { ...labels }, value: series.sum, metricName: `${name}_sum` });
      values.push({ labels: { ...labels }, value: series.count, metricName: `${name}_count` });
    }
    // The runtime shape prom-client's own metrics return (its typings declare `type` as an enum it never uses).
    return { name, help: this.#help, type: 'histogram', values, aggregator: 'sum' } as unknown as Exported<T>;
  }

  /** The Registry prefers this over `get()` when a metric has it, as prom-client's Histogram does. */
  async getForPromString(): Promise<Exported<T>> {
    return this.get();
  }
}
