/**
 * A slow start does not hold the function hostage (issue 10): deploy checks the image once, and waits for its
 * replica's readiness off the function's lock, so a scale of the same function during the start is answered
 * (here: to 0, which also ends the deploy's wait) instead of queueing behind ready_timeout.
 * Real Docker; the "slow" fixture's readiness goes through its handler (ready_path) with a delay.
 */
import t from 'tap';
import Docker from 'dockerode';
import { ensureFixtureImage } from './helpers/docker.js';
import { setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';
import { waitFor } from './helpers/load.js';

const fixture = await setUpDockerProviderFixture(t);
if (fixture) {
  t.test('a scale during a slow start is answered; the deploy checks its image once', async (t) => {
    const image = await ensureFixtureImage('slow');
    const real = new Docker();
    const inspected: string[] = [];
    // Count the engine's image lookups: one per deploy, not one more per reconcile pass.
    const docker = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'getImage') return (name: string) => (inspected.push(name), target.getImage(name));
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const provider = await fixture.makeProvider({ docker, readyTimeoutMs: 60_000, readyPollMs: 200 });
    await provider.start();
    t.teardown(() => provider.close());
    const service = fixture.run.uniqueName('slowstart');
    const fn = { name: service, namespace: 'openfaas-fn' };
    // Each readiness probe waits 10 s in the handler: the replica stays "starting" until ready_timeout.
    const spec = fixture.spec(service, { image, envVars: { ready_path: '/?delay=10000' } });
    t.teardown(() => provider.remove(fn).catch(() => {}));

    const deployStarted = Date.now();
    let deployedAt: number | undefined;
    const deploying = provider.deploy(spec).then(() => (deployedAt = Date.now()));
    await waitFor(async () => (await provider.get(fn))?.replicas === 1, 'the definition is stored and a replica launched', 30_000);
    t.equal(provider.endpoints(fn)?.length ?? 0, 0, 'not ready yet');

    const scaleStarted = Date.now();
    await provider.scale(fn, 0);
    const scaleMs = Date.now() - scaleStarted;
    t.ok(scaleMs < 15_000, `a scale during the slow start answered in ${scaleMs} ms (ready_timeout is 60 s)`);
    await deploying;
    t.ok((deployedAt ?? Infinity) - deployStarted < 30_000, 'the deploy returned once its replica was retired, not at ready_timeout');
    t.match(await provider.get(fn), { replicas: 0, availableReplicas: 0 });
    t.equal(inspected.filter((n) => n === image).length, 1, `the image was inspected once (${inspected.length} lookups)`);
  });
}
