/**
 * Images for many machines (issue 12, the registry part and the "bad input" checks of the multi-node tests): a
 * real Distribution registry (Debian's docker-registry) on the test swarm's bridge, `funtainer build --push`
 * through the CLI, a deploy on the three-engine swarm whose tasks on the workers pull the image from that
 * registry, and the coded errors of an image the registry lacks, constraints no node meets and an engine that
 * is not a swarm manager. Runs on cluster id 1 (scripts/swarm-cluster.sh FUNTAINER_SWARM_ID): other runs use
 * other ids. The provider runs here on the host, talking to the manager's socket; the host cannot reach overlay
 * addresses, so this test reads task states and images on the nodes rather than calling the function.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import t from 'tap';
import { FunctionDeploymentSchema, type FunctionDeploymentInput } from '@funtainer/core/contracts';
import { DEFAULT_NAMESPACE } from '@funtainer/core/names';
import { eventually } from '@funtainer/gateway/provider/provider.contract';
import { SwarmProvider } from '@funtainer/gateway/provider/swarm/swarm-provider';
import type { SwarmProviderOptions } from '@funtainer/gateway/provider/swarm/swarm-provider-options';
import { BASE_IMAGE, REPO_ROOT, TEST_LABEL, dockerUnavailableReason } from './helpers/docker.js';
import { startSwarmCluster, swarmUnavailableReason, type SwarmEngine } from './helpers/swarm-cluster.js';

const CLUSTER_ID = 1;
const CLI = join(REPO_ROOT, 'cli/dist/main.js');

/** Runs a node script to its end; resolves to its exit code and output. */
function runNode(args: readonly string[], options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

t.setTimeout(240_000);
const reason = (await dockerUnavailableReason()) ?? swarmUnavailableReason();
if (reason !== undefined) {
  t.comment(`skipping the Swarm registry test: ${reason}`);
  t.plan(0, reason);
} else {
  const cluster = await startSwarmCluster(3, { id: CLUSTER_ID, pull: true });
  t.teardown(() => cluster.down());
  const registry = await cluster.registry();
  await cluster.load(BASE_IMAGE);
  const { manager } = cluster;
  const workers = cluster.engines.slice(1);
  const runId = randomBytes(3).toString('hex');
  const label = `${TEST_LABEL}=${runId}`;
  const network = `funtainer-fsr-${runId}`;
  const image = `${registry}/funtainer-test/hello-${runId}:1`;
  t.teardown(async () => {
    const ids = (await manager.docker(['service', 'ls', '-q', '--filter', `label=${label}`]).catch(() => '')).split('\n').filter(Boolean);
    if (ids.length > 0) await manager.docker(['service', 'rm', ...ids]).catch(() => '');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // tasks leave the network before it can go
    await manager.docker(['network', 'rm', network]).catch(() => '');
  });
  const managerDocker = new Docker({ socketPath: manager.host.replace(/^unix:\/\//, '') });
  const options = (docker: Docker): SwarmProviderOptions => ({
    docker, network, extraLabels: { [TEST_LABEL]: runId }, stopGraceSeconds: 1, engineTimeoutMs: 10_000,
    // The host cannot probe overlay addresses: deploy returns at once and the test watches the tasks instead.
    settleTimeoutMs: 1, imagePolicy: { pullPolicy: 'IfNotPresent', registries: [registry] }, insecureRegistries: [registry],
  });
  const servicesOf = async (service: string): Promise<string[]> =>
    (await manager.docker(['service', 'ls', '-q', '--filter', `label=${label}`, '--filter', `label=com.funtainer.function=${service}`])).split('\n').filter(Boolean);
  const spec = (service: string, extra: Partial<FunctionDeploymentInput> = {}) =>
    FunctionDeploymentSchema.parse({ image, envProcess: 'node index.js', ...extra, service: `${service}-${runId}` });
  const provider = await SwarmProvider.create(options(managerDocker));
  await provider.start();
  t.teardown(() => provider.close());
  // Read before the subtests: tap ends the root test once they are done and nothing else is pending.
  // The host engine is not in a swarm on test machines; the gateway only reads its info before stopping.
  const hostState = await new Docker().info().then((i: { Swarm?: { LocalNodeState?: string } }) => i.Swarm?.LocalNodeState).catch(() => 'unknown');
  const skip = hostState === 'inactive' ? false : `the host engine's swarm state is "${String(hostState)}", not inactive`;

  await t.test('funtainer build --push puts the image in the registry', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'funtainer-push-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    // The CLI's docker talks to the manager engine (DOCKER_HOST), which trusts the plain-HTTP registry.
    const env = { PATH: process.env['PATH'] ?? '', HOME: dir, DOCKER_HOST: manager.host, FUNTAINER_NODE_IMAGE: BASE_IMAGE };
    const created = await runNode([CLI, 'new', 'hello', '--lang', 'node'], { cwd: dir, env, timeoutMs: 60_000 });
    t.equal(created.code, 0, `new: ${created.out}`);
    const stackFile = join(dir, 'stack.yml');
    const stack = await readFile(stackFile, 'utf8');
    await writeFile(stackFile, stack.replace(/image: .*/, `image: ${image}`));
    const pushed = await runNode([CLI, 'build', '--push', '-f', stackFile], { cwd: dir, env, timeoutMs: 180_000 });
    t.equal(pushed.code, 0, `build --push exits 0: ${pushed.out.slice(-2000)}`);
    t.match(pushed.out, new RegExp(`pushed ${image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'says it pushed');
    const tags = (await (await fetch(`http://${registry}/v2/funtainer-test/hello-${runId}/tags/list`)).json()) as { tags?: string[] };
    t.same(tags.tags, ['1'], 'the registry lists the tag');
  });

  await t.test('a deploy from the registry: the workers pull the image and run the tasks', async (t) => {
    const fn = spec('hello', { constraints: ['node.role==worker'], labels: { 'com.openfaas.scale.min': '2' } });
    await provider.deploy(fn);
    const [id = ''] = await servicesOf(fn.service);
    // Polled every 20 ms by eventually(); a task's pull takes seconds, so ask the manager once a second.
    const running = await eventually(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const lines = (await manager.docker(['service', 'ps', id, '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}']).catch(() => '')).split('\n').filter(Boolean);
      return lines.length === 2 && lines.every((l) => /Running/.test(l)) ? lines : undefined;
    }, 90_000, 'two running tasks');
    t.ok(running, `two tasks running: ${String(running)}`);
    t.same(running?.map((l) => l.split(' ')[0]).sort(), ['fsw-2', 'fsw-3'], 'one on each worker (node.role==worker)');
    for (const worker of workers as SwarmEngine[]) {
      const digests = await worker.docker(['image', 'inspect', image, '--format', '{{json .RepoDigests}}']);
      t.match(digests, `${registry}/funtainer-test/hello-${runId}@sha256:`, `engine ${worker.index} pulled it from the registry`);
    }
  });

  await t.test('bad input on Swarm: each a coded error naming the thing', async (t) => {
    const missing = `${registry}/funtainer-test/missing-${runId}:1`;
    await t.rejects(provider.deploy(spec('missing', { image: missing })), {
      code: 'FUNTAINER_ERR_IMAGE_NOT_IN_REGISTRY', statusCode: 400, message: `image "${missing}" is not in registry "${registry}"`,
    }, 'an image the registry lacks');
    await t.rejects(provider.deploy(spec('nowhere', { constraints: ['node.labels.zone==nowhere'] })), {
      code: 'FUNTAINER_ERR_CONSTRAINT_UNSATISFIABLE', statusCode: 400, message: /no node of the swarm \(3\) satisfies the constraints "node\.labels\.zone==nowhere"/,
    }, 'a constraint no node meets');
    await t.rejects(provider.deploy(spec('typo', { constraints: ['node.label.zone==eu'] })), {
      code: 'FUNTAINER_ERR_INVALID_SPEC', statusCode: 400, message: /unknown key "node\.label\.zone"/,
    }, 'a constraint Swarm would not understand');
    for (const name of ['missing', 'nowhere', 'typo']) t.same(await servicesOf(`${name}-${runId}`), [], `no service was created for ${name}`);

    const worker = workers[0] as SwarmEngine;
    const onWorker = await SwarmProvider.create(options(new Docker({ socketPath: worker.host.replace(/^unix:\/\//, '') })));
    await t.rejects(onWorker.start(), { code: 'FUNTAINER_ERR_SWARM_NOT_MANAGER', statusCode: 503, message: /is not one: it is a swarm worker/ }, 'a worker at start');
    await t.rejects(onWorker.deploy(spec('on-worker')), { code: 'FUNTAINER_ERR_SWARM_NOT_MANAGER', statusCode: 503 }, 'a worker on calls');
    await t.rejects(onWorker.list(DEFAULT_NAMESPACE), { code: 'FUNTAINER_ERR_SWARM_NOT_MANAGER' });
  });

  await t.test('swarm not initialised: the gateway stops at start with one clear line', { skip }, async (t) => {
    const stateDir = await mkdtemp(join(tmpdir(), 'funtainer-gw-'));
    t.teardown(() => rm(stateDir, { recursive: true, force: true }));
    const env = { PATH: process.env['PATH'] ?? '', provider: 'swarm', docker_host: 'unix:///var/run/docker.sock', port: '0', metrics_port: '0', state_dir: stateDir, async_enabled: 'false' };
    const gateway = await runNode([join(REPO_ROOT, 'gateway/dist/main.js')], { env, timeoutMs: 30_000 });
    t.equal(gateway.code, 1, 'exits 1');
    t.match(gateway.out, /FUNTAINER_ERR_SWARM_NOT_MANAGER/, 'with the code');
    t.match(gateway.out, /not part of a swarm \(state \\?"inactive\\?"\): run \\?"docker swarm init\\?"/, 'and what to do');
    const leftover = await new Docker().listNetworks({ filters: { name: ['funtainer-functions'], label: ['com.funtainer.network=functions'] } });
    t.same(leftover.filter((n) => n.Driver === 'overlay'), [], 'nothing was created on that engine');
  });
}
