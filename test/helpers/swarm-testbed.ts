/**
 * What every test on the three-engine swarm starts from: the cluster (torn down in teardown), the echo and base
 * images in every engine, an attachable overlay for the run, and the mounts a container on that overlay needs to
 * run this repo's built code against the manager. The engines keep their state between runs, so teardown
 * removes what the run made, by its label: services first (they hold secrets and the network), then containers.
 */
import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import { BASE_IMAGE, REPO_ROOT, TEST_LABEL, dockerUnavailableReason, ensureEchoImage } from './docker.js';
import { startSwarmCluster, swarmUnavailableReason, type SwarmClusterOptions, type SwarmEngine } from './swarm-cluster.js';

export interface SwarmTestbed {
  readonly manager: SwarmEngine;
  readonly image: string;
  readonly runId: string;
  /** `funtainer.test=<runId>`: on everything the run creates. */
  readonly label: string;
  readonly network: string;
  /** `-v` arguments: the repo read-only at its own path, the manager's socket at /var/run/docker.sock. */
  readonly mounts: readonly string[];
  /** The built repo's root as the container sees it (its own path). */
  readonly root: string;
}

/** undefined (and the test planned empty) where the harness cannot run; `what` names the test in the skip. */
export async function swarmTestbed(t: Test, what: string, options: SwarmClusterOptions & { readonly labelFilters?: readonly string[] } = {}): Promise<SwarmTestbed | undefined> {
  const reason = (await dockerUnavailableReason()) ?? swarmUnavailableReason();
  if (reason !== undefined) {
    t.comment(`skipping ${what}: ${reason}`);
    t.plan(0, reason);
    return undefined;
  }
  const image = await ensureEchoImage();
  const cluster = await startSwarmCluster(3, options);
  t.teardown(() => cluster.down());
  await cluster.load(image, BASE_IMAGE);
  const { manager } = cluster;
  const runId = randomBytes(3).toString('hex');
  const label = `${TEST_LABEL}=${runId}`;
  const network = `funtainer-fsw${options.id ?? ''}-${runId}`;
  await manager.docker(['network', 'create', '--driver', 'overlay', '--attachable', '--label', label, network]);
  t.teardown(async () => {
    const filters = [`label=${label}`, ...(options.labelFilters ?? [])];
    for (const kind of ['service', 'secret', 'config'] as const) {
      for (const filter of filters) {
        const found = (await manager.docker([kind, 'ls', '-q', '--filter', filter]).catch(() => '')).split('\n').filter(Boolean);
        if (found.length > 0) await manager.docker([kind, 'rm', ...found]).catch(() => '');
      }
    }
    // Then the run's own containers (a gateway left running by a failed test), which hold the network too.
    const ids = (await manager.docker(['ps', '-aq', '--filter', `label=${label}`]).catch(() => '')).split('\n').filter(Boolean);
    if (ids.length > 0) await manager.docker(['rm', '-f', ...ids]).catch(() => '');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // tasks leave the network before it can go
    await manager.docker(['network', 'rm', network]).catch(() => '');
  });
  const root = REPO_ROOT.replace(/\/$/, '');
  const socket = manager.host.replace(/^unix:\/\//, '');
  return { manager, image, runId, label, network, root, mounts: ['-v', `${root}:${root}:ro`, '-v', `${socket}:/var/run/docker.sock`] };
}
