/**
 * The Swarm provider under load, on the three-engine test swarm (scripts/swarm-cluster.sh): a real gateway
 * (gateway/dist/main.js with provider=swarm) runs in a container on the functions' overlay on the manager, and a
 * load-generator container on the same overlay runs test/helpers/swarm-load-inside.ts against it (spread over
 * the nodes, a rolling update and scale 3 → 1 → 3 under load, 0 failed requests); its TAP is a subtest here.
 * Traffic stays on the overlay, i.e. inside the harness's namespaces.
 */
import t from 'tap';
import { BASE_IMAGE } from './helpers/docker.js';
import { swarmTestbed } from './helpers/swarm-testbed.js';

/** Not the contract test's cluster (id 0): each keeps its own swarm state between runs, and both may run at once. */
const CLUSTER_ID = 2;

t.setTimeout(300_000);
const scope = `load-${process.pid}`;
const bed = await swarmTestbed(t, 'the Swarm load test', { id: CLUSTER_ID, labelFilters: [`label=com.funtainer.scope-name=${scope}`] });
if (bed) {
  const { manager, image, runId, label, network, root, mounts } = bed;
  const gatewayName = `funtainer-fsw${CLUSTER_ID}-gateway-${runId}`;
  const gatewayEnv = {
    provider: 'swarm', functions_network: network, functions_scope: scope, bind_address: '0.0.0.0', port: '8080',
    basic_auth: 'false', async_enabled: 'false', autoscaler_enabled: 'false', state_dir: '/tmp/funtainer', log_level: 'warn',
  };
  await manager.docker([
    'run', '-d', '--name', gatewayName, '--label', label, '--network', network, '--user', '0', ...mounts,
    ...Object.entries(gatewayEnv).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    '--entrypoint', 'node', BASE_IMAGE, `${root}/gateway/dist/main.js`,
  ]);
  await t.spawn('docker', [
    '-H', manager.host, 'run', '--rm', '--name', `funtainer-fsw${CLUSTER_ID}-load-${runId}`, '--label', label, '--network', network, '--user', '0', ...mounts,
    '-e', `SWARM_TEST_IMAGE=${image}`, '-e', `SWARM_TEST_GATEWAY=http://${gatewayName}:8080`, '-e', `SWARM_TEST_RUN=${runId}`,
    '--entrypoint', 'node', BASE_IMAGE, `${root}/test/dist/helpers/swarm-load-inside.js`,
  ], { timeout: 200_000 }, 'rolling update and scale under load, through a gateway on the functions overlay');
  if (!t.passing()) t.comment(`gateway log (tail):\n${await manager.docker(['logs', '--tail', '40', gatewayName]).catch((err: unknown) => String(err))}`);
}
