/**
 * The real gateway over the real Docker provider, for what a registry or the engine refuses:
 *  - images: an unknown image is a 400 naming it, and only a registry named in image_registries is ever
 *    contacted (two loopback listeners of this test stand in for registries and count connections); no error
 *    carries the engine's text (it held the host's DNS resolver address);
 *  - replicas the engine refuses (more CPUs than the host has, which deploy-time validation cannot know):
 *    `GET /system/function` says `failing` with the engine's reason, `funtainer describe` prints it, and a call
 *    fails at once with REPLICA_REFUSED instead of waiting for ready_timeout; a fixed definition recovers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import t from 'tap';
import { buildGateway, type Gateway } from '@funtainer/gateway/app';
import { loadConfig } from '@funtainer/gateway/config';
import { runCli } from './helpers/cli-process.js';
import { setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';
import { call, waitFor } from './helpers/load.js';

t.setTimeout(300_000);
const fixture = await setUpDockerProviderFixture(t);

/** A loopback TCP listener standing in for a registry: answers 404 to anything and counts connections. */
async function fakeRegistry(): Promise<{ host: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    socket.on('error', () => {});
    socket.once('data', () => socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return { host: `127.0.0.1:${port}`, connections: () => connections, close: () => new Promise((done) => server.close(() => done())) };
}

/** The real CLI with its own empty config dir under `cwd`. */
const cli = (args: string[], cwd: string) => runCli(args, { cwd, timeoutMs: 60_000 });

if (fixture) {
  const { run, image } = fixture;
  const named = await fakeRegistry();
  const unnamed = await fakeRegistry();
  const work = await mkdtemp(join(tmpdir(), 'funtainer-failures-'));
  let gateway: Gateway | undefined;
  // ready_timeout stays at its 10 s default: a refused function must answer well before it
  const config = loadConfig({ port: '0', metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'false', image_registries: named.host });
  const provider = await fixture.makeProvider({ imagePolicy: config.imagePolicy, inFlight: (id) => gateway?.inFlight(id) ?? 0 });
  await provider.start();
  gateway = await buildGateway({ provider, config, registry: new Registry() });
  const url = `http://127.0.0.1:${(await gateway.listen()).port}`;
  const running = gateway;
  t.teardown(async () => {
    await running.close();
    await provider.close();
    await named.close();
    await unnamed.close();
    await rm(work, { recursive: true, force: true });
  });
  const json = { 'content-type': 'application/json' };
  const deploy = (body: Record<string, unknown>, method = 'POST') => call(`${url}/system/functions`, { method, headers: json, body: JSON.stringify(body) }, 120_000);
  const HOST_DETAILS = /lookup|dial tcp|\d+\.\d+\.\d+\.\d+:53|registry-1\.docker\.io/;

  t.test('images: an unknown image is a 400 naming it; only the registry the operator named is contacted', async (t) => {
    const missing = `funtainer-missing-${run.runId}:1`;
    const local = await deploy({ service: run.uniqueName('nohub'), image: missing });
    t.equal(local.status, 400, 'not present, Docker Hub not named: refused');
    t.match(JSON.parse(local.body), { code: 'FUNTAINER_ERR_IMAGE_NOT_PULLABLE', image: missing, registry: 'docker.io' });
    t.match(local.body, missing, 'the error names the image');
    t.notMatch(local.body, HOST_DETAILS, 'and nothing about the host');

    const elsewhere = await deploy({ service: run.uniqueName('elsewhere'), image: `${unnamed.host}/fn:${run.runId}` });
    t.match(JSON.parse(elsewhere.body), { code: 'FUNTAINER_ERR_IMAGE_NOT_PULLABLE', registry: unnamed.host });
    t.equal(unnamed.connections(), 0, 'a registry the operator did not name is never contacted');

    const fromNamed = `${named.host}/fn:${run.runId}`;
    const pulled = await deploy({ service: run.uniqueName('named'), image: fromNamed });
    t.equal(pulled.status, 400, 'a failed pull is the deployer\'s 400');
    t.match(JSON.parse(pulled.body), { code: 'FUNTAINER_ERR_IMAGE_PULL', image: fromNamed, registry: named.host });
    t.notMatch(pulled.body, HOST_DETAILS, 'the engine\'s text stays in the log');
    t.ok(named.connections() > 0, 'the named registry was asked');
    t.equal((await call(`${url}/system/function/${run.uniqueName('named')}`)).status, 404, 'nothing was stored');
  });

  t.test('replicas the engine refuses: status failing with its reason, calls fail fast, a fix recovers', async (t) => {
    const service = run.uniqueName('refused');
    const tooManyCpus = String(cpus().length * 16 + 16);
    const spec = { service, image, envProcess: 'node handler.js' };
    const deployed = await deploy({ ...spec, limits: { cpu: tooManyCpus } });
    t.equal(deployed.status, 202, 'the definition is accepted (only the engine knows it cannot run it)');
    t.teardown(() => call(`${url}/system/functions`, { method: 'DELETE', headers: json, body: JSON.stringify({ functionName: service }) }).then(() => undefined));

    const status = JSON.parse((await call(`${url}/system/function/${service}`)).body);
    t.match(status, { replicas: 1, availableReplicas: 0, status: 'failing', lastError: { code: 'FUNTAINER_ERR_REPLICA_REFUSED', message: /CPUs/ } });
    t.type(status.lastError?.at, 'string', 'when it was refused');

    const started = Date.now();
    const invoked = await call(`${url}/function/${service}`, { method: 'POST', body: 'hi' });
    const tookMs = Date.now() - started;
    t.equal(invoked.status, 503);
    t.match(JSON.parse(invoked.body), { code: 'FUNTAINER_ERR_REPLICA_REFUSED', message: new RegExp(`${service}.*CPUs`) });
    t.ok(tookMs < 5_000, `the call failed fast (${tookMs} ms, ready_timeout is 10 s)`);

    const described = await cli(['describe', service, '-g', url], work);
    t.match(described.stdout, /Status:\s+Failing/, 'describe says failing');
    t.match(described.stdout, /Last error:\s+.*CPUs.*FUNTAINER_ERR_REPLICA_REFUSED/, 'and why');

    const fixed = await deploy(spec, 'PUT');
    t.equal(fixed.status, 202, 'update with a limit the engine accepts');
    await waitFor(async () => JSON.parse((await call(`${url}/system/function/${service}`)).body).status === 'ready', 'the fixed function to be ready', 60_000);
    const recovered = JSON.parse((await call(`${url}/system/function/${service}`)).body);
    t.equal(recovered.lastError, undefined, 'the refusal is cleared');
    t.equal((await call(`${url}/function/${service}`, { method: 'POST', body: 'hi' })).status, 200, 'and it serves');
  });
}
