/**
 * The gateway in a container (as under docker-compose): the real Docker provider runs inside a container on the
 * same engine (the repo mounted at its own path, the Docker socket mounted), with no `gateway_container` set. It
 * must find its own container, join the function's network, reach the replica (deploy waits for it to answer
 * ready, then an invocation), and on remove take the network away although it is connected to it.
 */
import t from 'tap';
import { BASE_IMAGE, docker, REPO_ROOT } from './helpers/docker.js';
import { setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';

t.setTimeout(300_000);
const fixture = await setUpDockerProviderFixture(t);

if (fixture) {
  const { run, image } = fixture;
  const service = run.uniqueName('in-ctr');
  const runLabel = Object.entries(run.labels).map(([k, v]) => `${k}=${v}`)[0]!;

  t.test('a containerised gateway joins the function network, reaches the replica, removes the network', async (t) => {
    const options = { network: run.network, secretsDir: run.secretsDir, extraLabels: run.labels, readyTimeoutMs: 30_000, drainMs: 100, stopGraceSeconds: 3 };
    const script = `
      const { DockerProvider } = await import(${JSON.stringify(`${REPO_ROOT}gateway/dist/provider/docker/docker-provider.js`)});
      const { FunctionDeploymentSchema } = await import(${JSON.stringify(`${REPO_ROOT}core/dist/contracts.js`)});
      const provider = await DockerProvider.create(${JSON.stringify(options)});
      await provider.start();
      const fn = { name: ${JSON.stringify(service)}, namespace: 'openfaas-fn' };
      await provider.deploy(FunctionDeploymentSchema.parse({ service: fn.name, image: ${JSON.stringify(image)}, envProcess: 'node handler.js' }));
      const [endpoint] = provider.endpoints(fn) ?? [];
      const res = await fetch(endpoint.url + '/', { method: 'POST', body: 'from inside', signal: AbortSignal.timeout(10000) });
      const body = await res.json();
      console.log('RESULT ' + JSON.stringify({ status: res.status, echo: body.echo, url: endpoint.url }));
      await provider.remove(fn);
      await provider.close();
      console.log('REMOVED');
    `;
    const output = await docker([
      'run', '--rm', '--label', runLabel, '-v', '/var/run/docker.sock:/var/run/docker.sock',
      '-v', `${REPO_ROOT}:${REPO_ROOT}:ro`, '-v', `${run.secretsDir}:${run.secretsDir}`, '-w', REPO_ROOT,
      BASE_IMAGE, 'node', '--input-type=module', '-e', script,
    ], 180_000);
    const line = output.split('\n').find((l) => l.startsWith('RESULT '));
    t.ok(line, `the provider in the container reported (output: ${output.slice(-500)})`);
    const result = JSON.parse(line?.slice('RESULT '.length) ?? '{}') as { status?: number; echo?: string };
    t.equal(result.status, 200, 'the containerised gateway reaches the replica');
    t.equal(result.echo, 'from inside');
    t.match(output, /REMOVED/, 'remove() completed');
    const left = (await docker(['network', 'ls', '-q', '--filter', `label=${runLabel}`, '--filter', 'label=com.funtainer.network=function'])).split('\n').filter(Boolean);
    t.same(left, [], 'the function network is gone although the gateway container was connected to it');
  });
}
