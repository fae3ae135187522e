/**
 * The multi-machine harness itself (the base of issue 12, part 4): three engines, each in a network namespace of its own,
 * form one swarm (1 manager, 2 workers); a service's replicas spread over the three, and every task answers
 * over the overlay network from a container on another engine. The Swarm provider's tests build on this.
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { dockerUnavailableReason, ensureEchoImage } from './helpers/docker.js';
import { startSwarmCluster, swarmUnavailableReason } from './helpers/swarm-cluster.js';

t.setTimeout(300_000);
const reason = (await dockerUnavailableReason()) ?? swarmUnavailableReason();
if (reason !== undefined) {
  t.comment(`skipping the swarm harness: ${reason}`);
  t.plan(0, reason);
} else {
  t.test('three engines in namespaces form one swarm; replicas spread and answer over the overlay', async (t) => {
    const image = await ensureEchoImage();
    const cluster = await startSwarmCluster(3);
    t.teardown(() => cluster.down());
    const { manager } = cluster;
    const nodes = (await manager.docker(['node', 'ls', '--format', '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'])).split('\n').map((line) => line.trim()).sort();
    t.same(nodes, ['fsw-1 Ready Leader', 'fsw-2 Ready', 'fsw-3 Ready'], 'one manager, two workers, all Ready');

    await cluster.load(image);
    const tag = randomBytes(3).toString('hex');
    const network = `fsw-net-${tag}`;
    const service = `fsw-echo-${tag}`;
    await manager.docker(['network', 'create', '--driver', 'overlay', '--attachable', '--label', 'funtainer.test.swarm=1', network]);
    t.teardown(() => manager.docker(['network', 'rm', network]).catch(() => {}));
    await manager.docker(['service', 'create', '--detach', '--quiet', '--name', service, '--network', network, '--replicas', '3',
      '--replicas-max-per-node', '1', '--no-resolve-image', '--label', 'funtainer.test.swarm=1', image]);
    t.teardown(() => manager.docker(['service', 'rm', service]).catch(() => {}));

    const deadline = Date.now() + 120_000;
    let running: string[] = [];
    while (Date.now() < deadline) {
      running = (await manager.docker(['service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.Node}} {{.CurrentState}}']))
        .split('\n').filter((line) => / Running /.test(line));
      if (running.length === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    t.same(running.map((line) => line.split(' ')[0]).sort(), ['fsw-1', 'fsw-2', 'fsw-3'], 'one replica on each engine');

    // From a container on a worker: every task, found through Swarm's tasks.<service> DNS, answers.
    const probe = `const a = await (await import('node:dns')).promises.resolve4('tasks.${service}');
      const r = []; for (const ip of a) r.push((await fetch('http://' + ip + ':8080/', { method: 'POST', body: 'hi' })).status);
      console.log(JSON.stringify(r));`;
    const worker = cluster.engines[1];
    const out = await worker!.docker(['run', '--rm', '--network', network, '--label', 'funtainer.test.swarm=1', '--entrypoint', 'node', image,
      '--input-type=module', '-e', probe], 120_000);
    t.same(JSON.parse(out.split('\n').pop() ?? '[]'), [200, 200, 200], 'three tasks, three 200s across the overlay');
  });
}
