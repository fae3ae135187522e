import type { AddressInfo } from 'node:net';
import t from 'tap';
import { Registry } from 'prom-client';
import { loadConfig } from './config.js';
import { startMetricsServer } from './worker-metrics.js';

t.test('defaults', async (t) => {
  const c = loadConfig({});
  t.match(c, { redisUrl: 'redis://127.0.0.1:6379', queueName: 'funtainer-async', callbackQueueName: 'funtainer-async-callbacks', gatewayUrl: 'http://127.0.0.1:8080', concurrency: 50, maxPerFunction: 10, invokeTimeoutMs: 60_000, metricsPort: 8083 });
  t.same(c.retry, { attempts: 5, codes: [408, 429, 500, 502, 503, 504], minWaitMs: 1000, maxWaitMs: 120_000 });
  t.equal(c.gatewayCredentials, undefined);
  t.ok(Object.isFrozen(c));
});

t.test('durations accept seconds and Go-style strings', async (t) => {
  const c = loadConfig({ invoke_timeout: '90', retry_min_wait: '250ms', retry_max_wait: '2m', callback_timeout: '1m30s' });
  t.equal(c.invokeTimeoutMs, 90_000);
  t.equal(c.retry.minWaitMs, 250);
  t.equal(c.retry.maxWaitMs, 120_000);
  t.equal(c.callbackTimeoutMs, 90_000);
});

t.test('retry codes are a comma list of statuses', async (t) => {
  t.same(loadConfig({ retry_codes: '429, 503' }).retry.codes, [429, 503]);
  t.throws(() => loadConfig({ retry_codes: '429,abc' }), { code: 'FUNTAINER_ERR_CONFIG_INVALID', message: /retry_codes/ });
  t.throws(() => loadConfig({ retry_codes: '99' }), { message: /retry_codes/ });
});

t.test('topic streams: a comma list of topic names, each read from prefix + name', async (t) => {
  const c = loadConfig({ topic_streams: 'orders, payments,orders', topic_claim_idle: '5s', topic_consumer: 'w1' });
  t.same(c.topicStreams, [{ topic: 'orders', key: 'funtainer:topic:orders' }, { topic: 'payments', key: 'funtainer:topic:payments' }]);
  t.equal(c.topicClaimIdleMs, 5000);
  t.equal(c.topicConsumer, 'w1');
  t.same(loadConfig({ topic_streams: 'a', topic_stream_prefix: '' }).topicStreams, [{ topic: 'a', key: 'a' }]);
  t.same(loadConfig({}).topicStreams, [], 'none by default: the source does not start');
  t.match(loadConfig({}).topicConsumer, /-\d+$/, 'default consumer name: host and pid');
  t.throws(() => loadConfig({ topic_streams: 'ok,bad/name' }), { code: 'FUNTAINER_ERR_CONFIG_INVALID', message: /topic_streams[\s\S]*bad\/name/ });
});

t.test('every bad variable is named in one error', async (t) => {
  t.throws(() => loadConfig({ concurrency: '0', gateway_url: 'ftp://x', redis_url: 'http://x', invoke_timeout: 'soon' }), {
    code: 'FUNTAINER_ERR_CONFIG_INVALID',
    message: /concurrency[\s\S]*gateway_url|gateway_url[\s\S]*concurrency/,
  });
  try {
    loadConfig({ concurrency: '0', gateway_url: 'ftp://x', redis_url: 'http://x', invoke_timeout: 'soon' });
  } catch (err) {
    for (const name of ['concurrency', 'gateway_url', 'redis_url', 'invoke_timeout']) t.match((err as Error).message, name);
  }
});

t.test('cross-field rules', async (t) => {
  t.throws(() => loadConfig({ retry_min_wait: '10s', retry_max_wait: '1s' }), { message: /retry_min_wait/ });
  t.throws(() => loadConfig({ concurrency: '4', max_per_function: '5' }), { message: /max_per_function/ });
});

t.test('gateway credentials from values or files, both or neither', async (t) => {
  t.same(loadConfig({ basic_auth_user: 'admin', basic_auth_password: 'pw' }).gatewayCredentials, { user: 'admin', password: 'pw' });
  const files: Record<string, string> = { '/run/secrets/user': 'admin\n', '/run/secrets/pass': 's3cret\n' };
  const fromFiles = loadConfig({ basic_auth_user_file: '/run/secrets/user', basic_auth_password_file: '/run/secrets/pass' }, (p) => files[p] ?? '');
  t.same(fromFiles.gatewayCredentials, { user: 'admin', password: 's3cret' });
  t.throws(() => loadConfig({ basic_auth_user: 'admin' }), { message: /together/ });
  t.throws(() => loadConfig({ basic_auth_user_file: '/missing', basic_auth_password: 'x' }, () => { throw new Error('ENOENT'); }), { message: /could not be read/ });
});

t.test('gateway_url trailing slash is trimmed', async (t) => {
  t.equal(loadConfig({ gateway_url: 'http://gw:8080/' }).gatewayUrl, 'http://gw:8080');
});

t.test('the metrics server listens on loopback unless metrics_bind_address says otherwise', async (t) => {
  t.equal(loadConfig({ metrics_bind_address: '0.0.0.0' }).metricsBindAddress, '0.0.0.0');
  const server = await startMetricsServer(new Registry(), 0, loadConfig({}).metricsBindAddress);
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.equal((server.address() as AddressInfo).address, '127.0.0.1');
});
