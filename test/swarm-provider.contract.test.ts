/**
 * The FunctionProvider contract against the Swarm provider on a real three-engine swarm (scripts/swarm-cluster.sh).
 * The host cannot reach overlay addresses, so the provider runs where a gateway would: in a container attached to
 * the functions' overlay network on the manager engine, the repo (built) mounted read-only and the manager's
 * socket mounted; it runs test/helpers/swarm-provider-inside.ts and its TAP becomes a subtest here.
 */
import t from 'tap';
import { BASE_IMAGE } from './helpers/docker.js';
import { swarmTestbed } from './helpers/swarm-testbed.js';

t.setTimeout(300_000);
const bed = await swarmTestbed(t, 'the Swarm provider contract');
if (bed) {
  const { manager, image, runId, label, network, root, mounts } = bed;
  await t.spawn('docker', [
    '-H', manager.host, 'run', '--rm', '--name', `funtainer-fsw-gateway-${runId}`, '--label', label, '--network', network, '--user', '0', ...mounts,
    '-e', `SWARM_TEST_IMAGE=${image}`, '-e', `SWARM_TEST_NETWORK=${network}`, '-e', `SWARM_TEST_RUN=${runId}`,
    ...(process.env['FUNTAINER_TEST_LOG'] ? ['-e', 'FUNTAINER_TEST_LOG=1'] : []),
    '--entrypoint', 'node', BASE_IMAGE, `${root}/test/dist/helpers/swarm-provider-inside.js`,
  ], { timeout: 280_000 }, 'Swarm provider, from a gateway container on the functions overlay');
}
