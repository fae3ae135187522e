/**
 * A replica killed under load: the real gateway over the real Docker provider, a function with 3 replicas,
 * concurrent client loops, `docker kill` of one replica mid-load. Requests the gateway had picked the dead
 * replica for are refused before anything is sent and go to another ready replica: none of them fails. The
 * requests the replica was serving when it died are the only possible failures (502, requestSent=true).
 */
import t from 'tap';
import { Registry } from 'prom-client';
import { buildGateway, type Gateway } from '@funtainer/gateway/app';
import { loadConfig } from '@funtainer/gateway/config';
import { docker } from './helpers/docker.js';
import { setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';
import { call, loadLoop, waitFor } from './helpers/load.js';

t.setTimeout(300_000);
const fixture = await setUpDockerProviderFixture(t);

if (fixture) {
  const { run, image } = fixture;

  t.test('docker kill of one of 3 replicas under steady load: no request fails that never reached a replica', async (t) => {
    let gateway: Gateway | undefined;
    const provider = await fixture.makeProvider({ inFlight: (id) => gateway?.inFlight(id) ?? 0 });
    await provider.start();
    const config = loadConfig({ port: '0', metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'false', ready_timeout: '10s', upstream_timeout: '20s', write_timeout: '25s' });
    gateway = await buildGateway({ provider, config, registry: new Registry() });
    const { port } = await gateway.listen();
    const running = gateway;
    t.teardown(async () => {
      await running.close();
      await provider.close();
    });
    const url = `http://127.0.0.1:${port}`;
    const name = run.uniqueName('kill');
    const fn = { name, namespace: 'openfaas-fn' };
    const deployed = await call(`${url}/system/functions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: name, image, envProcess: 'node handler.js', labels: { 'com.openfaas.scale.min': '3' } }),
    });
    t.equal(deployed.status, 202, 'deploy with 3 replicas');
    await waitFor(() => (provider.endpoints(fn)?.length ?? 0) === 3, '3 ready replicas', 90_000, 100);

    const clients = 8;
    const load = loadLoop(`${url}/function/${name}`, clients);
    await new Promise((r) => setTimeout(r, 1_500));
    const victim = provider.endpoints(fn)?.[0]?.id as string;
    await docker(['kill', victim]);
    t.comment(`killed replica ${victim.slice(0, 12)}`);
    await waitFor(() => !(provider.endpoints(fn) ?? []).some((e) => e.id === victim), 'the provider to drop the killed replica', 30_000, 50);
    await new Promise((r) => setTimeout(r, 1_500));
    const result = await load.stop();
    t.ok(result.ok >= 200, `a few hundred requests under load (${result.ok} answered)`);
    // A request the dead replica had already received may have run there: it is answered 502 with
    // requestSent=true, never replayed. Every other request (the ones its refused connects would have
    // failed) must succeed; at most one request per client can have been in flight when the kill happened.
    const notSent = result.failures.filter((f) => !f.includes('"requestSent":true'));
    t.same(notSent, [], 'no failed request that never reached a replica');
    t.ok(result.failures.length <= clients, `only requests in flight on the killed replica failed (${result.failures.length})`);
    if (result.failures.length > 0) t.comment(`in flight on the killed replica at the kill: ${result.failures.length}`);
  });
}
