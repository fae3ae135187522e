/**
 * The gateway's Prometheus metrics, under OpenFaaS' names and labels so existing dashboards and alert rules
 * work (docs/openfaas-compat.md §5.1), plus ours. A Registry is passed in (never the global one) so tests can build
 * many gateways. The hot path only adds to plain numbers in FunctionMetrics, and every series, like the gauges
 * that mirror state (in-flight, queue depth), is built when Prometheus scrapes.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { AccumulatedHistogram, type HistogramSeries } from './accumulated-histogram.js';

/** Live per-function numbers read when /metrics is scraped. */
export interface FunctionLoadSource {
  /** [function_name, in-flight requests, queued requests] for every function the gateway has served. */
  functionLoad(): Iterable<readonly [string, number, number]>;
}

type CodeSeries = { count: number; readonly seconds: HistogramSeries };

/**
 * One function's invocation numbers. `started` and `observe` are the per-request calls: plain additions (a
 * prom-client `inc`/`observe` validates and hashes labels each time), turned into series at scrape time.
 */
export class FunctionMetrics {
  readonly #byCode = new Map<number, CodeSeries>();
  #started = 0;

  constructor(
    private readonly seconds: AccumulatedHistogram<'function_name' | 'code'>,
    readonly functionName: string,
  ) {}

  started(): void {
    this.#started++;
  }

  observe(code: number, seconds: number): void {
    let series = this.#byCode.get(code);
    if (series === undefined) {
      series = { count: 0, seconds: this.seconds.series({ function_name: this.functionName, code: String(code) }) };
      this.#byCode.set(code, series);
    }
    series.count++;
    series.seconds.observe(seconds);
  }

  get startedCount(): number {
    return this.#started;
  }

  /** [code, invocations] for every status code seen. */
  *countsByCode(): Iterable<readonly [number, number]> {
    for (const [code, series] of this.#byCode) yield [code, series.count];
  }
}

export class GatewayMetrics {
  readonly serviceCount: Gauge<'function_name'>;
  readonly #functionSeconds: AccumulatedHistogram<'function_name' | 'code'>;
  /** One entry per function name for the gateway's life, so a re-created route keeps counting up. */
  readonly #functions = new Map<string, FunctionMetrics>();

  constructor(
    readonly registry: Registry,
    load: FunctionLoadSource,
  ) {
    const registers = [registry];
    const functions = this.#functions;
    new Counter({
      name: 'gateway_function_invocation_total',
      help: 'Function invocations by function and HTTP status',
      labelNames: ['function_name', 'code'],
      registers,
      collect() {
        this.reset();
        for (const fn of functions.values()) {
          for (const [code, count] of fn.countsByCode()) this.inc({ function_name: fn.functionName, code: String(code) }, count);
        }
      },
    });
    this.#functionSeconds = new AccumulatedHistogram({
      name: 'gateway_functions_seconds',
      help: 'Function invocation time taken, from dispatch to the last response byte',
      labelNames: ['function_name', 'code'],
      registers,
    });
    // OpenFaaS exports this counter without the _total suffix; prom-client keeps the name as given.
    new Counter({
      name: 'gateway_function_invocation_started',
      help: 'Function invocations started',
      labelNames: ['function_name'],
      registers,
      collect() {
        this.reset();
        for (const fn of functions.values()) this.inc({ function_name: fn.functionName }, fn.startedCount);
      },
    });
    this.serviceCount = new Gauge({
      name: 'gateway_service_count',
      help: 'Desired replicas per function',
      labelNames: ['function_name'],
      registers,
    });
    new Gauge({
      name: 'gateway_function_inflight',
      help: 'Requests currently being served by a function replica, per function',
      labelNames: ['function_name'],
      registers,
      collect() {
        this.reset();
        for (const [name, inFlight] of load.functionLoad()) this.set({ function_name: name }, inFlight);
      },
    });
    new Gauge({
      name: 'gateway_function_queue_depth',
      help: 'Requests waiting for a concurrency slot, per function',
      labelNames: ['function_name'],
      registers,
      collect() {
        this.reset();
        for (const [name, , queued] of load.functionLoad()) this.set({ function_name: name }, queued);
      },
    });
  }

  forFunction(functionName: string): FunctionMetrics {
    let metrics = this.#functions.get(functionName);
    if (metrics === undefined) {
      metrics = new FunctionMetrics(this.#functionSeconds, functionName);
      this.#functions.set(functionName, metrics);
    }
    return metrics;
  }

  /** Replaces every gateway_service_count series (functions removed since the last refresh disappear). */
  setServiceCounts(counts: Iterable<readonly [string, number]>): void {
    this.serviceCount.reset();
    for (const [name, replicas] of counts) this.serviceCount.set({ function_name: name }, replicas);
  }
}
