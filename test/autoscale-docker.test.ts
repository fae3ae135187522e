/**
 * Autoscaling end to end: the real gateway, the real Docker provider, createAutoscaling with short windows and
 * a real Prometheus scraping the gateway every second (the metrics source). Load → replicas rise within the
 * 10 s reaction target and fall back to min, with steady traffic and no error throughout; idle → paused (in
 * Docker, seen by a second gateway) → removed, and served from both; 100 concurrent requests at zero → one
 * scale-up; Alertmanager webhooks; bad scaling labels rejected at deploy.
 */
import t, { type Test } from 'tap';
import { metricName } from '@funtainer/core/names';
import { runPausableContract } from '@funtainer/gateway/autoscaler/pausable.contract';
import { startAutoscaleGateway, type AutoscaleGateway } from './helpers/autoscale-gateway.js';
import { docker, ensureFixtureImage } from './helpers/docker.js';
import { setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';

import { call, loadLoop, waitFor } from './helpers/load.js';

t.setTimeout(480_000);
const fixture = await setUpDockerProviderFixture(t);

if (fixture) {
  const { run } = fixture;
  const image = await ensureFixtureImage('slow');
  const gw: AutoscaleGateway = await startAutoscaleGateway(fixture);
  t.teardown(() => gw.close());
  t.comment(`metrics source: ${gw.source}`);
  const json = { 'content-type': 'application/json' };
  const fnOf = (name: string) => ({ name, namespace: 'openfaas-fn' });
  const ready = (name: string) => gw.provider.endpoints(fnOf(name))?.length ?? 0;
  const desired = async (name: string) => (await gw.provider.get(fnOf(name)))?.replicas ?? -1;
  /** Docker's own view: the states of the function's containers, e.g. ['paused']. */
  const dockerStates = async (name: string) =>
    (await docker(['ps', '-a', '--filter', `label=funtainer.test=${run.runId}`, '--filter', `label=com.funtainer.function=${name}`, '--format', '{{.State}}'])).split('\n').filter(Boolean);
  const deploy = async (service: string, labels: Record<string, string>) =>
    call(`${gw.url}/system/functions`, { method: 'POST', headers: json, body: JSON.stringify({ service, image, labels }) });
  const deployServing = async (t: Test, service: string, labels: Record<string, string>) => {
    t.equal((await deploy(service, labels)).status, 202, `deploy ${service}`);
    await waitFor(async () => (await call(`${gw.url}/function/${service}`, { method: 'POST' })).status === 200, `${service} to serve`, 60_000);
  };

  t.test('load scales up within 10 s and back to min, with no error under steady traffic', async (t) => {
    const name = run.uniqueName('hot');
    await deployServing(t, name, { 'com.openfaas.scale.target': '5', 'com.openfaas.scale.max': '4' });
    // ~3 req/s throughout: under one replica's target, so it never holds replicas up by itself.
    const steady = loadLoop(`${gw.url}/function/${name}?delay=300`, 1);
    await new Promise((r) => setTimeout(r, 2_000));
    const burst = loadLoop(`${gw.url}/function/${name}?delay=100`, 50);
    const reactionMs = await waitFor(() => ready(name) >= 2, 'a second ready replica', 30_000, 50);
    t.ok(reactionMs <= 10_000, `second replica serving ${reactionMs} ms after the load step (target ≤ 10 s)`);
    await waitFor(() => ready(name) >= 4, 'max replicas', 30_000);
    const burstResult = await burst.stop();
    t.same(burstResult.failures, [], `burst: ${burstResult.ok} answered, no error`);
    const downMs = await waitFor(async () => ready(name) === 1 && (await desired(name)) === 1, 'replicas back to min', 60_000, 200);
    t.comment(`back to 1 replica ${downMs} ms after the burst stopped`);
    const steadyResult = await steady.stop();
    t.same(steadyResult.failures, [], `steady traffic through scale up and down: ${steadyResult.ok} answered, no 5xx`);
  });

  t.test('idle with scale.zero: paused (in Docker, seen by a second gateway), then removed; served from both', async (t) => {
    const name = run.uniqueName('sleepy');
    const fn = fnOf(name);
    await deployServing(t, name, { 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.zero-duration': '3s' });
    await waitFor(() => gw.provider.isPaused(fn), 'the idle function to be paused', 40_000, 100);
    t.equal(ready(name), 0, 'paused replicas are out of the endpoints');
    t.equal(await desired(name), 1, 'desired count kept while paused');
    t.same(await dockerStates(name), ['paused'], 'Docker reports the container paused');

    const second = await fixture.makeProvider();
    await second.start();
    t.ok(second.isPaused(fn), 'a second gateway (fresh provider) sees the function paused');
    t.same(second.endpoints(fn), [], 'and gives it no endpoint');
    await second.close();
    t.same(await dockerStates(name), ['paused'], 'the second gateway left it paused');

    const started = Date.now();
    const fromPaused = await call(`${gw.url}/function/${name}`, { method: 'POST', body: 'wake' });
    t.equal(fromPaused.status, 200, `served from paused in ${Date.now() - started} ms`);
    t.notOk(gw.provider.isPaused(fn), 'unpaused by the request');
    t.same(await dockerStates(name), ['running']);

    await waitFor(() => gw.provider.isPaused(fn), 'paused again', 40_000, 100);
    await waitFor(async () => (await desired(name)) === 0, 'removed after zero_remove_after', 40_000, 200);
    await waitFor(async () => (await dockerStates(name)).length === 0, 'paused containers removed', 20_000, 200);
    const coldStarted = Date.now();
    const fromRemoved = await call(`${gw.url}/function/${name}`, { method: 'POST', body: 'cold' });
    t.equal(fromRemoved.status, 200, `served from removed in ${Date.now() - coldStarted} ms`);
    t.equal(await desired(name), 1);
  });

  // A function with two ready replicas the autoscaler leaves alone: scale.zero with a long idle time means it
  // neither pauses it nor (once the deploy request left the panic window) wakes or resizes it.
  let quietCount = 0;
  const quietFunction = async (t: Test, prefix: string) => {
    const name = run.uniqueName(`${prefix}${++quietCount}`);
    const fn = fnOf(name);
    await deployServing(t, name, { 'com.openfaas.scale.min': '2', 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.zero-duration': '10m' });
    await waitFor(() => ready(name) === 2, 'two ready replicas', 30_000);
    const panicLoad = () => (gw.scaling.autoscaler.state(fn) as { lastDecision?: { inputs?: { loadPanic?: number } } } | undefined)?.lastDecision?.inputs?.loadPanic;
    await waitFor(() => panicLoad() === 0, 'the deploy request to leave the panic window', 20_000);
    return { name, fn };
  };

  t.test('the Docker provider passes the PausableProvider contract (the same suite as the in-memory fake)', async (t) => {
    await runPausableContract(t, 'docker', async (st) => ({ provider: gw.provider, fn: (await quietFunction(st, 'frozen')).fn }), { readyDeadlineMs: 30_000 });
  });

  t.test('paused containers: Docker reports them paused and the reconciler neither removes nor replaces them', async (t) => {
    const { name, fn } = await quietFunction(t, 'iced');
    await gw.provider.pause(fn);
    t.same(await dockerStates(name), ['paused', 'paused']);
    await new Promise((r) => setTimeout(r, 2_500)); // past a sweep (1 s in tests): paused is not dead
    t.same(await dockerStates(name), ['paused', 'paused'], 'the reconciler neither removed nor replaced them');
    await gw.provider.scale(fn, 0);
    t.same(await dockerStates(name), [], 'scale 0 removes the paused containers');
  });

  t.test('100 concurrent requests at zero: exactly one scale-up, all answered', async (t) => {
    const name = run.uniqueName('burst');
    // zero=true keeps the autoscaler from bringing it back by itself; the long duration keeps it from pausing.
    await deployServing(t, name, { 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.zero-duration': '10m' });
    const scale = await call(`${gw.url}/system/scale-function/${name}`, { method: 'POST', headers: json, body: JSON.stringify({ serviceName: name, replicas: 0 }) });
    t.equal(scale.status, 202);
    await waitFor(async () => (await dockerStates(name)).length === 0, 'replicas removed', 30_000);

    const answers = await Promise.all(Array.from({ length: 100 }, () => call(`${gw.url}/function/${name}?delay=50`, { method: 'POST', body: 'x' })));
    const statuses = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    t.same(statuses, { 200: 100 }, 'all 100 answered 200');
    const hosts = new Set(answers.map((a) => (JSON.parse(a.body) as { hostname: string }).hostname));
    t.equal(hosts.size, 1, 'served by a single replica');
    t.equal(await desired(name), 1, 'desired 1, not one per request');
    t.equal((await dockerStates(name)).length, 1, 'exactly one container created');
    const exposition = await gw.registry.getSingleMetricAsString('gateway_function_cold_start_seconds');
    const coldStarts = exposition.split('\n').filter((line) => line.startsWith('gateway_function_cold_start_seconds_count') && line.includes(`"${metricName(fnOf(name))}"`));
    t.same(coldStarts.map((line) => Number(line.split(' ').pop())), [1], 'one cold start recorded');
  });

  t.test('Alertmanager webhook: firing steps up, resolved goes to min, malformed is 400', async (t) => {
    const name = run.uniqueName('alerted');
    await deployServing(t, name, { 'com.openfaas.scale.max': '4', 'com.openfaas.scale.factor': '50' });
    const alert = (status: string) => JSON.stringify({
      status, receiver: 'scale-up', alerts: [{ status, labels: { alertname: 'APIHighInvocationRate', function_name: name } }],
    });
    const firing = await call(`${gw.url}/system/alert`, { method: 'POST', headers: json, body: alert('firing') });
    t.equal(firing.status, 200);
    t.match(JSON.parse(firing.body), { results: [{ function: metricName(fnOf(name)), from: 1, to: 3 }] });
    t.equal(await desired(name), 3, 'stepped up by ceil(max × factor / 100) = 2');
    const resolved = await call(`${gw.url}/system/alert`, { method: 'POST', headers: json, body: alert('resolved') });
    t.match(JSON.parse(resolved.body), { results: [{ to: 1 }] });
    t.equal(await desired(name), 1, 'resolved → min');
    for (const body of ['', '{not json', JSON.stringify({ status: 'firing', receiver: 'x', alerts: [] })]) {
      const bad = await call(`${gw.url}/system/alert`, { method: 'POST', headers: json, body });
      t.equal(bad.status, 400, `malformed body ${JSON.stringify(body.slice(0, 20))} → 400`);
    }
  });

  t.test('bad scaling labels reject the deploy with a 400 naming the label', async (t) => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['max below min', { 'com.openfaas.scale.min': '5', 'com.openfaas.scale.max': '2' }, /scale\.max=2 is lower than com\.openfaas\.scale\.min=5/],
      ['negative min', { 'com.openfaas.scale.min': '-1' }, /com\.openfaas\.scale\.min="-1": must be an integer/],
      ['non-numeric target', { 'com.openfaas.scale.target': 'lots' }, /com\.openfaas\.scale\.target="lots": must be a number/],
      ['target-proportion out of range', { 'com.openfaas.scale.target-proportion': '1.5' }, /target-proportion="1\.5": must be a number in \(0, 1\]/],
    ];
    for (const [what, labels, message] of cases) {
      const name = run.uniqueName(`bad-${what.split(' ')[0]}`);
      const res = await deploy(name, labels);
      t.equal(res.status, 400, `${what} → 400`);
      t.match(JSON.parse(res.body), { code: 'FUNTAINER_ERR_INVALID_SPEC', message }, `${what}: the message names the label`);
      t.equal(gw.provider.endpoints(fnOf(name)), undefined, `${what}: nothing deployed`);
    }
  });
}
