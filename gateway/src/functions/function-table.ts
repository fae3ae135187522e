/**
 * The gateway's view of deployed functions for the invocation path: resolves the name segment of a
 * `/function/<name>` URL to a FunctionRoute synchronously (the provider's endpoints() is in-memory), loads
 * each function's labels once, and follows endpoint changes pushed by the provider.
 */
import type { FunctionStatus } from '@funtainer/core/contracts';
import { metricName, parseQualifiedName, type QualifiedName } from '@funtainer/core/names';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { Endpoint, FunctionProvider } from '../provider/provider.js';
import type { ReplicaPools } from './replica-pools.js';
import { FunctionRoute } from './function-route.js';
import { defaultFunctionSettings, resolveFunctionSettings, type GatewayLimits } from './function-settings.js';

export interface FunctionTableOptions extends GatewayLimits {
  readonly functionNamespace: string;
  readonly maxQueuePerFunction: number;
  /** scale_from_zero_max_waiting: requests parked per function for a replica. @defaultValue 1000 */
  readonly maxWaitingPerFunction?: number | undefined;
}

export class FunctionTable {
  /** By `name.namespace`. */
  readonly #routes = new Map<string, FunctionRoute>();
  /** By the name segment as clients write it (`echo` and `echo.openfaas-fn` both point at one route). */
  readonly #byRawName = new Map<string, FunctionRoute>();
  readonly #unsubscribe: () => void;

  constructor(
    private readonly provider: FunctionProvider,
    private readonly pools: ReplicaPools,
    private readonly metrics: GatewayMetrics,
    private readonly options: FunctionTableOptions,
  ) {
    this.#unsubscribe = provider.onEndpointsChanged((fn, endpoints) => this.#endpointsChanged(fn, endpoints));
  }

  /** The route for a name segment, or undefined when no such function exists. Synchronous. */
  resolve(rawName: string): FunctionRoute | undefined {
    const known = this.#byRawName.get(rawName);
    if (known !== undefined) {
      const endpoints = this.provider.endpoints(known.fn);
      if (endpoints === undefined) {
        this.forget(known.fn);
        return undefined;
      }
      known.syncEndpoints(endpoints);
      return known;
    }
    const fn = parseQualifiedName(rawName, this.options.functionNamespace);
    if (fn === undefined) return undefined;
    const endpoints = this.provider.endpoints(fn);
    if (endpoints === undefined) return undefined;
    const route = this.#routeFor(fn);
    this.#byRawName.set(rawName, route);
    route.syncEndpoints(endpoints);
    return route;
  }

  /** Reads the function's labels (once, shared by concurrent callers) and applies them. */
  loadSettings(route: FunctionRoute): Promise<void> {
    route.settingsLoading ??= this.provider
      .get(route.fn)
      .then((status) => route.applySettings(resolveFunctionSettings(status?.labels, this.options), this.options.maxQueuePerFunction))
      .finally(() => {
        route.settingsLoading = undefined;
      });
    return route.settingsLoading;
  }

  /** After a deploy or update through the API: re-read labels now rather than at the next poll. */
  async refresh(fn: QualifiedName): Promise<void> {
    const route = this.#routes.get(metricName(fn));
    if (route !== undefined) await this.loadSettings(route);
  }

  /** Applies labels from a provider listing (the periodic poll). */
  applyStatuses(statuses: readonly FunctionStatus[]): void {
    for (const status of statuses) {
      const route = this.#routes.get(metricName({ name: status.name, namespace: status.namespace }));
      route?.applySettings(resolveFunctionSettings(status.labels, this.options), this.options.maxQueuePerFunction);
    }
  }

  forget(fn: QualifiedName): void {
    const key = metricName(fn);
    const route = this.#routes.get(key);
    if (route === undefined) return;
    this.#routes.delete(key);
    for (const [raw, r] of this.#byRawName) if (r === route) this.#byRawName.delete(raw);
    route.retire();
  }

  invocationCount(fn: QualifiedName): number {
    return this.#routes.get(metricName(fn))?.invocations ?? 0;
  }

  *functionLoad(): Iterable<readonly [string, number, number]> {
    for (const route of this.#routes.values()) yield [route.label, route.limiter.active, route.limiter.queued] as const;
  }

  close(): void {
    this.#unsubscribe();
  }

  #routeFor(fn: QualifiedName): FunctionRoute {
    const key = metricName(fn);
    let route = this.#routes.get(key);
    if (route === undefined) {
      route = new FunctionRoute(fn, key, defaultFunctionSettings(this.options), this.options.maxQueuePerFunction, this.metrics.forFunction(key), this.pools,
        () => this.provider.startFailure?.(fn), this.options.maxWaitingPerFunction);
      this.#routes.set(key, route);
    }
    return route;
  }

  #endpointsChanged(fn: QualifiedName, endpoints: readonly Endpoint[]): void {
    const route = this.#routes.get(metricName(fn));
    route?.syncEndpoints(endpoints);
    route?.recheckWaiters();
  }
}
