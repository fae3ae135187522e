/**
 * The gateway's Prometheus metrics, under OpenFaaS' names and labels so existing dashboards and alert rules
 * work (docs/openfaas-compat.md §5.1), plus ours. A Registry is passed in (never the global one) so tests can build
 * many gateways. The hot path only touches pre-resolved label children through FunctionMetrics; gauges
 * that mirror state (in-flight, queue depth) are read at scrape time instead of being updated per request.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Live per-function numbers read when /metrics is scraped. */
export interface FunctionLoadSource {
  /** [function_name, in-flight requests, queued requests] for every function the gateway has served. */
  functionLoad(): Iterable<readonly [string, number, number]>;
}

type CodeChildren = { readonly count: Counter.Internal; readonly seconds: Histogram.Internal<string> };

/** Metric children of one function; `observe` is the only per-request call. */
export class FunctionMetrics {
  readonly #byCode = new Map<number, CodeChildren>();
  readonly #started: Counter.Internal;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly functionName: string,
  ) {
    this.#started = metrics.invocationStarted.labels(functionName);
  }

  started(): void {
    this.#started.inc();
  }

  observe(code: number, seconds: number): void {
    let children = this.#byCode.get(code);
    if (children === undefined) {
      const label = String(code);
      children = {
        count: this.metrics.invocationTotal.labels(this.functionName, label),
        seconds: this.metrics.functionSeconds.labels(this.functionName, label),
      };
      this.#byCode.set(code, children);
    }
    children.count.inc();
    children.seconds.observe(seconds);
  }
}

export class GatewayMetrics {
  readonly invocationTotal: Counter<'function_name' | 'code'>;
  readonly functionSeconds: Histogram<'function_name' | 'code'>;
  readonly invocationStarted: Counter<'function_name'>;
  readonly serviceCount: Gauge<'function_name'>;

  constructor(
    readonly registry: Registry,
    load: FunctionLoadSource,
  ) {
    const registers = [registry];
    this.invocationTotal = new Counter({
      name: 'gateway_function_invocation_total',
      help: 'Function invocations by function and HTTP status',
      labelNames: ['function_name', 'code'],
      registers,
    });
    this.functionSeconds = new Histogram({
      name: 'gateway_functions_seconds',
      help: 'Function invocation time taken, from dispatch to the last response byte',
      labelNames: ['function_name', 'code'],
      registers,
    });
    // OpenFaaS exports this counter without the _total suffix; prom-client keeps the name as given.
    this.invocationStarted = new Counter({
      name: 'gateway_function_invocation_started',
      help: 'Function invocations started',
      labelNames: ['function_name'],
      registers,
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
    return new FunctionMetrics(this, functionName);
  }

  /** Replaces every gateway_service_count series (functions removed since the last refresh disappear). */
  setServiceCounts(counts: Iterable<readonly [string, number]>): void {
    this.serviceCount.reset();
    for (const [name, replicas] of counts) this.serviceCount.set({ function_name: name }, replicas);
  }
}
