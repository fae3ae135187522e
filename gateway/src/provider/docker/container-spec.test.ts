import t from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { containerEnv, effectiveUser, functionTimeoutMs } from '../replica-rules.js';
import { buildContainerCreateOptions, type ContainerSettings } from './container-spec.js';

const settings: ContainerSettings = {
  network: 'funtainer-functions', secretsHostDir: '/var/lib/funtainer/secrets', scope: 'default', defaultTimeoutMs: 30_000,
  defaultMemory: '256Mi', defaultCpu: '1', pidsLimit: 256, tmpfsSize: '64m', user: '1000:1000', extraLabels: { 'funtainer.test': 'r' },
};
const identity = { name: 'echo', namespace: 'openfaas-fn', generation: 3, slot: 0 };

t.test('sandbox and limits', async (t) => {
  const spec = FunctionDeploymentSchema.parse({ service: 'echo', image: 'img:1', limits: { memory: '128Mi', cpu: '500m' }, secrets: ['api-key'] });
  const options = buildContainerCreateOptions(spec, identity, { user: '' }, settings);
  t.equal(options.name, 'openfaas-fn-echo-g3-r0');
  t.equal(options.User, '1000:1000');
  t.match(options.HostConfig, {
    NetworkMode: 'funtainer-functions', ReadonlyRootfs: true, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges:true'],
    Memory: 134217728, NanoCpus: 500_000_000, PidsLimit: 256, RestartPolicy: { Name: 'no' }, Tmpfs: { '/tmp': /size=64m/ },
  });
  t.same(options.HostConfig?.Mounts, [
    { Type: 'bind', Source: '/var/lib/funtainer/secrets/.mounts/default/openfaas-fn/echo/g3', Target: '/var/openfaas/secrets', ReadOnly: true },
  ], 'the generation\'s secrets directory, read-only, as a directory');
  t.match(options.Labels, { 'com.funtainer.function': 'echo', 'com.funtainer.generation': '3', 'funtainer.test': 'r' });
});

t.test('defaults apply without limits', async (t) => {
  const options = buildContainerCreateOptions(FunctionDeploymentSchema.parse({ service: 'echo', image: 'i' }), identity, { user: 'root' }, settings);
  t.equal(options.HostConfig?.Memory, 256 * 1024 * 1024);
  t.equal(options.HostConfig?.NanoCpus, 1e9);
  t.same(options.HostConfig?.Mounts, [], 'no secrets, no mount');
  t.equal(options.User, '1000:1000', 'root image user is replaced');
});

t.test('root filesystem: read-only by default and when true, writable only when explicitly false', async (t) => {
  const options = (readOnlyRootFilesystem?: boolean) =>
    buildContainerCreateOptions(FunctionDeploymentSchema.parse({ service: 'e', image: 'i', ...(readOnlyRootFilesystem === undefined ? {} : { readOnlyRootFilesystem }) }), identity, { user: '' }, settings);
  t.equal(options().HostConfig?.ReadonlyRootfs, true, 'omitted (what faas-cli sends for false) stays read-only');
  t.equal(options(true).HostConfig?.ReadonlyRootfs, true);
  t.equal(options(false).HostConfig?.ReadonlyRootfs, false);
  t.match(options(false).HostConfig?.Tmpfs, { '/tmp': /size=64m/ }, '/tmp stays a bounded tmpfs');
  t.same(options(false).HostConfig?.CapDrop, ['ALL'], 'the rest of the sandbox is unchanged');
});

t.test('effective user keeps a non-root image USER', async (t) => {
  t.equal(effectiveUser({ user: 'app' }, '1000:1000'), 'app');
  t.equal(effectiveUser({ user: '0:0' }, '1000:1000'), '1000:1000');
  t.equal(effectiveUser({ user: 'root' }, '1000:1000'), '1000:1000');
});

t.test('env: timeouts, user env, fprocess; the timeout label wins', async (t) => {
  const plain = FunctionDeploymentSchema.parse({ service: 'e', image: 'i', envProcess: 'node a.js', envVars: { exec_timeout: '5s', A: '1' } });
  const env = containerEnv(plain, 30_000);
  t.ok(env.includes('exec_timeout=5s'), 'user env overrides the default');
  t.ok(env.includes('write_timeout=30000ms'));
  t.ok(env.includes('A=1') && env.includes('fprocess=node a.js'));
  const labelled = FunctionDeploymentSchema.parse({ service: 'e', image: 'i', envVars: { exec_timeout: '5s' }, labels: { 'com.funtainer.timeout': '2m' } });
  const env2 = containerEnv(labelled, 30_000);
  t.ok(env2.includes('exec_timeout=120000ms') && env2.includes('read_timeout=120000ms'));
  t.equal(functionTimeoutMs(labelled, 1), 120_000);
  t.throws(() => functionTimeoutMs(FunctionDeploymentSchema.parse({ service: 'e', image: 'i', labels: { 'com.funtainer.timeout': 'soon' } }), 1), { code: 'FUNTAINER_ERR_INVALID_SPEC' });
});
