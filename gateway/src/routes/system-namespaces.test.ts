/**
 * The multi-namespace API through a real gateway (app.inject and one real socket for /function/<name>.<ns>):
 * faasd's status codes, coded errors for every bad input, and functions/secrets isolated per namespace.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { Registry } from 'prom-client';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { buildGateway } from '../app.js';
import { MemoryProvider } from '../testing/memory-provider.js';
import { testConfig } from '../testing/gateway-harness.js';

const json = { 'content-type': 'application/json' };

t.test('lifecycle: POST 201, duplicate 409, GET 200/404, PUT 202/404, DELETE 409 while used, 202, 404', async (t) => {
  const gw = await buildGateway({ provider: new MemoryProvider(), config: testConfig(), registry: new Registry() });
  t.teardown(() => gw.close());
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
    const res = await gw.app.inject({ method, url, headers: json, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
    return { status: res.statusCode, body: res.body === '' ? undefined : (res.json() as Record<string, unknown>) };
  };
  t.equal((await call('POST', '/system/namespace/', { name: 'staging', labels: { team: 'web' } })).status, 201);
  t.match(await call('POST', '/system/namespace/', { name: 'staging' }), { status: 409, body: { code: 'FUNTAINER_ERR_NAMESPACE_EXISTS' } });
  t.equal((await call('POST', '/system/namespace/dev', {})).status, 201, 'the name may come from the path');
  t.same((await call('GET', '/system/namespaces')).body, ['openfaas-fn', 'dev', 'staging']);
  t.same((await call('GET', '/system/namespace/staging')).body, { name: 'staging', labels: { openfaas: '1', team: 'web' }, annotations: {} });
  t.match(await call('GET', '/system/namespace/nope'), { status: 404, body: { code: 'FUNTAINER_ERR_NAMESPACE_NOT_FOUND' } });
  t.equal((await call('PUT', '/system/namespace/staging', { name: 'staging', annotations: { owner: 'ops' } })).status, 202);
  t.match((await call('GET', '/system/namespace/staging')).body, { annotations: { owner: 'ops' } });
  t.match(await call('PUT', '/system/namespace/nope', {}), { status: 404, body: { code: 'FUNTAINER_ERR_NAMESPACE_NOT_FOUND' } });

  t.equal((await call('POST', '/system/functions', { service: 'echo', image: 'test/echo:1', namespace: 'staging' })).status, 202);
  t.equal((await call('POST', '/system/functions', { service: 'echo', image: 'test/echo:1' })).status, 202, 'the same name in another namespace');
  t.match(await call('DELETE', '/system/namespace/staging'), { status: 409, body: { code: 'FUNTAINER_ERR_NAMESPACE_NOT_EMPTY' } });
  t.equal((await call('DELETE', '/system/functions', { functionName: 'echo', namespace: 'staging' })).status, 202);
  t.equal((await call('DELETE', '/system/namespace/staging')).status, 202);
  t.match(await call('DELETE', '/system/namespace/staging'), { status: 404, body: { code: 'FUNTAINER_ERR_NAMESPACE_NOT_FOUND' } });
  t.equal((await call('GET', '/system/function/echo')).status, 200, 'the default namespace\'s echo is untouched');
});

t.test('bad input: every case a coded 4xx naming what is wrong', async (t) => {
  const gw = await buildGateway({ provider: new MemoryProvider(), config: testConfig(), registry: new Registry() });
  t.teardown(() => gw.close());
  const cases: Array<[string, 'POST' | 'PUT' | 'DELETE', string, string | undefined, number, string, RegExp]> = [
    ['bad JSON', 'POST', '/system/namespace/', '{', 400, 'FUNTAINER_ERR_BAD_JSON', /JSON/],
    ['no name anywhere', 'POST', '/system/namespace/', '{}', 400, 'FUNTAINER_ERR_INVALID_SPEC', /name: a namespace name is required/],
    ['not a DNS label', 'POST', '/system/namespace/', '{"name":"Bad_NS"}', 400, 'FUNTAINER_ERR_INVALID_SPEC', /name: must be a DNS-1123 label/],
    ['bad name in the path', 'POST', '/system/namespace/Bad_NS', '{}', 400, 'FUNTAINER_ERR_INVALID_NAME', /Bad_NS/],
    ['body and path disagree', 'PUT', '/system/namespace/dev', '{"name":"prod"}', 400, 'FUNTAINER_ERR_BAD_REQUEST', /"prod" but the path names "dev"/],
    ['bad label key', 'POST', '/system/namespace/', '{"name":"x1","labels":{"bad key!":"v"}}', 400, 'FUNTAINER_ERR_INVALID_SPEC', /labels/],
    ['deleting the configured namespace', 'DELETE', '/system/namespace/openfaas-fn', undefined, 400, 'FUNTAINER_ERR_BAD_REQUEST', /function_namespace/],
    ['deploy into a missing namespace', 'POST', '/system/functions', '{"service":"echo","image":"test/echo:1","namespace":"ghost"}', 400, 'FUNTAINER_ERR_INVALID_SPEC', /namespace "ghost"/],
    ['secret in a missing namespace', 'POST', '/system/secrets', '{"name":"k","value":"v","namespace":"ghost"}', 400, 'FUNTAINER_ERR_BAD_REQUEST', /namespace "ghost"/],
  ];
  for (const [what, method, url, payload, status, code, message] of cases) {
    const res = await gw.app.inject({ method, url, headers: json, ...(payload === undefined ? {} : { payload }) });
    t.equal(res.statusCode, status, `${what}: status`);
    t.match(res.json(), { code, message }, `${what}: body`);
  }
});

t.test('/function/<name>.<namespace> reaches that namespace\'s function; secrets are listed per namespace', async (t) => {
  // One upstream per namespace, each answering with its name, so a reply says which function served it.
  const ports = new Map<string, number>();
  for (const ns of ['team-a', 'openfaas-fn']) {
    const upstream = createServer((req, res) => res.end(`${ns}${req.url}`));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    t.teardown(() => upstream.close());
    ports.set(ns, (upstream.address() as AddressInfo).port);
  }
  const provider = new MemoryProvider({ endpointUrl: (fn) => `http://127.0.0.1:${ports.get(fn.namespace)}` });
  const gw = await buildGateway({ provider, config: testConfig(), registry: new Registry() });
  t.teardown(() => gw.close());
  await provider.createNamespace({ name: 'team-a', labels: {}, annotations: {} });
  await provider.deploy(FunctionDeploymentSchema.parse({ service: 'echo', image: 'test/echo:1', namespace: 'team-a' }));
  await provider.deploy(FunctionDeploymentSchema.parse({ service: 'echo', image: 'test/echo:1' }));
  await provider.createSecret({ name: 'key', namespace: 'team-a', value: Buffer.from('v') });
  const { port } = await gw.listen();
  for (const [path, expected] of [['/function/echo.team-a/x', 'team-a/x'], ['/function/echo/x', 'openfaas-fn/x']] as const) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    t.equal(await res.text(), expected, path);
  }
  t.same((await gw.app.inject({ url: '/system/secrets?namespace=team-a' })).json(), [{ name: 'key', namespace: 'team-a' }]);
  t.same((await gw.app.inject({ url: '/system/secrets' })).json(), [], 'the default namespace has none');
});
