/**
 * The request sequences the real faas-cli sends (docs/openfaas-compat.md §13), replayed as raw HTTP against a
 * listening gateway: headers, bodies and the status codes faas-cli branches on.
 */
import t from 'tap';
import { httpRequest, jsonOf, startGateway, startUpstream } from '../testing/gateway-harness.js';

const CLI = { 'user-agent': 'faas-cli/0.18.12', 'accept-encoding': 'gzip', authorization: 'Bearer' };
const JSON_CT = { ...CLI, 'content-type': 'application/json' };
const deployBody = JSON.stringify({
  service: 'echo', image: 'ghcr.io/example/echo:latest', envProcess: 'cat', envVars: {}, constraints: [], secrets: [],
  labels: {}, annotations: {}, limits: { memory: '128Mi' }, requests: { cpu: '50m' }, readOnlyRootFilesystem: true,
});

t.test('faas-cli deploy / describe / invoke / list / logs / secrets / remove, auth off', async (t) => {
  const up = await startUpstream((req, res) => {
    req.resume();
    req.on('end', () => res.end(`echo ${req.method} ${req.url}`));
  });
  const h = await startGateway({ endpointUrl: () => up.url });
  t.teardown(async () => {
    await h.close();
    await up.close();
  });
  const u = h.url;
  t.equal((await httpRequest(`${u}/system/info`, { headers: CLI })).status, 200, 'version');
  // deploy: PUT first, POST on 404.
  t.equal((await httpRequest(`${u}/system/functions`, { method: 'PUT', headers: JSON_CT, body: deployBody })).status, 404);
  t.equal((await httpRequest(`${u}/system/functions`, { method: 'POST', headers: JSON_CT, body: deployBody })).status, 202);
  // redeploy: PUT succeeds.
  t.equal((await httpRequest(`${u}/system/functions`, { method: 'PUT', headers: JSON_CT, body: deployBody })).status, 202);
  // --replace --update=false: DELETE then POST.
  t.equal((await httpRequest(`${u}/system/functions`, { method: 'DELETE', headers: JSON_CT, body: '{"functionName":"echo"}' })).status, 202);
  t.equal((await httpRequest(`${u}/system/functions`, { method: 'POST', headers: JSON_CT, body: deployBody })).status, 202);
  // describe, then list; "Ready" iff availableReplicas > 0.
  const described = await httpRequest(`${u}/system/function/echo?usage=1`, { headers: CLI });
  t.equal(described.status, 200);
  t.ok((jsonOf(described).availableReplicas as number) > 0);
  t.equal((await httpRequest(`${u}/system/function/nope?usage=1`, { headers: CLI })).status, 404);
  // invoke: the namespace suffix is always appended; invoke sends no Authorization.
  const invoked = await httpRequest(`${u}/function/echo.openfaas-fn`, { method: 'POST', headers: { 'user-agent': 'faas-cli/0.18.12 (openfaas; linux; amd64)', 'content-type': 'text/plain' }, body: 'hi' });
  t.equal(invoked.status, 200);
  t.equal(invoked.body, 'echo POST /');
  t.equal((await httpRequest(`${u}/function/echo.openfaas-fn?q=2`)).body, 'echo GET /?q=2');
  const listed = JSON.parse((await httpRequest(`${u}/system/functions`, { headers: CLI })).body) as Array<{ name: string; invocationCount: number }>;
  t.match(listed, [{ name: 'echo', invocationCount: 2 }]);
  // logs --tail=false
  h.provider.appendLog({ name: 'echo', namespace: 'openfaas-fn' }, 'hello from echo');
  const logs = await httpRequest(`${u}/system/logs?follow=false&name=echo&tail=-1`, { headers: CLI });
  t.equal(logs.status, 200);
  t.match(JSON.parse(logs.body.trim().split('\n')[0] as string), { name: 'echo', namespace: 'openfaas-fn', text: 'hello from echo' });
  // secrets: create, duplicate 409 (→ --replace uses PUT), update, list, remove 202 (never 204).
  t.equal((await httpRequest(`${u}/system/secrets`, { method: 'POST', headers: JSON_CT, body: '{"name":"db","value":"pw"}' })).status, 201);
  t.equal((await httpRequest(`${u}/system/secrets`, { method: 'POST', headers: JSON_CT, body: '{"name":"db","value":"pw2"}' })).status, 409);
  t.equal((await httpRequest(`${u}/system/secrets`, { method: 'PUT', headers: JSON_CT, body: '{"name":"db","value":"pw2"}' })).status, 202);
  t.same(JSON.parse((await httpRequest(`${u}/system/secrets`, { headers: CLI })).body), [{ name: 'db', namespace: 'openfaas-fn' }]);
  t.equal((await httpRequest(`${u}/system/secrets`, { method: 'DELETE', headers: JSON_CT, body: '{"name":"db"}' })).status, 202);
  t.same(JSON.parse((await httpRequest(`${u}/system/namespaces`, { headers: { 'user-agent': 'openfaas-go-sdk' } })).body), ['openfaas-fn']);
  t.equal((await httpRequest(`${u}/healthz`)).status, 200, 'ready');
  // remove
  t.equal((await httpRequest(`${u}/system/functions`, { method: 'DELETE', headers: JSON_CT, body: '{"functionName":"echo"}' })).status, 202);
  t.equal((await httpRequest(`${u}/system/functions`, { method: 'DELETE', headers: JSON_CT, body: '{"functionName":"echo"}' })).status, 404);
  t.equal((await httpRequest(`${u}/function/echo.openfaas-fn`)).status, 404, 'removed function is gone from the invocation path');
});

t.test('faas-cli login: GET /system/functions with basic auth', async (t) => {
  const h = await startGateway({ env: { basic_auth: 'true' }, credentials: { user: 'admin', password: 'pw' } });
  t.teardown(() => h.close());
  const good = `Basic ${Buffer.from('admin:pw').toString('base64')}`;
  t.equal((await httpRequest(`${h.url}/system/functions`, { headers: { ...CLI, authorization: good } })).status, 200);
  t.equal((await httpRequest(`${h.url}/system/functions`, { headers: CLI })).status, 401, 'empty Bearer is not a credential when auth is on');
});
