#!/usr/bin/env node
/**
 * The Swarm provider beside the Docker provider, in one run, on the three-engine test swarm
 * (scripts/swarm-cluster.sh, FUNTAINER_SWARM_ID=2 unless set):
 *
 *   node bench/swarm.mjs [--tries 5] [--duration 5s] [--connections 16]
 *
 *   1. cold start from 0 replicas through the gateway (provider=swarm): scaled to 0, then one request → 200;
 *   2. beside it, raw Swarm: `docker service create` (the provider's own service spec, through the API) → the
 *      task's first 200 on its overlay address, polled at the same pace; 1 and 2 interleaved, p50 over the tries;
 *   3. scale-up reaction: a load step → the second task serving (autoscaler on in-process counters, 1 s ticks);
 *   4. the data path: wrk through a gateway on Swarm (→ a task on the overlay) ÷ the same through a gateway on the
 *      Docker provider (→ a container on its bridge), both gateways in a container, wrk on the container's
 *      loopback. Both functions run on the same machine; the Swarm side pays the overlay and the extra engines.
 * Overlay addresses are reachable only from a container on the overlay, so every client here runs in the
 * gateway container's network namespace (`nsenter --net`): this file re-runs itself there (1, 2, 3 and
 * deploying the warm functions of 4; bench/swarm-host.mjs sets up both sides) and wrk runs there for 4. Traffic stays inside the harness's namespaces. Needs root, npm run build, wrk.
 */
import { setTimeout as sleep } from 'node:timers/promises';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined) ?? fallback;
const TRIES = Number(opt('--tries', '5'));
const DURATION = opt('--duration', '5s');
const CONNECTIONS = opt('--connections', '16');
const POLL_MS = 15;
const DEADLINE_MS = 60_000;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const round = (ms) => Math.round(ms * 10) / 10;

async function until(probe, what, deadlineMs = DEADLINE_MS, intervalMs = POLL_MS) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

async function status(url, init = {}) {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(DEADLINE_MS) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function system(gateway, method, path, body) {
  const code = await status(`${gateway}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  if (code >= 300 || code === 0) throw new Error(`${method} ${path}: ${code}`);
}

const available = async (gateway, name) => {
  const res = await fetch(`${gateway}/system/function/${name}`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  return res?.status === 200 ? (await res.json()).availableReplicas : -1;
};

/** Inside the Swarm gateway's network namespace: cold start through the gateway vs raw service create. */
async function inside() {
  const { BENCH_GATEWAY: gateway, BENCH_IMAGE: image, BENCH_NETWORK: network, BENCH_MANAGER: managerSocket, BENCH_RUN: runId } = process.env;
  const Docker = (await import('dockerode')).default;
  const { buildServiceSpec } = await import('@funtainer/gateway/provider/swarm/service-spec');
  const { FunctionDeploymentSchema } = await import('@funtainer/core/contracts');
  const { taskUrl } = await import('@funtainer/gateway/provider/swarm/swarm-tasks');
  const docker = new Docker({ socketPath: managerSocket });
  const name = `cold-${runId}`;
  await until(async () => (await status(`${gateway}/healthz`)) === 200, 'the gateway', 30_000, 200);
  await system(gateway, 'POST', '/system/functions', { service: name, image, labels: { 'com.openfaas.scale.zero': 'true' } });
  await until(async () => (await status(`${gateway}/function/${name}`, { method: 'POST', body: 'x' })) === 200, 'first deploy to serve');

  const settings = { network, defaultTimeoutMs: 30_000, defaultMemory: '256Mi', defaultCpu: '1', pidsLimit: 256, tmpfsBytes: 64 << 20, user: '1000:1000', stopGraceSeconds: 2, extraLabels: { 'funtainer.bench': runId }, nameSuffix: '' };
  const rawColdStart = async (i) => {
    const spec = FunctionDeploymentSchema.parse({ service: `raw-${runId}-${i}`, image, namespace: 'openfaas-fn' });
    const serviceSpec = buildServiceSpec({ spec, replicas: 1, generation: 1, revision: 1, createdAt: new Date() }, { user: '' }, [], settings);
    const t0 = performance.now();
    const { id } = await docker.createService(serviceSpec);
    let url;
    await until(async () => {
      const tasks = await docker.listTasks({ filters: { service: [id], 'desired-state': ['running'] } });
      const task = tasks.find((t) => t.Status?.State === 'running');
      url = task && taskUrl(task, network);
      return url !== undefined && (await status(`${url}/`, { method: 'POST', body: 'x' })) === 200;
    }, 'raw service to answer');
    const took = performance.now() - t0;
    await docker.getService(id).remove();
    return took;
  };
  const gatewayColdStart = async () => {
    await system(gateway, 'POST', `/system/scale-function/${name}`, { serviceName: name, replicas: 0 });
    await until(async () => (await available(gateway, name)) === 0, 'scaled to 0', DEADLINE_MS, 100);
    await sleep(1_000); // the old task gone from the node too, so both sides start from the same state
    const t0 = performance.now();
    if ((await status(`${gateway}/function/${name}`, { method: 'POST', body: 'x' })) !== 200) throw new Error('cold request failed');
    return performance.now() - t0;
  };
  const cold = [];
  const raw = [];
  for (let i = 0; i < TRIES; i++) {
    // Alternating which goes first, so the machine's drift falls on both alike.
    if (i % 2 === 0) cold.push(await gatewayColdStart());
    raw.push(await rawColdStart(i));
    if (i % 2 === 1) cold.push(await gatewayColdStart());
  }
  await system(gateway, 'DELETE', '/system/functions', { functionName: name });
  console.log(`RESULT ${JSON.stringify({ coldStartP50Ms: round(median(cold)), rawServiceCreateP50Ms: round(median(raw)), samples: { cold: cold.map(round), raw: raw.map(round) } })}`);
}

/** Inside a gateway's network namespace: deploys one warm function for the data path and waits until it serves. */
async function deployWarm() {
  const { BENCH_GATEWAY: gateway, BENCH_IMAGE: image, BENCH_FUNCTION: name, BENCH_CONSTRAINT: constraint } = process.env;
  await until(async () => (await status(`${gateway}/healthz`)) === 200, 'the gateway', 30_000, 200);
  await system(gateway, 'POST', '/system/functions', { service: name, image, constraints: constraint ? [constraint] : [] });
  await until(async () => (await status(`${gateway}/function/${name}`)) === 200, 'the warm function to serve');
}

/**
 * Inside the Swarm gateway's network namespace: scale-up reaction. A gateway of its own, in this process, with
 * the Swarm provider and the autoscaler on its in-process counters (1 s ticks, no Redis: it leads alone); a
 * load step of 8 back-to-back clients → the second task serving.
 */
async function reaction() {
  const { BENCH_IMAGE: image, BENCH_NETWORK: network, BENCH_MANAGER: managerSocket, BENCH_RUN: runId } = process.env;
  const Docker = (await import('dockerode')).default;
  const { Registry } = await import('prom-client');
  const { FunctionDeploymentSchema } = await import('@funtainer/core/contracts');
  const { buildGateway } = await import('@funtainer/gateway/app');
  const { loadConfig } = await import('@funtainer/gateway/config');
  const { SwarmProvider } = await import('@funtainer/gateway/provider/swarm/swarm-provider');
  const { createAutoscaling } = await import('@funtainer/gateway/autoscaler/autoscaling');
  const { loadAutoscalingConfig } = await import('@funtainer/gateway/autoscaler/autoscaling-config');
  const provider = await SwarmProvider.create({ docker: new Docker({ socketPath: managerSocket }), network, extraLabels: { 'funtainer.bench': runId } });
  await provider.start();
  const registry = new Registry();
  const config = loadConfig({ port: '8090', metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'false', state_dir: '/tmp/funtainer-bench-swarm' });
  const scaling = createAutoscaling({ config: loadAutoscalingConfig({ autoscaler_metrics_source: 'local', autoscaler_interval: '1s' }), provider, registry });
  const gateway = await buildGateway({ provider, config, registry, wakeFunction: (fn) => scaling.waker.wake(fn), manualScale: scaling.manualScale });
  const fn = { name: `hot-${runId}`, namespace: 'openfaas-fn' };
  let loading = true;
  let load;
  try {
    await gateway.listen();
    await provider.deploy(FunctionDeploymentSchema.parse({ service: fn.name, image, labels: { 'com.openfaas.scale.target': '5', 'com.openfaas.scale.max': '4' } }));
    const url = `http://127.0.0.1:8090/function/${fn.name}`;
    await until(async () => (await status(url)) === 200, 'the hot function to serve');
    scaling.start();
    await sleep(3_000); // a few quiet ticks first
    const t0 = performance.now();
    load = Promise.all(Array.from({ length: 8 }, async () => {
      while (loading) await status(url);
    }));
    await until(() => (provider.endpoints(fn)?.length ?? 0) >= 2, 'a second task serving', DEADLINE_MS, 50);
    console.log(`RESULT ${JSON.stringify({ reaction: { secondReplicaServingMs: round(performance.now() - t0), targetMs: 10_000 } })}`);
  } finally {
    loading = false;
    await load;
    await scaling.close();
    await provider.remove(fn).catch(() => undefined);
    await gateway.close();
    await provider.close();
  }
}

if (process.env.BENCH_INSIDE === 'reaction') {
  await reaction();
} else if (process.env.BENCH_INSIDE === 'cold') {
  await inside();
} else if (process.env.BENCH_INSIDE === 'deploy') {
  await deployWarm();
} else {
  const { main } = await import('./swarm-host.mjs');
  await main({ tries: TRIES, duration: DURATION, connections: CONNECTIONS });
}
