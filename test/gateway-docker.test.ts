/**
 * The real gateway over the real Docker provider: deploy → invoke → rolling update under steady load (zero
 * errors) → scale 3 and back to 1 under load (zero errors) → scale to 0 (503 after ready_timeout) and back →
 * restart the gateway (still served) → remove (404); bad inputs answer their 4xx.
 */
import t from 'tap';
import { Registry } from 'prom-client';
import { buildGateway, type Gateway } from '@funtainer/gateway/app';
import { loadConfig } from '@funtainer/gateway/config';
import type { DockerProvider } from '@funtainer/gateway/provider/docker/docker-provider';
import { setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';
import { call, loadLoop } from './helpers/load.js';

t.setTimeout(300_000);
const fixture = await setUpDockerProviderFixture(t);

interface Running {
  gateway: Gateway;
  provider: DockerProvider;
  url: string;
  stop(): Promise<void>;
}

async function startGateway(): Promise<Running> {
  let gateway: Gateway | undefined;
  const provider = await fixture!.makeProvider({ inFlight: (id) => gateway?.inFlight(id) ?? 0 });
  await provider.start();
  const config = loadConfig({ port: '0', metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'false', ready_timeout: '1s', upstream_timeout: '20s', write_timeout: '25s' });
  gateway = await buildGateway({ provider, config, registry: new Registry() });
  const { port } = await gateway.listen();
  const g = gateway;
  return { gateway: g, provider, url: `http://127.0.0.1:${port}`, stop: async () => { await g.close(); await provider.close(); } };
}

if (fixture) {
  const { run, image } = fixture;
  const name = run.uniqueName('gw-echo');
  const spec = (extra: Record<string, unknown> = {}) => JSON.stringify({ service: name, image, envProcess: 'node handler.js', ...extra });
  const json = { 'content-type': 'application/json' };

  t.test('gateway over Docker: full lifecycle under load', async (t) => {
    let gw = await startGateway();
    t.teardown(() => gw.stop());
    const fnUrl = () => `${gw.url}/function/${name}`;

    t.equal((await call(`${gw.url}/system/functions`, { method: 'POST', headers: json, body: spec({ envVars: { VERSION: '1' } }) })).status, 202, 'deploy');
    const first = await call(fnUrl(), { method: 'POST', body: 'hello' });
    t.equal(first.status, 200);
    t.match(JSON.parse(first.body), { echo: 'hello', env: { VERSION: '1' } });

    let load = loadLoop(fnUrl(), 4);
    t.equal((await call(`${gw.url}/system/functions`, { method: 'PUT', headers: json, body: spec({ envVars: { VERSION: '2' } }) })).status, 202, 'update');
    await new Promise((r) => setTimeout(r, 500));
    let result = await load.stop();
    t.same(result.failures, [], `update under load: ${result.ok} ok, no errors`);
    t.match(JSON.parse((await call(fnUrl(), { method: 'POST', body: 'x' })).body), { env: { VERSION: '2' } });

    load = loadLoop(fnUrl(), 4);
    t.equal((await call(`${gw.url}/system/scale-function/${name}`, { method: 'POST', headers: json, body: JSON.stringify({ serviceName: name, replicas: 3 }) })).status, 202);
    await new Promise((r) => setTimeout(r, 500));
    t.equal((await call(`${gw.url}/system/scale-function/${name}`, { method: 'POST', headers: json, body: JSON.stringify({ serviceName: name, replicas: 1 }) })).status, 202);
    await new Promise((r) => setTimeout(r, 500));
    result = await load.stop();
    t.same(result.failures, [], `scale 3 → 1 under load: ${result.ok} ok, no errors`);

    t.equal((await call(`${gw.url}/system/scale-function/${name}`, { method: 'POST', headers: json, body: JSON.stringify({ serviceName: name, replicas: 0 }) })).status, 202);
    const atZero = await call(fnUrl());
    t.equal(atZero.status, 503, 'no replica within ready_timeout');
    t.match(JSON.parse(atZero.body), { code: 'FUNTAINER_ERR_NO_REPLICA' });
    t.equal((await call(`${gw.url}/system/scale-function/${name}`, { method: 'POST', headers: json, body: JSON.stringify({ serviceName: name, replicas: 1 }) })).status, 202);
    t.equal((await call(fnUrl(), { method: 'POST', body: 'back' })).status, 200, 'served again after scaling back');

    await gw.stop();
    gw = await startGateway();
    t.equal((await call(fnUrl(), { method: 'POST', body: 'after restart' })).status, 200, 'served after a gateway restart');

    t.equal((await call(`${gw.url}/system/functions`, { method: 'POST', headers: json, body: JSON.stringify({ service: 'Bad_Name', image }) })).status, 400);
    t.equal((await call(`${gw.url}/system/functions`, { method: 'POST', headers: json, body: spec({ service: run.uniqueName('slow'), labels: { 'com.funtainer.timeout': '5m' } }) })).status, 400);
    t.equal((await call(`${gw.url}/function/${run.uniqueName('missing')}`)).status, 404);
    t.equal((await call(`${gw.url}/system/functions`, { method: 'DELETE', headers: json, body: JSON.stringify({ functionName: name }) })).status, 202, 'remove');
    t.equal((await call(fnUrl())).status, 404, 'gone after remove');
  });
}
