import t from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import type { StoredDefinition } from '../docker/labels.js';
import { sandboxGaps } from './sandbox-gaps.js';
import { buildServiceSpec, parseService, serviceFilters, serviceName, type ServiceSettings } from './service-spec.js';

const settings: ServiceSettings = {
  network: 'funtainer-functions', defaultTimeoutMs: 30_000, defaultMemory: '256Mi', defaultCpu: '1', pidsLimit: 256,
  tmpfsBytes: 64 * 1024 * 1024, user: '1000:1000', stopGraceSeconds: 10, extraLabels: { 'com.funtainer.scope': 'abc' }, nameSuffix: '-abc',
};
const definition = (extra: Record<string, unknown> = {}): StoredDefinition => ({
  spec: FunctionDeploymentSchema.parse({
    service: 'echo', namespace: 'openfaas-fn', image: 'img:1', envProcess: 'node handler.js', secrets: ['api-key'],
    labels: { 'com.openfaas.scale.max': '3', team: 'a' }, annotations: { topic: 'orders' }, limits: { memory: '128Mi', cpu: '500m' }, ...extra,
  }),
  replicas: 2, generation: 4, revision: 7, createdAt: new Date('2026-01-01T00:00:00Z'),
});
const secrets = [{ name: 'api-key', secretId: 'sid', secretName: 'funtainer-x-v1' }];

t.test('the sandbox in the service spec', async (t) => {
  const spec = buildServiceSpec(definition(), { user: '' }, secrets, settings);
  const task = spec.TaskTemplate as { ContainerSpec: Record<string, unknown>; Resources: unknown; Networks: unknown; RestartPolicy: unknown };
  t.match(task.ContainerSpec, {
    Image: 'img:1', User: '1000:1000', ReadOnly: true, CapabilityDrop: ['ALL'], Privileges: { NoNewPrivileges: true },
    Mounts: [{ Type: 'tmpfs', Target: '/tmp', TmpfsOptions: { SizeBytes: 64 * 1024 * 1024 } }], StopGracePeriod: 10e9,
  });
  t.ok((task.ContainerSpec['Env'] as string[]).includes('fprocess=node handler.js'), 'the watchdog env of replica-rules.ts');
  t.same(task.ContainerSpec['Secrets'], [{ SecretID: 'sid', SecretName: 'funtainer-x-v1', File: { Name: '/var/openfaas/secrets/api-key', UID: '0', GID: '0', Mode: 0o444 } }]);
  t.same(task.Resources, { Limits: { MemoryBytes: 128 * 1024 * 1024, NanoCPUs: 500_000_000, Pids: 256 } });
  t.same(task.Networks, [{ Target: 'funtainer-functions' }]);
  t.match(spec, { Mode: { Replicated: { Replicas: 2 } }, UpdateConfig: { Order: 'start-first', Parallelism: 1 }, EndpointSpec: { Mode: 'dnsrr' } });
  t.match(task.ContainerSpec['Labels'], { 'com.funtainer.function': 'echo', 'com.funtainer.generation': '4', 'com.openfaas.scale.max': '3', 'com.funtainer.scope': 'abc' });
  const open = buildServiceSpec(definition({ readOnlyRootFilesystem: false }), { user: 'app' }, [], settings).TaskTemplate as { ContainerSpec: Record<string, unknown> };
  t.match(open.ContainerSpec, { ReadOnly: false, User: 'app', CapabilityDrop: ['ALL'] }, 'only the root filesystem opens; the image\'s non-root USER is kept');
});

t.test('labels: the user\'s (OpenFaaS ones included) and the whole definition, read back', async (t) => {
  const spec = buildServiceSpec(definition(), { user: '' }, secrets, settings);
  t.equal(spec.Name, 'openfaas-fn-echo-abc');
  t.match(spec.Labels, { 'com.openfaas.scale.max': '3', team: 'a', 'com.funtainer.function': 'echo', 'com.funtainer.namespace': 'openfaas-fn', 'com.funtainer.scope': 'abc' });
  const observed = parseService({ ID: 'svc', Version: { Index: 12 }, Spec: { ...spec, Mode: { Replicated: { Replicas: 0 } } } });
  t.match(observed, { id: 'svc', version: 12, definition: { replicas: 0, generation: 4, revision: 7 } }, 'the service\'s replica count wins');
  t.same(observed?.definition.spec, definition().spec);
  t.equal(parseService({ ID: 'other', Spec: { Labels: { team: 'a' } } }), undefined, 'not a function');
});

t.test('names and filters', async (t) => {
  const long = serviceName({ name: 'f'.repeat(63), namespace: 'n'.repeat(63) }, '-abc');
  t.ok(long.length <= 63, 'a Swarm-legal length');
  t.not(long, serviceName({ name: `${'f'.repeat(62)}g`, namespace: 'n'.repeat(63) }, '-abc'), 'distinct functions keep distinct names');
  t.same(serviceFilters({ s: '1' }), ['s=1', 'com.funtainer.function']);
  t.same(serviceFilters({}, { name: 'echo', namespace: 'ns' }), ['com.funtainer.function=echo', 'com.funtainer.namespace=ns']);
});

t.test('sandbox gaps by engine API version', async (t) => {
  t.same(sandboxGaps('1.41').map((g) => g.code), ['no-new-privileges', 'memory-swap', 'network-isolation'], 'Docker 20.10');
  t.same(sandboxGaps('1.40').map((g) => g.code), ['no-new-privileges', 'capabilities', 'pids-limit', 'memory-swap', 'network-isolation']);
  t.same(sandboxGaps('1.44').map((g) => g.code), ['memory-swap', 'network-isolation'], 'Docker 25 applies no-new-privileges');
});
