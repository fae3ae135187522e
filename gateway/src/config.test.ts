import t from 'tap';
import { describeConfig, loadConfig } from './config.js';

t.test('defaults', async (t) => {
  const c = loadConfig({});
  t.match(c, {
    port: 8080, metricsPort: 8082, bindAddress: '127.0.0.1', metricsBindAddress: '127.0.0.1', readTimeoutMs: 65_000, writeTimeoutMs: 65_000, upstreamTimeoutMs: 60_000,
    readyTimeoutMs: 10_000, basicAuth: true, secretMountPath: '/run/secrets/', functionNamespace: 'openfaas-fn', maxConnectionsPerReplica: 1024,
    maxQueuePerFunction: 100, defaultMaxConcurrency: 0, logLevel: 'info',
  });
});

t.test('OpenFaaS names and formats', async (t) => {
  const c = loadConfig({ read_timeout: '30', write_timeout: '1m', upstream_timeout: '500ms', basic_auth: 'false', function_namespace: 'staging', basic_auth_user: 'u', basic_auth_password: 'p' });
  t.match(c, { readTimeoutMs: 30_000, writeTimeoutMs: 60_000, upstreamTimeoutMs: 500, basicAuth: false, functionNamespace: 'staging', basicAuthUser: 'u' });
  t.notOk(JSON.stringify(describeConfig(c)).includes('"p"'), 'credentials are not described');
  const withRedisPassword = describeConfig(loadConfig({ redis_url: 'redis://:hunter2@redis:6379/0' }));
  t.equal(withRedisPassword.redisUrl, 'redis://:***@redis:6379/0', 'the Redis password is masked');
});

t.test('every problem reported at once; booleans never coerced', async (t) => {
  t.throws(() => loadConfig({ port: 'x', read_timeout: 'soon', basic_auth: 'maybe' }), /port[\s\S]*read_timeout[\s\S]*basic_auth/);
  t.throws(() => loadConfig({ basic_auth_user: 'only-user' }), /set both or neither/);
  t.throws(() => loadConfig({ function_namespace: 'Bad_NS' }), /function_namespace/);
  t.equal(loadConfig({ basic_auth: 'false' }).basicAuth, false);
});

t.test('image pull policy and registries: default pulls from nowhere; bad values refused', async (t) => {
  t.same(loadConfig({}).imagePolicy, { pullPolicy: 'IfNotPresent', registries: [] }, 'default: local images only');
  t.same(loadConfig({ image_pull_policy: 'Always', image_registries: ' registry.local:5000, ghcr.io ,' }).imagePolicy, {
    pullPolicy: 'Always', registries: ['registry.local:5000', 'ghcr.io'],
  });
  t.throws(() => loadConfig({ image_pull_policy: 'sometimes' }), /image_pull_policy/);
});

t.test('metrics: own bind address (default: bind_address) and optional basic auth, credentials never described', async (t) => {
  t.equal(loadConfig({ bind_address: '0.0.0.0' }).metricsBindAddress, '0.0.0.0', 'follows bind_address');
  const c = loadConfig({ bind_address: '0.0.0.0', metrics_bind_address: '10.1.2.3', metrics_basic_auth_user: 'prom', metrics_basic_auth_password: 'scrape-secret' });
  t.match(c, { bindAddress: '0.0.0.0', metricsBindAddress: '10.1.2.3', metricsBasicAuthUser: 'prom' });
  t.notOk(JSON.stringify(describeConfig(c)).includes('scrape-secret'), 'the metrics password is not described');
  t.throws(() => loadConfig({ metrics_basic_auth_user: 'prom' }), /metrics_basic_auth_user and metrics_basic_auth_password: set both or neither/);
});

t.test('provider: docker by default, swarm on request, anything else refused', async (t) => {
  t.equal(loadConfig({}).provider, 'docker');
  t.equal(loadConfig({ provider: 'swarm' }).provider, 'swarm');
  t.throws(() => loadConfig({ provider: 'kubernetes' }), /provider/);
});
