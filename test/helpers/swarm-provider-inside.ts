/**
 * The Swarm provider's tests as they run INSIDE a gateway container on the functions' overlay network of the
 * test swarm (started by test/swarm-provider.contract.test.ts, which reads this file's TAP): only from there are
 * the tasks' addresses reachable. The manager's socket is mounted at /var/run/docker.sock.
 */
import Docker from 'dockerode';
import t from 'tap';
import { FunctionDeploymentSchema, type FunctionDeploymentInput } from '@funtainer/core/contracts';
import { DEFAULT_NAMESPACE } from '@funtainer/core/names';
import { eventually, runProviderContract } from '@funtainer/gateway/provider/provider.contract';
import { SwarmProvider } from '@funtainer/gateway/provider/swarm/swarm-provider';
import type { SwarmProviderOptions } from '@funtainer/gateway/provider/swarm/swarm-provider-options';
import { invoke } from './docker-provider-fixture.js';

const { SWARM_TEST_IMAGE: image = '', SWARM_TEST_NETWORK: network = '', SWARM_TEST_RUN: runId = '' } = process.env;
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const uniqueName = (base: string): string => `${base}-${runId}`;
const fnOf = (name: string) => ({ name, namespace: DEFAULT_NAMESPACE });
const spec = (service: string, extra: Partial<FunctionDeploymentInput> = {}) => FunctionDeploymentSchema.parse({ image, envProcess: 'node handler.js', ...extra, service });
const logger = process.env['FUNTAINER_TEST_LOG'] ? { info: log('info'), warn: log('warn'), error: log('error') } : undefined;
const makeProvider = (extra: Partial<SwarmProviderOptions> = {}) => SwarmProvider.create({
  docker, network, extraLabels: { 'funtainer.test': runId }, stopGraceSeconds: 2, readyTimeoutMs: 20_000, settleTimeoutMs: 40_000,
  fastPollMs: 100, steadyPollMs: 1_000, ...(logger ? { logger } : {}), ...extra,
});
const started = async (t: { teardown(fn: () => unknown): void }) => {
  const provider = await makeProvider();
  await provider.start();
  t.teardown(() => provider.close());
  return provider;
};

t.setTimeout(240_000);
await runProviderContract(t, 'swarm', () => makeProvider(), { baseSpec: { image, envProcess: 'node handler.js' }, uniqueName, readyDeadlineMs: 40_000 });

t.test('swarm: the sandbox, secrets at the OpenFaaS path, labels, status warnings', async (t) => {
  const provider = await started(t);
  const service = uniqueName('sandbox');
  const secret = { name: uniqueName('api-key'), namespace: DEFAULT_NAMESPACE };
  await provider.createSecret({ ...secret, value: Buffer.from('top-secret') });
  t.teardown(() => provider.deleteSecret(secret).catch(() => {}));
  await provider.deploy(spec(service, { secrets: [secret.name], labels: { 'com.openfaas.scale.max': '4' }, limits: { memory: '128Mi', cpu: '500m' } }));
  t.teardown(() => provider.remove(fnOf(service)).catch(() => {}));
  const [endpoint] = provider.endpoints(fnOf(service)) ?? [];
  if (!endpoint) return t.fail('no endpoint when deploy returned');
  const read = await invoke(endpoint.url, `secret=${secret.name}&write=1`);
  t.equal(read.json['secret'], 'top-secret', 'the Swarm secret is mounted at /var/openfaas/secrets/<name>');
  t.equal(read.json['uid'], 1000, 'non-root');
  t.same(read.json['writable'], { root: 'EROFS', tmp: 'ok' }, 'read-only root, writable /tmp');
  const inspected = (await docker.listServices({ filters: { label: [`com.funtainer.function=${service}`, `funtainer.test=${runId}`] } }))[0] as unknown as { Spec: Docker.ServiceSpec };
  t.match(inspected.Spec.Labels, { 'com.openfaas.scale.max': '4', 'com.funtainer.function': service }, 'the user\'s OpenFaaS labels on the service');
  t.match(inspected.Spec.TaskTemplate, { ContainerSpec: { CapabilityDrop: ['ALL'], ReadOnly: true }, Resources: { Limits: { Pids: 256, MemoryBytes: 128 * 1024 * 1024 } } });
  const status = await provider.get(fnOf(service));
  t.ok(status?.warnings?.some((w) => w.startsWith('no-new-privileges:')), 'Docker 20.10 cannot express no-new-privileges: said in the status');

  const before = endpoint.id;
  await provider.updateSecret({ ...secret, value: Buffer.from('rotated') });
  const replaced = await eventually(async () => {
    const eps = provider.endpoints(fnOf(service));
    const next = eps?.length === 1 && eps[0]?.id !== before ? eps[0] : undefined;
    return next && (await invoke(next.url, `secret=${secret.name}`)).json['secret'] === 'rotated' ? next : undefined;
  }, 40_000, 'a new task reading the updated secret');
  t.ok(replaced, 'an updated secret reaches the function through a rolling update');
  await t.rejects(provider.deleteSecret(secret), { code: 'FUNTAINER_ERR_SECRET_IN_USE', statusCode: 409 }, 'a listed secret is not deleted from under its function');
});

t.test('swarm: a second provider sees the functions; logs of the tasks', async (t) => {
  const first = await started(t);
  const service = uniqueName('shared');
  const fn = fnOf(service);
  await first.deploy(spec(service, { envVars: { VERSION: 'shared' } }));
  t.teardown(() => first.remove(fn).catch(() => {}));
  const second = await started(t);
  t.match(await second.get(fn), { name: service, replicas: 1, envVars: { VERSION: 'shared' } });
  // The second provider learns readiness by its own probe of the task, a moment after its start; wait for it.
  const ids = (p: typeof first) => (p.endpoints(fn) ?? []).map((e) => e.id).join(',');
  const seen = await eventually(async () => (ids(second) !== '' && ids(second) === ids(first) ? ids(second) : undefined), 15_000, 'second provider endpoints');
  t.equal(seen, ids(first), 'the same task, found by the second');
  const [endpoint] = first.endpoints(fn) ?? [];
  await invoke(endpoint?.url ?? '');
  const entries = await eventually(async () => {
    const got = [];
    for await (const e of first.logs({ ...fn, follow: false, signal: AbortSignal.timeout(5_000) })) got.push(e);
    return got.length > 0 ? got : undefined;
  }, 10_000, 'log lines');
  t.match(entries[0], { name: service, namespace: DEFAULT_NAMESPACE, instance: endpoint?.id.slice(0, 12), timestamp: String, text: String });
  const controller = new AbortController();
  const followed = (async () => {
    let n = 0;
    for await (const _ of first.logs({ ...fn, follow: true, tail: 1, signal: controller.signal })) n++;
    return n;
  })();
  setTimeout(() => controller.abort(), 1_000);
  t.ok((await followed) >= 1, 'follow yields the tail and stops on abort');
});

function log(level: string) {
  return (obj: object, msg?: string) => console.log(`# ${level} ${msg ?? ''} ${JSON.stringify(obj)}`);
}
