/**
 * The under-load proofs of the Swarm provider as they run INSIDE a load-generator container on the functions'
 * overlay of the test swarm (started by test/swarm-load.test.ts, which reads this file's TAP). Everything goes
 * through a real gateway (gateway/dist/main.js, provider=swarm) in another container on that overlay; the
 * manager's socket is mounted to see where Swarm placed the tasks and to change a service behind the gateway's back.
 */
import Docker from 'dockerode';
import t from 'tap';
import { call, loadLoop, waitFor, type LoadResult } from './load.js';

const { SWARM_TEST_IMAGE: image = '', SWARM_TEST_GATEWAY: gateway = '', SWARM_TEST_RUN: runId = '' } = process.env;
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const service = `load-${runId}`;
const invokeUrl = `${gateway}/function/${service}`;
/** Concurrent clients: enough that every replica has requests open when Swarm stops it, little for 2 cores. */
const CLIENTS = 8;

interface TaskState {
  readonly ID: string;
  readonly NodeID: string;
  readonly DesiredState: string;
  readonly Status: { readonly State: string };
}

async function system(method: string, path: string, body?: unknown): Promise<void> {
  const res = await call(`${gateway}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) }, 90_000);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
}

async function available(): Promise<number> {
  const res = await call(`${gateway}/system/function/${service}`);
  return res.status === 200 ? (JSON.parse(res.body) as { availableReplicas: number }).availableReplicas : -1;
}

/** The function's tasks Swarm wants running and that run. */
async function runningTasks(): Promise<TaskState[]> {
  const tasks = (await docker.listTasks({ filters: { label: [`com.funtainer.function=${service}`] } })) as TaskState[];
  return tasks.filter((task) => task.DesiredState === 'running' && task.Status.State === 'running');
}

/** Runs `during` while CLIENTS loops call the function; load keeps going a second past it, to catch late drops. */
async function underLoad(during: () => Promise<void>): Promise<LoadResult> {
  const load = loadLoop(invokeUrl, CLIENTS);
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await during();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } catch (err) {
    await load.stop();
    throw err;
  }
  return load.stop();
}

const spec = (version: string) => ({
  service, image, envProcess: 'node handler.js', envVars: { VERSION: version },
});
// Three replicas by scaling, not by a scale.min label: that label would also clamp the scale-down to 3.
const scaleTo = (replicas: number) => system('POST', `/system/scale-function/${service}`, { serviceName: service, replicas });

t.setTimeout(170_000);
await waitFor(async () => (await call(`${gateway}/healthz`, {}, 2_000).catch(() => ({ status: 0 }))).status === 200, 'the gateway', 30_000, 200);
await system('POST', '/system/functions', spec('v1'));
await scaleTo(3);
t.teardown(() => system('DELETE', '/system/functions', { functionName: service }).catch(() => {}));

t.test('replicas of one function spread over the three nodes; calls through the gateway succeed', async (t) => {
  await waitFor(async () => (await available()) === 3, '3 ready replicas', 60_000, 250);
  const nodes = new Set((await runningTasks()).map((task) => task.NodeID));
  t.equal(nodes.size, 3, 'one task on each node');
  const answers = await Promise.all(Array.from({ length: 30 }, () => call(invokeUrl, { method: 'POST', body: 'hi' })));
  t.same(answers.filter((a) => a.status !== 200), [], '30 calls, all 200');
});

t.test('a rolling update under steady load: 0 failed requests', async (t) => {
  const result = await underLoad(async () => {
    await system('PUT', '/system/functions', spec('v2'));
    // Done when every answer comes from the new version and Swarm runs exactly the three new tasks.
    await waitFor(async () => {
      const answers = await Promise.all(Array.from({ length: 6 }, () => call(invokeUrl, { method: 'POST', body: 'v?' })));
      return answers.every((a) => a.status === 200 && (JSON.parse(a.body) as { env: { VERSION: string } }).env.VERSION === 'v2') && (await runningTasks()).length === 3;
    }, 'every replica on v2', 90_000, 250);
  });
  t.comment(`rolling update: ${result.ok} calls served`);
  t.ok(result.ok > 100, 'the load ran throughout');
  t.same(result.failures, [], '0 failed requests');
});

t.test('scale 3 → 1 → 3 under load: 0 failed requests', async (t) => {
  const result = await underLoad(async () => {
    await scaleTo(1);
    await waitFor(async () => (await available()) === 1 && (await runningTasks()).length === 1, 'one replica left', 60_000, 250);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await scaleTo(3);
    await waitFor(async () => (await available()) === 3, 'three replicas again', 60_000, 250);
  });
  t.comment(`scale 3 → 1 → 3: ${result.ok} calls served`);
  t.ok(result.ok > 100, 'the load ran throughout');
  t.same(result.failures, [], '0 failed requests');
});

// Another gateway (or an operator) scales the service: this gateway is not told and learns it from its polling
// only, while Swarm stops two tasks (their watchdogs drain; a refused connect is retried on another replica).
t.test('a scale made elsewhere (straight through the engine) under load: 0 failed requests', async (t) => {
  const [listed] = await docker.listServices({ filters: { label: [`com.funtainer.function=${service}`] } });
  if (!listed) return t.fail('the function has no service');
  const result = await underLoad(async () => {
    const handle = docker.getService(listed.ID);
    const info = (await handle.inspect()) as { Version: { Index: number }; Spec: Docker.ServiceSpec };
    await handle.update({ ...info.Spec, version: info.Version.Index, Mode: { Replicated: { Replicas: 1 } } });
    await waitFor(async () => (await available()) === 1 && (await runningTasks()).length === 1, 'one replica left', 60_000, 250);
  });
  t.comment(`scale 3 → 1 elsewhere: ${result.ok} calls served`);
  t.same(result.failures, [], '0 failed requests');
});
