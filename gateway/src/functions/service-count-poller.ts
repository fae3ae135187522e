/**
 * Every service_count_interval: list functions in every namespace, publish `gateway_service_count` (desired
 * replicas, as the OpenFaaS exporter does) and refresh the labels the invocation path uses, so label
 * changes made outside this gateway's API are picked up too.
 */
import type { Logger } from 'pino';
import { metricName } from '@funtainer/core/names';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { FunctionProvider } from '../provider/provider.js';
import type { FunctionTable } from './function-table.js';

export class ServiceCountPoller {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly provider: FunctionProvider,
    private readonly functions: FunctionTable,
    private readonly metrics: GatewayMetrics,
    private readonly log: Pick<Logger, 'warn'>,
  ) {}

  /** One refresh; concurrent callers share it. */
  poll(): Promise<void> {
    this.#running ??= this.#refresh().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  start(intervalMs: number): void {
    if (this.#timer !== undefined) return;
    void this.poll();
    this.#timer = setInterval(() => void this.poll(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #refresh(): Promise<void> {
    try {
      const counts: Array<[string, number]> = [];
      for (const namespace of await this.provider.namespaces()) {
        const statuses = await this.provider.list(namespace);
        this.functions.applyStatuses(statuses);
        for (const s of statuses) counts.push([metricName({ name: s.name, namespace: s.namespace }), s.replicas]);
      }
      this.metrics.setServiceCounts(counts);
    } catch (error) {
      this.log.warn({ err: error }, 'service count refresh failed');
    }
  }
}
