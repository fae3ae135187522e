/**
 * The FunctionProvider contract against the Swarm provider on a real three-engine swarm (scripts/swarm-cluster.sh).
 * The host cannot reach overlay addresses, so the provider runs where a gateway would: in a container attached to
 * the functions' overlay network on the manager engine, the repo (built) mounted read-only and the manager's
 * socket mounted; it runs test/helpers/swarm-provider-inside.ts and its TAP becomes a subtest here.
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { BASE_IMAGE, REPO_ROOT, TEST_LABEL, dockerUnavailableReason, ensureEchoImage } from './helpers/docker.js';
import { startSwarmCluster, swarmUnavailableReason } from './helpers/swarm-cluster.js';

t.setTimeout(300_000);
const reason = (await dockerUnavailableReason()) ?? swarmUnavailableReason();
if (reason !== undefined) {
  t.comment(`skipping the Swarm provider contract: ${reason}`);
  t.plan(0, reason);
} else {
  const image = await ensureEchoImage();
  const cluster = await startSwarmCluster(3);
  t.teardown(() => cluster.down());
  await cluster.load(image, BASE_IMAGE);
  const { manager } = cluster;
  const runId = randomBytes(3).toString('hex');
  const label = `${TEST_LABEL}=${runId}`;
  const network = `funtainer-fsw-${runId}`;
  await manager.docker(['network', 'create', '--driver', 'overlay', '--attachable', '--label', label, network]);
  t.teardown(async () => {
    // Whatever a failed test left behind, by label: services first (they hold secrets and the network).
    for (const kind of ['service', 'secret', 'config'] as const) {
      const ids = (await manager.docker([kind, 'ls', '-q', '--filter', `label=${label}`]).catch(() => '')).split('\n').filter(Boolean);
      if (ids.length > 0) await manager.docker([kind, 'rm', ...ids]).catch(() => '');
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // tasks leave the network before it can go
    await manager.docker(['network', 'rm', network]).catch(() => '');
  });

  const root = REPO_ROOT.replace(/\/$/, '');
  const socket = manager.host.replace(/^unix:\/\//, '');
  await t.spawn('docker', [
    '-H', manager.host, 'run', '--rm', '--name', `funtainer-fsw-gateway-${runId}`, '--label', label, '--network', network, '--user', '0',
    '-v', `${root}:${root}:ro`, '-v', `${socket}:/var/run/docker.sock`,
    '-e', `SWARM_TEST_IMAGE=${image}`, '-e', `SWARM_TEST_NETWORK=${network}`, '-e', `SWARM_TEST_RUN=${runId}`,
    ...(process.env['FUNTAINER_TEST_LOG'] ? ['-e', 'FUNTAINER_TEST_LOG=1'] : []),
    '--entrypoint', 'node', BASE_IMAGE, `${root}/test/dist/helpers/swarm-provider-inside.js`,
  ], { timeout: 280_000 }, 'Swarm provider, from a gateway container on the functions overlay');
}
