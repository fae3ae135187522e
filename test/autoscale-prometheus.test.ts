/**
 * The Prometheus metrics source against a real Prometheus passes the MetricsSource contract (the same suite
 * the in-process source passes in gateway/src/autoscaler/metrics-source.test.ts): a port-0 server exposes a
 * prom-client registry with the gateway's metric names, Prometheus scrapes it every second, and the contract
 * drives known rates through it.
 */
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createMetricsSource } from '@funtainer/gateway/autoscaler/create-metrics-source';
import { runMetricsSourceContract } from '@funtainer/gateway/autoscaler/metrics-source.contract';
import { prometheusUnavailableReason, startPrometheus } from './helpers/prometheus.js';

const skip = prometheusUnavailableReason();
if (skip) console.log(`# SKIP autoscale-prometheus: ${skip}`);

t.test('prometheus source over a real Prometheus', { skip: skip ?? false, timeout: 180_000 }, async (t) => {
  await runMetricsSourceContract(
    t,
    'prometheus',
    async (t) => {
      const registry = new Registry();
      const server = createServer((_req, res) => {
        void registry.metrics().then((text) => {
          res.setHeader('content-type', registry.contentType);
          res.end(text);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
      const prometheus = await startPrometheus({ targets: [`127.0.0.1:${(server.address() as AddressInfo).port}`], scrapeIntervalS: 1 });
      t.teardown(() => prometheus.stop());
      return {
        kind: 'prometheus',
        registry,
        source: createMetricsSource({ kind: 'prometheus', url: prometheus.url, timeoutMs: 2_000 }),
        breakBackend: () => prometheus.stop(),
      };
    },
    { convergeDeadlineMs: 30_000, hasBackend: true },
  );
});
