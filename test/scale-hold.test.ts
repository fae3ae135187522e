/**
 * scale-function and the autoscaler agree, through the real gateway with the autoscaler loop running (500 ms
 * ticks) over the real Docker provider: a request above com.openfaas.scale.max is clamped and the 202 body says
 * so; a scale to 0 is not undone by the autoscaler (it used to be, within a tick) and a request wakes it; a
 * held count stays for the announced hold and the usual decisions resume after it.
 */
import t from 'tap';
import { startAutoscaleGateway } from './helpers/autoscale-gateway.js';
import { docker } from './helpers/docker.js';
import { setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';
import { call, waitFor } from './helpers/load.js';

t.setTimeout(300_000);
const fixture = await setUpDockerProviderFixture(t);

if (fixture) {
  const { run, image } = fixture;
  const HOLD_MS = 10_000;
  const gw = await startAutoscaleGateway(fixture, { autoscaler_manual_hold: `${HOLD_MS}ms` });
  t.teardown(() => gw.close());
  const json = { 'content-type': 'application/json' };
  const name = run.uniqueName('held');
  const fn = { name, namespace: 'openfaas-fn' };
  const desired = async () => (await gw.provider.get(fn))?.replicas ?? -1;
  const containers = async () =>
    (await docker(['ps', '-a', '--filter', `label=funtainer.test=${run.runId}`, '--filter', `label=com.funtainer.function=${name}`, '--format', '{{.ID}}'])).split('\n').filter(Boolean).length;
  const scale = async (replicas: number) => {
    const res = await call(`${gw.url}/system/scale-function/${name}`, { method: 'POST', headers: json, body: JSON.stringify({ serviceName: name, replicas }) });
    return { status: res.status, body: res.body === '' ? {} : (JSON.parse(res.body) as Record<string, unknown>) };
  };
  /** Samples desired replicas every 250 ms for `ms`; returns every distinct value seen. */
  const desiredDuring = async (ms: number) => {
    const seen = new Set<number>();
    const end = Date.now() + ms;
    while (Date.now() < end) {
      seen.add(await desired());
      await new Promise((r) => setTimeout(r, 250));
    }
    return [...seen];
  };

  t.test('scale-function: clamped to max, 0 held against the autoscaler, holds end as announced', async (t) => {
    const deployed = await call(`${gw.url}/system/functions`, { method: 'POST', headers: json, body: JSON.stringify({ service: name, image, envProcess: 'node handler.js', labels: { 'com.openfaas.scale.max': '2' } }) });
    t.equal(deployed.status, 202, 'deploy with com.openfaas.scale.max=2');
    await waitFor(async () => (await call(`${gw.url}/function/${name}`, { method: 'POST' })).status === 200, 'the function to serve', 60_000);

    const over = await scale(4);
    t.equal(over.status, 202, 'OpenFaaS status kept');
    t.match(over.body, { requested: 4, replicas: 2, clamped: 'max', max: 2, holdUntil: /^\d{4}-/ }, 'the body says what was applied');
    t.equal(await desired(), 2, 'the provider got 2, not 4');

    const parked = await scale(0);
    t.equal(parked.status, 202);
    t.match(parked.body, { requested: 0, replicas: 0, clamped: null, message: /parked at 0/ });
    await waitFor(async () => (await containers()) === 0, 'the replicas to be removed', 30_000);
    const parkedFor = Date.parse(String(parked.body['holdUntil'])) - Date.now();
    t.ok(parkedFor > 2_000, `hold left after the removal: ${parkedFor} ms`);
    t.same(await desiredDuring(parkedFor - 1_000), [0], 'the autoscaler left it at 0 across several ticks');
    t.equal(await containers(), 0, 'and started no container');
    const woken = await call(`${gw.url}/function/${name}`, { method: 'POST', body: 'wake' });
    t.equal(woken.status, 200, 'a request wakes the parked function');

    const held = await scale(2);
    t.match(held.body, { replicas: 2, clamped: null });
    const heldFor = Date.parse(String(held.body['holdUntil'])) - Date.now();
    t.same(await desiredDuring(heldFor - 1_000), [2], 'no load, yet 2 kept while the hold lasts');
    // Then the autoscaler takes over again: idle → min 1 after its 3 s scale-down delay.
    await waitFor(async () => (await desired()) === 1, 'back to min after the hold', 30_000, 250);
    t.pass('the autoscaler resumed after the hold');
  });
}
