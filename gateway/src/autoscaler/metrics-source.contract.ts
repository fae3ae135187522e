/**
 * The behaviour every MetricsSource must show, run against the in-process `local` source (unit tests, the
 * autoscaler's stand-in for Prometheus) and the Prometheus source over a real Prometheus
 * (test/autoscale-prometheus.test.ts), so the source the autoscaler's unit tests rely on cannot drift from the
 * one multi-gateway deployments use. Each subject reads the gateway's own metric names from `registry`
 * (directly, or by scraping it), so the contract drives load by moving those metrics.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Test } from 'tap';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LoadReadings, MetricsSource, MetricsSourceKind } from './metrics-source.js';
import { INFLIGHT_METRIC, STARTED_METRIC } from './registry-load-counters.js';

export interface MetricsSourceSubject {
  readonly source: MetricsSource;
  readonly kind: MetricsSourceKind;
  /** The registry the subject's source reads (the gateway's metrics registry). */
  readonly registry: Registry;
  /** Takes the source's backend away (required when the options say it has one). */
  readonly breakBackend?: () => Promise<void>;
}

export interface MetricsSourceContractOptions {
  /** Bound for readings to reflect a change in load (scrape interval + query windows). */
  readonly convergeDeadlineMs: number;
  /** False for an in-process source: there is no backend to lose, so that case is skipped with that reason. */
  readonly hasBackend: boolean;
}

export async function runMetricsSourceContract(
  t: Test,
  name: string,
  make: (t: Test) => Promise<MetricsSourceSubject>,
  options: MetricsSourceContractOptions,
): Promise<void> {
  /**
   * Reads until `accept` holds on two reads in a row (one read can be a sampling artefact of a young series)
   * or the deadline passes; returns the last readings and whether they were accepted.
   */
  const readUntil = async (source: MetricsSource, accept: (r: LoadReadings) => boolean): Promise<{ ok: boolean; readings: LoadReadings }> => {
    const deadline = Date.now() + options.convergeDeadlineMs;
    let readings: LoadReadings = new Map();
    let inARow = 0;
    while (Date.now() < deadline) {
      readings = await source.read();
      inARow = accept(readings) ? inARow + 1 : 0;
      if (inARow === 2) return { ok: true, readings };
      await sleep(500);
    }
    return { ok: false, readings };
  };
  const near = (value: number | undefined, want: number, tolerance: number) => value !== undefined && Math.abs(value - want) <= want * tolerance;

  await t.test(`${name}: per-function rates and in-flight converge, fall when traffic stops, unknown functions stay absent`, async (t) => {
    const subject = await make(t);
    t.equal(subject.source.kind, subject.kind, 'kind names the implementation');
    const started = new Counter({ name: STARTED_METRIC, help: 'started', labelNames: ['function_name'], registers: [subject.registry] });
    const inflight = new Gauge({ name: INFLIGHT_METRIC, help: 'in flight', labelNames: ['function_name'], registers: [subject.registry] });
    // Traffic: fast 40 req/s with 3 in flight, slow 10 req/s with none; 100 ms ticks.
    inflight.set({ function_name: 'fast.openfaas-fn' }, 3);
    inflight.set({ function_name: 'slow.openfaas-fn' }, 0);
    const traffic = setInterval(() => {
      started.inc({ function_name: 'fast.openfaas-fn' }, 4);
      started.inc({ function_name: 'slow.openfaas-fn' }, 1);
    }, 100);
    t.teardown(() => clearInterval(traffic));

    const converged = await readUntil(subject.source, (r) => {
      const fast = r.get('fast.openfaas-fn');
      const slow = r.get('slow.openfaas-fn');
      // A stable (60 s) rate over a younger series only has to be positive and not above the true rate.
      return near(fast?.rps.panic, 40, 0.2) && near(slow?.rps.panic, 10, 0.25) && (fast?.rps.stable ?? 0) > 0 && (fast?.rps.stable ?? 0) <= 50
        && near(fast?.inFlight.panic, 3, 0.01) && slow?.inFlight.panic === 0;
    });
    t.ok(converged.ok, `readings converged: ${JSON.stringify(Object.fromEntries(converged.readings))}`);
    t.notOk(converged.readings.has('never-called.openfaas-fn'), 'a function without metrics has no reading');

    clearInterval(traffic);
    inflight.set({ function_name: 'fast.openfaas-fn' }, 0);
    const quiet = await readUntil(subject.source, (r) => (r.get('fast.openfaas-fn')?.rps.panic ?? 0) < 1 && (r.get('fast.openfaas-fn')?.inFlight.panic ?? 0) < 1);
    t.ok(quiet.ok, `panic-window rate and in-flight fall to ~0 after traffic stops: ${JSON.stringify(Object.fromEntries(quiet.readings))}`);
  });

  const noBackend = options.hasBackend ? false : `${name} reads in-process counters: there is no backend to lose`;
  await t.test(`${name}: a lost backend rejects with MetricsUnavailableError (the autoscaler then skips the tick)`, { skip: noBackend }, async (t) => {
    const subject = await make(t);
    if (subject.breakBackend === undefined) throw new Error(`${name}: hasBackend is set but the subject has no breakBackend()`);
    await subject.source.read();
    await subject.breakBackend();
    await t.rejects(subject.source.read(), { name: 'MetricsUnavailableError' });
  });
}
