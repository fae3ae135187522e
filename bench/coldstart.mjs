#!/usr/bin/env node
/**
 * Cold-start and scale-up benchmark through the real gateway + Docker provider + autoscaling.
 *
 *   node bench/coldstart.mjs [--tries 20] [--skip-reaction]
 *
 * In one run (the machine is noisy: compare only ratios taken together):
 *   1. from removed: function scaled to 0, then one request → 200 (kind=cold), p50/p99 over N tries (interleaved
 *      with step 3, alternating which goes first);
 *   2. from paused:  replicas paused, then one request → 200 (kind=paused); needs a provider with pause/unpause,
 *      otherwise reported as skipped;
 *   3. raw Docker:   create + start + inspect (IP) + first HTTP 200 of the same image through the Docker API
 *      (dockerode, the client the provider uses, with the provider's own create options), same N tries;
 *   4. scale-up reaction with the Prometheus source at a 1 s scrape: load step → second replica serving.
 * Targets: removed ≤ 1.2 × raw; paused ≤ 0.15 × removed; reaction ≤ 10 s. Needs: npm run build, Docker,
 * /usr/bin/prometheus (step 4). Both cold-start sides poll for the first 200 at the same pace and pay the same
 * engine API costs, so the ratio measures what the gateway, waker and provider add. Results: printed and written
 * to bench/results/coldstart-<time>.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { buildGateway } from '@funtainer/gateway/app';
import { loadConfig } from '@funtainer/gateway/config';
import { DockerProvider } from '@funtainer/gateway/provider/docker/docker-provider';
import { buildContainerCreateOptions } from '@funtainer/gateway/provider/docker/container-spec';
import Docker from 'dockerode';
import { createAutoscaling } from '@funtainer/gateway/autoscaler/autoscaling';
import { loadAutoscalingConfig } from '@funtainer/gateway/autoscaler/autoscaling-config';
import { isPausableProvider } from '@funtainer/gateway/provider/pausable-provider';
import { createDockerTestRun, dockerUnavailableReason, ensureEchoImage } from '../test/dist/helpers/docker.js';
import { prometheusUnavailableReason, startPrometheus } from '../test/dist/helpers/prometheus.js';

const args = process.argv.slice(2);
const TRIES = Number(args[args.indexOf('--tries') + 1] ?? 0) || 20;
const SKIP_REACTION = args.includes('--skip-reaction');
const DEADLINE_MS = 60_000;
/** The provider's default readiness poll; the raw side polls at the same pace. */
const READY_POLL_MS = 15;

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const summary = (values) => values.length === 0 ? null : { n: values.length, p50: round(percentile(values, 50)), p99: round(percentile(values, 99)) };
const round = (ms) => Math.round(ms * 10) / 10;

async function until(probe, what, deadlineMs = DEADLINE_MS, intervalMs = 5) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

async function get200(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(DEADLINE_MS) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function main() {
  const skip = await dockerUnavailableReason();
  if (skip) throw new Error(skip);
  const image = await ensureEchoImage();
  const run = await createDockerTestRun();
  const results = { tries: TRIES, image, startedAt: new Date().toISOString() };
  let prometheus;
  let gateway;
  let scaling;
  let provider;
  const deployed = [];
  try {
    provider = await DockerProvider.create({
      network: run.network, secretsDir: run.secretsDir, extraLabels: run.labels, stopGraceSeconds: 2,
      // as main.ts: a drain ends when the gateway has no request open to the replica
      inFlight: (id) => gateway?.inFlight(id) ?? 0,
    });
    await provider.start();
    const registry = new Registry();
    const config = loadConfig({ port: '0', metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'false', state_dir: '/tmp/funtainer-bench-coldstart', ready_timeout: '60s' });
    // Autoscaler loop stays off for the cold-start part: the bench drives scale/pause itself.
    scaling = createAutoscaling({ config: loadAutoscalingConfig({ autoscaler_enabled: 'false' }), provider, registry });
    gateway = await buildGateway({ provider, config, registry, wakeFunction: (fn) => scaling.waker.wake(fn) });
    const { port, metricsPort } = await gateway.listen();
    const base = `http://127.0.0.1:${port}`;

    const service = run.uniqueName('cold');
    deployed.push(service);
    await provider.deploy(FunctionDeploymentSchema.parse({ service, image, labels: { ...run.labels, 'com.openfaas.scale.zero': 'true' } }));
    const fn = { name: service, namespace: 'openfaas-fn' };
    const url = `${base}/function/${service}`;
    await until(() => get200(url), 'first deploy to serve', 120_000, 50);

    // 1 + 3. from removed, and raw Docker create + start + first 200 (same image, network and create options,
    // through the Docker API), interleaved with alternating order so drift on a noisy machine hits both alike.
    const engine = new Docker();
    const spec = FunctionDeploymentSchema.parse({ service: run.uniqueName('raw'), image });
    const imageUser = (await engine.getImage(image).inspect()).Config?.User ?? '';
    const rawColdStart = async (slot) => {
      const options = buildContainerCreateOptions(spec, { name: spec.service, namespace: 'openfaas-fn', generation: 1, slot }, { user: imageUser }, {
        network: run.network, secretsHostDir: run.secretsDir, defaultTimeoutMs: 30_000, defaultMemory: '256Mi', defaultCpu: '1',
        pidsLimit: 256, tmpfsSize: '64m', user: '1000:1000', extraLabels: run.labels,
      });
      const t0 = performance.now();
      const container = await engine.createContainer(options);
      await container.start();
      const ip = (await container.inspect()).NetworkSettings.Networks[run.network]?.IPAddress;
      // The function's own first 200 (as the gateway side measures), not just the watchdog's readiness.
      await until(() => get200(`http://${ip}:8080/`), 'raw container to answer', DEADLINE_MS, READY_POLL_MS);
      const took = performance.now() - t0;
      await container.remove({ force: true });
      return took;
    };
    const removedColdStart = async () => {
      await provider.scale(fn, 0);
      await until(() => (provider.endpoints(fn)?.length ?? 0) === 0, 'replicas removed');
      const t0 = performance.now();
      if (!(await get200(url))) throw new Error('request from removed failed');
      return performance.now() - t0;
    };
    const removed = [];
    const raw = [];
    for (let i = 0; i < TRIES; i++) {
      if (i % 2 === 0) {
        removed.push(await removedColdStart());
        raw.push(await rawColdStart(i));
      } else {
        raw.push(await rawColdStart(i));
        removed.push(await removedColdStart());
      }
    }
    results.fromRemovedMs = summary(removed);
    results.rawDockerMs = summary(raw);
    results.samplesMs = { removed: removed.map(round), raw: raw.map(round) };
    // Median of the per-pair differences: what the gateway path adds, robust to the machine's drift between pairs.
    results.removedMinusRawPairedMedianMs = round(percentile(removed.map((ms, i) => ms - (raw[i] ?? 0)), 50));

    // 2. from paused
    if (isPausableProvider(provider)) {
      const paused = [];
      for (let i = 0; i < TRIES; i++) {
        await until(() => get200(url), 'function serving before pause');
        await provider.pause(fn);
        const t0 = performance.now();
        if (!(await get200(url))) throw new Error('request from paused failed');
        paused.push(performance.now() - t0);
      }
      results.fromPausedMs = summary(paused);
    } else {
      results.fromPausedMs = { skipped: 'provider does not implement PausableProvider (pause/unpause/isPaused)' };
    }

    if (results.fromRemovedMs && results.rawDockerMs) results.removedVsRaw = Math.round((results.fromRemovedMs.p50 / results.rawDockerMs.p50) * 100) / 100;
    if (results.fromPausedMs?.p50 && results.fromRemovedMs) results.pausedVsRemoved = Math.round((results.fromPausedMs.p50 / results.fromRemovedMs.p50) * 100) / 100;

    // 4. scale-up reaction with the Prometheus source (1 s scrape)
    const promSkip = SKIP_REACTION ? 'skipped by --skip-reaction' : prometheusUnavailableReason();
    if (promSkip) {
      results.reaction = { skipped: promSkip };
    } else {
      prometheus = await startPrometheus({ targets: [`127.0.0.1:${metricsPort}`], scrapeIntervalS: 1 });
      const reactive = createAutoscaling({
        config: loadAutoscalingConfig({ prometheus_url: prometheus.url, autoscaler_interval: '1s', autoscaler_lease_ttl: '5s' }),
        provider, registry: new Registry(),
      });
      const hot = run.uniqueName('hot');
      deployed.push(hot);
      await provider.deploy(FunctionDeploymentSchema.parse({ service: hot, image, labels: { ...run.labels, 'com.openfaas.scale.target': '5', 'com.openfaas.scale.max': '4' } }));
      const hotFn = { name: hot, namespace: 'openfaas-fn' };
      await until(() => get200(`${base}/function/${hot}`), 'hot function to serve', 120_000, 50);
      await sleep(3_000); // a few quiet scrapes first
      reactive.start();
      let loading = true;
      const t0 = performance.now();
      const load = (async () => {
        while (loading) await Promise.all(Array.from({ length: 8 }, () => get200(`${base}/function/${hot}`)));
      })();
      try {
        await until(() => (provider.endpoints(hotFn)?.length ?? 0) >= 2, 'second replica serving', 60_000, 50);
        results.reaction = { secondReplicaServingMs: round(performance.now() - t0), targetMs: 10_000 };
      } finally {
        loading = false;
        await load;
        await reactive.close();
      }
    }
  } finally {
    await scaling?.close();
    // Remove functions through the provider first: a replica launch still in flight would otherwise land after
    // the label-based cleanup below and outlive the run.
    for (const name of deployed) await provider?.remove({ name, namespace: 'openfaas-fn' }).catch(() => undefined);
    await gateway?.close();
    await provider?.close();
    await prometheus?.stop();
    await run.cleanup();
  }
  results.targets = { removedVsRaw: '≤ 1.2', pausedVsRemoved: '≤ 0.15', reactionMs: '≤ 10000' };
  console.log(JSON.stringify(results, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL(`./results/coldstart-${results.startedAt.replace(/[:.]/g, '-')}.json`, import.meta.url), JSON.stringify(results, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
