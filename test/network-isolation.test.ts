/**
 * Function containers are isolated from each other and from the gateway's metrics: two functions deployed through
 * the real gateway over the real Docker provider; from inside A's container, B (by IP and by name) and the
 * gateway's metrics port do not answer, while the gateway still serves both and A reaches itself (control: the
 * probe can succeed). Deleting a function removes its network.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { Registry } from 'prom-client';
import { buildGateway } from '@funtainer/gateway/app';
import { loadConfig } from '@funtainer/gateway/config';
import { setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';
import { docker } from './helpers/docker.js';
import { call } from './helpers/load.js';

t.setTimeout(300_000);
const fixture = await setUpDockerProviderFixture(t);

/** Runs a GET from inside a container with node's fetch; "reached <status>" or "blocked <reason>". */
async function probeFrom(container: string, url: string): Promise<string> {
  const script = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) })`
    + `.then((r) => console.log('reached ' + r.status), (e) => console.log('blocked ' + (e.cause?.code ?? e.name)))`;
  return docker(['exec', container, 'node', '-e', script], 30_000);
}

interface Inspected {
  Id: string;
  NetworkSettings: { Networks: Record<string, { IPAddress: string; Gateway: string }> };
}

async function inspectReplica(runLabel: string, fn: string): Promise<Inspected> {
  const ids = (await docker(['ps', '-q', '--filter', `label=${runLabel}`, '--filter', `label=com.funtainer.function=${fn}`])).split('\n').filter(Boolean);
  if (ids.length !== 1) throw new Error(`expected one replica of ${fn}, found ${ids.length}`);
  return (JSON.parse(await docker(['inspect', ids[0]!])) as Inspected[])[0]!;
}

if (fixture) {
  const { run, image } = fixture;
  const runLabel = Object.entries(run.labels).map(([k, v]) => `${k}=${v}`)[0]!;
  const a = run.uniqueName('iso-a');
  const b = run.uniqueName('iso-b');
  const json = { 'content-type': 'application/json' };

  t.test('a function reaches neither another function nor the gateway metrics; the gateway reaches both', async (t) => {
    const provider = await fixture.makeProvider();
    await provider.start();
    // bind_address and metrics_bind_address left at their defaults: what `npm start` runs with.
    const config = loadConfig({ port: '0', metrics_port: '0', basic_auth: 'false', upstream_timeout: '20s', write_timeout: '25s' });
    const gateway = await buildGateway({ provider, config, registry: new Registry() });
    const { port, metricsPort } = await gateway.listen();
    t.teardown(async () => {
      await gateway.close();
      await provider.close();
    });
    const gw = `http://127.0.0.1:${port}`;
    for (const service of [a, b]) {
      const deployed = await call(`${gw}/system/functions`, { method: 'POST', headers: json, body: JSON.stringify({ service, image, envProcess: 'node handler.js' }) });
      t.equal(deployed.status, 202, `deploy ${service}`);
      const invoked = await call(`${gw}/function/${service}`, { method: 'POST', body: 'hi' });
      t.equal(invoked.status, 200, `the gateway reaches ${service}`);
    }

    const replicaA = await inspectReplica(runLabel, a);
    const replicaB = await inspectReplica(runLabel, b);
    const [, netA] = Object.entries(replicaA.NetworkSettings.Networks)[0]!;
    const ipB = Object.values(replicaB.NetworkSettings.Networks)[0]!.IPAddress;
    t.notOk(Object.keys(replicaA.NetworkSettings.Networks).some((n) => n in replicaB.NetworkSettings.Networks), 'A and B share no network');

    t.match(await probeFrom(replicaA.Id, `http://${netA.IPAddress}:8080/_/health`), /^reached 200/, 'control: A reaches its own watchdog');
    t.match(await probeFrom(replicaA.Id, `http://${ipB}:8080/_/health`), /^blocked/, "A cannot reach B's address");
    t.match(await probeFrom(replicaA.Id, `http://${b}:8080/_/health`), /^blocked/, "A cannot reach B's name");

    // A host service bound to all interfaces is reachable from A at its network's gateway address (control);
    // the gateway's metrics port, on its default bind address, is not.
    const open: Server = createServer((_req, res) => res.end('open'));
    await new Promise<void>((resolve) => open.listen(0, '0.0.0.0', resolve));
    t.teardown(() => new Promise<void>((resolve) => open.close(() => resolve())));
    const openPort = (open.address() as AddressInfo).port;
    t.match(await probeFrom(replicaA.Id, `http://${netA.Gateway}:${openPort}/`), /^reached 200/, 'control: A reaches an all-interfaces host port');
    t.match(await probeFrom(replicaA.Id, `http://${netA.Gateway}:${metricsPort}/metrics`), /^blocked/, 'A cannot reach the gateway metrics port');
    t.match(await probeFrom(replicaA.Id, `http://${netA.Gateway}:${port}/healthz`), /^blocked/, 'A cannot reach the gateway port under the local defaults');

    const networkOfA = Object.keys(replicaA.NetworkSettings.Networks)[0]!;
    t.equal((await call(`${gw}/system/functions`, { method: 'DELETE', headers: json, body: JSON.stringify({ functionName: a }) })).status, 202, 'remove A');
    const left = (await docker(['network', 'ls', '-q', '--filter', `name=^${networkOfA}$`])).split('\n').filter(Boolean);
    t.same(left, [], "A's network is removed with A");
    t.equal((await call(`${gw}/function/${b}`, { method: 'POST', body: 'still' })).status, 200, 'B still served');
  });
}
