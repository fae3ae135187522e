/**
 * Deploying a scale-to-zero function with the real CLI, against the real gateway, Docker provider and autoscaler
 * (500 ms ticks): the deploy's readiness wait must succeed however short the function's zero-duration is, and
 * the function must still be paused once it has been ready and stayed idle. Before the fix the autoscaler's idle
 * clock started when it first listed the function (while its first replica was still starting), so the first
 * tick after the deploy paused it and `funtainer deploy`/`up` waited 0/1 replicas into its deadline. A function
 * paused once ready counts as deployed for the CLI's readiness wait (the next call wakes it).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from './helpers/cli-process.js';
import { startAutoscaleGateway } from './helpers/autoscale-gateway.js';
import { ensureFixtureImage } from './helpers/docker.js';
import { setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';
import { call, waitFor } from './helpers/load.js';

t.setTimeout(300_000);
const fixture = await setUpDockerProviderFixture(t);

/** The real CLI with its own config dir under `cwd`. */
const cli = (args: string[], cwd: string) => runCli(args, { cwd });

if (fixture) {
  const { run } = fixture;
  const image = await ensureFixtureImage('slow');
  const gw = await startAutoscaleGateway(fixture);
  const work = await mkdtemp(join(tmpdir(), 'funtainer-zero-deploy-'));
  t.teardown(async () => {
    await gw.close();
    await rm(work, { recursive: true, force: true });
  });
  const fnOf = (name: string) => ({ name, namespace: 'openfaas-fn' });

  const stackFor = async (name: string, zeroDuration: string): Promise<string> => {
    const file = join(work, `${name}.yml`);
    await writeFile(file, [
      'version: 1.0', 'provider:', '  name: openfaas', `  gateway: ${gw.url}`, 'functions:', `  ${name}:`, `    image: ${image}`,
      '    labels:', '      com.openfaas.scale.zero: "true"', `      com.openfaas.scale.zero-duration: "${zeroDuration}"`,
      // Every readiness probe waits 1.5 s in the function: the first replica is ready well after the
      // autoscaler (500 ms ticks) has first seen the function and longer than its zero-duration.
      '    environment:', '      ready_path: /?delay=1500', '',
    ].join('\n'));
    return file;
  };

  t.test('deploy of a scale-to-zero function waits until ready, then the idle function is paused', async (t) => {
    // zero-duration shorter than a container start: the case that paused the first replica before it was ready
    const name = run.uniqueName('zerodeploy');
    const deploy = await cli(['deploy', '-f', await stackFor(name, '1s'), '-g', gw.url, '--ready-timeout', '30s'], work);
    t.equal(deploy.code, 0, `funtainer deploy exits 0${deploy.code ? `: ${deploy.stderr}` : ''}`);
    t.match(deploy.stderr, /created and ready/, 'the readiness wait saw a ready replica');
    await waitFor(() => gw.provider.isPaused(fnOf(name)), 'the idle function to be paused after being ready', 30_000, 100);
    const woken = await call(`${gw.url}/function/${name}`, { method: 'POST', body: 'wake' });
    t.equal(woken.status, 200, 'the paused function serves its first call');
  });

  t.test('a paused function: its status says paused (0 available) and describe shows it', async (t) => {
    const name = run.uniqueName('zeropaused');
    // The race of a zero-duration shorter than a start is the case above; here the pause comes well after ready.
    const stack = await stackFor(name, '4s');
    const deploy = await cli(['deploy', '-f', stack, '-g', gw.url, '--ready-timeout', '60s'], work);
    t.equal(deploy.code, 0, `first deploy${deploy.code ? `: ${deploy.stderr}` : ''}`);
    await waitFor(() => gw.provider.isPaused(fnOf(name)), 'the function to be paused', 30_000, 100);
    const status = await call(`${gw.url}/system/function/${name}`);
    t.match(JSON.parse(status.body), { availableReplicas: 0, replicas: 1, status: 'paused' }, 'status reports paused, 0 available');
    const describe = await cli(['describe', name, '-g', gw.url], work);
    t.match(describe.stdout, /Status:\s+Paused/, 'describe shows it paused');
  });
}
