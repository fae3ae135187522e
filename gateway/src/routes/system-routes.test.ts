/** System API through app.inject(): OpenFaaS bodies and status codes, error codes, auth, 404/405/413. */
import t from 'tap';
import { Registry } from 'prom-client';
import { buildGateway, type Gateway } from '../app.js';
import { MemoryProvider } from '../testing/memory-provider.js';
import { BASIC, TEST_CREDENTIALS, testConfig } from '../testing/gateway-harness.js';

async function gatewayFor(t: Tap, env: Record<string, string> = {}): Promise<{ gw: Gateway; provider: MemoryProvider }> {
  const provider = new MemoryProvider();
  const auth = env.basic_auth === 'true';
  const gw = await buildGateway({ provider, config: testConfig(env), registry: new Registry(), ...(auth ? { credentials: TEST_CREDENTIALS } : {}) });
  t.teardown(() => gw.close());
  return { gw, provider };
}
type Tap = { teardown(fn: () => unknown): void };

const deployment = { service: 'echo', image: 'test/echo:1', labels: {}, annotations: {}, envVars: {} };

t.test('function lifecycle: POST 202, duplicate 409, GET list/one, PUT 202/404, scale, DELETE 202/404', async (t) => {
  const { gw } = await gatewayFor(t);
  const app = gw.app;
  t.equal((await app.inject({ method: 'POST', url: '/system/functions', payload: deployment })).statusCode, 202);
  const dup = await app.inject({ method: 'POST', url: '/system/functions', payload: deployment });
  t.equal(dup.statusCode, 409);
  t.equal(dup.json().code, 'FUNTAINER_ERR_FUNCTION_EXISTS');
  t.equal(dup.headers['x-openfaas-internal'], 'gateway');
  const list = await app.inject({ method: 'GET', url: '/system/functions' });
  t.match(list.json(), [{ name: 'echo', namespace: 'openfaas-fn', image: 'test/echo:1', replicas: 1, availableReplicas: 1, invocationCount: 0 }]);
  const one = await app.inject({ method: 'GET', url: '/system/function/echo?usage=1' });
  t.match(one.json(), { name: 'echo', replicas: 1, availableReplicas: 1, invocationCount: 0 });
  t.equal((await app.inject({ method: 'GET', url: '/system/function/echo?namespace=openfaas-fn' })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/system/function/missing' })).statusCode, 404);
  t.equal((await app.inject({ method: 'PUT', url: '/system/functions', payload: { ...deployment, image: 'test/echo:2' } })).statusCode, 202);
  t.equal((await app.inject({ method: 'PUT', url: '/system/functions', payload: { ...deployment, service: 'other' } })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/system/scale-function/echo', payload: { serviceName: 'echo', replicas: 0 } })).statusCode, 202);
  t.match((await app.inject({ method: 'GET', url: '/system/function/echo' })).json(), { replicas: 0, image: 'test/echo:2' });
  t.equal((await app.inject({ method: 'POST', url: '/system/scale-function/echo', payload: { serviceName: 'echo', replicas: 3 } })).statusCode, 202);
  t.equal((await app.inject({ method: 'POST', url: '/system/scale-function/nope', payload: { serviceName: 'nope', replicas: 1 } })).statusCode, 404);
  t.equal((await app.inject({ method: 'DELETE', url: '/system/functions', payload: { functionName: 'echo' } })).statusCode, 202);
  t.equal((await app.inject({ method: 'DELETE', url: '/system/functions', payload: { functionName: 'echo' } })).statusCode, 404);
});

t.test('bad input: invalid spec lines, bad JSON, timeout over the gateway limits, bad namespace', async (t) => {
  const { gw } = await gatewayFor(t, { upstream_timeout: '30s', write_timeout: '35s' });
  const app = gw.app;
  const bad = await app.inject({ method: 'POST', url: '/system/functions', payload: { service: 'Bad_Name', limits: { memory: 'lots' } } });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().code, 'FUNTAINER_ERR_INVALID_SPEC');
  t.match(bad.json().message, /service: must be a DNS-1123 label/);
  t.match(bad.json().message, /image/);
  t.match(bad.json().message, /limits\.memory/);
  const json = await app.inject({ method: 'POST', url: '/system/functions', headers: { 'content-type': 'application/json' }, payload: '{nope' });
  t.equal(json.statusCode, 400);
  t.equal(json.json().code, 'FUNTAINER_ERR_BAD_JSON');
  const slow = await app.inject({ method: 'POST', url: '/system/functions', payload: { ...deployment, labels: { 'com.funtainer.timeout': '45s' } } });
  t.equal(slow.statusCode, 400);
  t.match(slow.json().message, /45s must be <= gateway upstream_timeout \(30s\) and < gateway write_timeout \(35s\)/);
  t.equal((await app.inject({ method: 'POST', url: '/system/functions', payload: { ...deployment, labels: { 'com.funtainer.timeout': '5s' } } })).statusCode, 202);
  t.equal((await app.inject({ method: 'GET', url: '/system/functions?namespace=NOPE!' })).statusCode, 400);
  t.equal((await app.inject({ method: 'POST', url: '/system/scale-function/echo', payload: { replicas: -1 } })).statusCode, 400);
});

t.test('secrets: POST 201 / 409, PUT 202 / 404, DELETE 202 / 404, list without values, rawValue wins', async (t) => {
  const { gw, provider } = await gatewayFor(t);
  const app = gw.app;
  t.equal((await app.inject({ method: 'POST', url: '/system/secrets', payload: { name: 'api-key', value: 'plain', rawValue: Buffer.from('raw').toString('base64') } })).statusCode, 201);
  t.equal(provider.secretValue({ name: 'api-key', namespace: 'openfaas-fn' })?.toString(), 'raw');
  t.equal((await app.inject({ method: 'POST', url: '/system/secrets', payload: { name: 'api-key', value: 'x' } })).statusCode, 409);
  t.same((await app.inject({ method: 'GET', url: '/system/secrets' })).json(), [{ name: 'api-key', namespace: 'openfaas-fn' }]);
  t.equal((await app.inject({ method: 'PUT', url: '/system/secrets', payload: { name: 'api-key', value: 'new' } })).statusCode, 202);
  t.equal(provider.secretValue({ name: 'api-key', namespace: 'openfaas-fn' })?.toString(), 'new');
  t.equal((await app.inject({ method: 'PUT', url: '/system/secrets', payload: { name: 'nope', value: 'x' } })).statusCode, 404);
  t.equal((await app.inject({ method: 'DELETE', url: '/system/secrets', payload: { name: 'api-key' } })).statusCode, 202);
  t.equal((await app.inject({ method: 'DELETE', url: '/system/secrets', payload: { name: 'api-key' } })).statusCode, 404);
});

t.test('info, namespaces, healthz, redirect, 404 and 405 with codes', async (t) => {
  const { gw } = await gatewayFor(t);
  const app = gw.app;
  t.match((await app.inject({ method: 'GET', url: '/system/info' })).json(), {
    provider: { provider: 'funtainer-memory', orchestration: 'docker', version: { release: 'dev', sha: 'unknown' } },
    version: { release: 'dev', sha: 'unknown', commit_message: String },
    arch: String,
  });
  t.same((await app.inject({ method: 'GET', url: '/system/namespaces' })).json(), ['openfaas-fn']);
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).body, 'OK');
  const root = await app.inject({ method: 'GET', url: '/' });
  t.equal(root.statusCode, 307);
  t.equal(root.headers.location, '/ui/');
  const notFound = await app.inject({ method: 'GET', url: '/nowhere' });
  t.equal(notFound.statusCode, 404);
  t.equal(notFound.json().code, 'FUNTAINER_ERR_NOT_FOUND');
  const wrong = await app.inject({ method: 'PATCH', url: '/system/functions' });
  t.equal(wrong.statusCode, 405);
  t.equal(wrong.json().code, 'FUNTAINER_ERR_METHOD_NOT_ALLOWED');
  t.equal(wrong.headers.allow, 'GET, POST, PUT, DELETE');
  t.equal((await app.inject({ method: 'HEAD', url: '/healthz' })).statusCode, 405);
});

t.test('system bodies are limited (413)', async (t) => {
  const { gw } = await gatewayFor(t, { max_system_body_bytes: '2048' });
  const res = await gw.app.inject({ method: 'POST', url: '/system/functions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...deployment, envVars: { big: 'x'.repeat(4096) } }) });
  t.equal(res.statusCode, 413);
  t.equal(res.json().code, 'FUNTAINER_ERR_BODY_TOO_LARGE');
});

t.test('basic auth on /system/*: 401 + WWW-Authenticate without or with bad credentials; /healthz open', async (t) => {
  const { gw } = await gatewayFor(t, { basic_auth: 'true' });
  const app = gw.app;
  for (const authorization of [undefined, 'Bearer', 'Bearer ', `Basic ${Buffer.from('admin:wrong').toString('base64')}`, 'Basic !!!']) {
    const res = await app.inject({ method: 'GET', url: '/system/functions', headers: authorization === undefined ? {} : { authorization } });
    t.equal(res.statusCode, 401, String(authorization));
    t.equal(res.headers['www-authenticate'], 'Basic realm="Restricted"');
    t.equal(res.json().code, 'FUNTAINER_ERR_UNAUTHORIZED');
  }
  t.equal((await app.inject({ method: 'GET', url: '/system/functions', headers: { authorization: BASIC } })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
});

t.test('auth off: an empty Bearer token (faas-cli without login) is ignored', async (t) => {
  const { gw } = await gatewayFor(t, { basic_auth: 'false' });
  t.equal((await gw.app.inject({ method: 'GET', url: '/system/functions', headers: { authorization: 'Bearer' } })).statusCode, 200);
});

t.test('logs: NDJSON, name required, unknown function 404, bad since 400', async (t) => {
  const { gw, provider } = await gatewayFor(t);
  const app = gw.app;
  await app.inject({ method: 'POST', url: '/system/functions', payload: deployment });
  provider.appendLog({ name: 'echo', namespace: 'openfaas-fn' }, 'first line');
  provider.appendLog({ name: 'echo', namespace: 'openfaas-fn' }, 'second line');
  const res = await app.inject({ method: 'GET', url: '/system/logs?follow=false&name=echo&tail=-1' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /application\/x-ndjson/);
  const lines = res.body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
  t.match(lines, [{ name: 'echo', namespace: 'openfaas-fn', instance: String, timestamp: String, text: 'first line' }, { text: 'second line' }]);
  const tail = await app.inject({ method: 'GET', url: '/system/logs?name=echo&tail=1' });
  t.equal(tail.body.trim().split('\n').length, 1);
  t.equal((await app.inject({ method: 'GET', url: '/system/logs' })).statusCode, 400);
  t.equal((await app.inject({ method: 'GET', url: '/system/logs?name=nope' })).statusCode, 404);
  t.equal((await app.inject({ method: 'GET', url: '/system/logs?name=echo&since=yesterday' })).statusCode, 400);
});

t.test('GET /system/function/<name> shows the autoscaler state when one is wired; bad scaling labels are a 400', async (t) => {
  const provider = new MemoryProvider();
  const asked: string[] = [];
  const gw = await buildGateway({
    provider,
    config: testConfig(),
    registry: new Registry(),
    describeScaling: (fn) => {
      asked.push(`${fn.name}.${fn.namespace}`);
      return { target: 2, current: 1, paused: false, lastDecision: { direction: 'up', reason: 'panic' } };
    },
  });
  t.teardown(() => gw.close());
  t.equal((await gw.app.inject({ method: 'POST', url: '/system/functions', payload: deployment })).statusCode, 202);
  const one = await gw.app.inject({ method: 'GET', url: '/system/function/echo' });
  t.match(one.json(), { name: 'echo', scaling: { target: 2, current: 1, paused: false, lastDecision: { reason: 'panic' } } });
  t.same(asked, ['echo.openfaas-fn']);
  const bad = await gw.app.inject({
    method: 'POST',
    url: '/system/functions',
    payload: { ...deployment, service: 'bad', labels: { 'com.openfaas.scale.min': '5', 'com.openfaas.scale.max': '2' } },
  });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().code, 'FUNTAINER_ERR_INVALID_SPEC');
  t.match(bad.json().message, /com\.openfaas\.scale\.max/);
});
