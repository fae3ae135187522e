/**
 * The Prometheus metrics source against a real Prometheus: a port-0 server exposes a prom-client registry with
 * the gateway's metric names, driven by the test at known rates; Prometheus scrapes it every second; the source
 * must read the expected req/s and in-flight per function within a deadline.
 */
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, Registry } from 'prom-client';
import { createMetricsSource } from '@funtainer/gateway/autoscaler/create-metrics-source';
import type { LoadReadings } from '@funtainer/gateway/autoscaler/metrics-source';
import { prometheusUnavailableReason, startPrometheus } from './helpers/prometheus.js';

const skip = prometheusUnavailableReason();
if (skip) console.log(`# SKIP autoscale-prometheus: ${skip}`);

t.test('prometheus source reads per-function rps and in-flight from a real Prometheus', { skip: skip ?? false, timeout: 90_000 }, async (t) => {
  const registry = new Registry();
  const started = new Counter({ name: 'gateway_function_invocation_started', help: 'started', labelNames: ['function_name'], registers: [registry] });
  const inflight = new Gauge({ name: 'gateway_function_inflight', help: 'in flight', labelNames: ['function_name'], registers: [registry] });
  const server = createServer((_req, res) => {
    void registry.metrics().then((text) => {
      res.setHeader('content-type', registry.contentType);
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Traffic: fast 40 req/s with 3 in flight, slow 10 req/s with none; ticks every 100 ms.
  inflight.set({ function_name: 'fast.openfaas-fn' }, 3);
  inflight.set({ function_name: 'slow.openfaas-fn' }, 0);
  const traffic = setInterval(() => {
    started.inc({ function_name: 'fast.openfaas-fn' }, 4);
    started.inc({ function_name: 'slow.openfaas-fn' }, 1);
  }, 100);
  t.teardown(() => clearInterval(traffic));

  const prometheus = await startPrometheus({ targets: [target], scrapeIntervalS: 1 });
  t.teardown(() => prometheus.stop());
  const source = createMetricsSource({ kind: 'prometheus', url: prometheus.url, timeoutMs: 2_000 });
  t.equal(source.kind, 'prometheus');

  const near = (value: number | undefined, want: number, tolerance: number) => value !== undefined && Math.abs(value - want) <= want * tolerance;
  const deadline = Date.now() + 30_000;
  let readings: LoadReadings = new Map();
  let ok = false;
  while (Date.now() < deadline) {
    readings = await source.read();
    const fast = readings.get('fast.openfaas-fn');
    const slow = readings.get('slow.openfaas-fn');
    // The 60 s stable rate of a series younger than 60 s is increase/60 s (Prometheus does not extrapolate
    // over the missing part), so it only has to be positive and not above the true rate here.
    ok = near(fast?.rps.panic, 40, 0.15) && near(slow?.rps.panic, 10, 0.2) && (fast?.rps.stable ?? 0) > 0 && (fast?.rps.stable ?? 0) <= 40 * 1.25
      && near(fast?.inFlight.panic, 3, 0.01) && near(fast?.inFlight.stable, 3, 0.01) && slow?.inFlight.panic === 0;
    if (ok) break;
    await sleep(500);
  }
  t.ok(ok, `readings converged: ${JSON.stringify(Object.fromEntries(readings))}\n${prometheus.logTail()}`);

  // A function whose traffic stops reads ~0 req/s in the panic window within a few scrapes.
  clearInterval(traffic);
  const quietBy = Date.now() + 15_000;
  let quiet = false;
  while (Date.now() < quietBy && !quiet) {
    await sleep(500);
    quiet = ((await source.read()).get('fast.openfaas-fn')?.rps.panic ?? 0) < 1;
  }
  t.ok(quiet, 'panic-window rate falls to ~0 after traffic stops');

  // The source maps a stopped Prometheus to MetricsUnavailableError.
  await prometheus.stop();
  await t.rejects(source.read(), { name: 'MetricsUnavailableError' });
});
