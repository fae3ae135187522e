/**
 * Three Docker machines on one (scripts/swarm-cluster.sh): engines in network namespaces of their own on a test
 * bridge, joined into one swarm. Tests get a `docker` runner per engine; the cluster is torn down in teardown.
 * `id` picks one of the script's side-by-side clusters (FUNTAINER_SWARM_ID: its own names, subnet and state).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './docker.js';

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'scripts', 'swarm-cluster.sh');

export interface SwarmEngine {
  readonly index: number;
  /** `unix:///…/docker.sock` of this engine. */
  readonly host: string;
  /** Its address on the test bridge. */
  readonly address: string;
  docker(args: readonly string[], timeoutMs?: number): Promise<string>;
}

export interface SwarmCluster {
  readonly engines: readonly SwarmEngine[];
  readonly manager: SwarmEngine;
  /** Copies images from the host engine into every engine (no registry involved). */
  load(...images: string[]): Promise<void>;
  /** Starts the cluster's registry (plain HTTP on the bridge, every engine trusts it); resolves to its `host:port`. */
  registry(): Promise<string>;
  down(): Promise<void>;
}

/** undefined when a cluster can be built here; otherwise the reason to print when skipping. */
export function swarmUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'the swarm harness needs root (network namespaces, extra dockerd)';
  return undefined;
}

export interface SwarmClusterOptions {
  /** FUNTAINER_SWARM_ID of scripts/swarm-cluster.sh, 0-9. @defaultValue 0 (or the caller's FUNTAINER_SWARM_ID) */
  readonly id?: number;
  /** Engines pull task images (from the cluster's registry); otherwise they only use images `load` copied in. */
  readonly pull?: boolean;
}

export async function startSwarmCluster(size = 3, options: SwarmClusterOptions = {}): Promise<SwarmCluster> {
  const env = {
    ...process.env,
    ...(options.id === undefined ? {} : { FUNTAINER_SWARM_ID: String(options.id) }),
    FUNTAINER_SWARM_PULL: options.pull ? '1' : '0',
  };
  const script = async (args: readonly string[], timeout: number): Promise<string> => (await run('bash', [SCRIPT, ...args], { timeout, env })).stdout.trim();
  const stdout = await script(['up', String(size)], 180_000);
  const engines = stdout.split('\n').map((line): SwarmEngine => {
    const [index, host, address] = line.split(' ') as [string, string, string];
    return {
      index: Number(index), host, address,
      docker: async (args, timeoutMs = 60_000) =>
        (await run('docker', ['-H', host, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 })).stdout.trim(),
    };
  });
  const manager = engines[0];
  if (manager === undefined) throw new Error(`swarm-cluster.sh up printed no engines: ${stdout}`);
  return {
    engines, manager,
    load: async (...images) => void (await script(['load', ...images], 300_000)),
    registry: () => script(['registry'], 60_000),
    down: async () => void (await script(['down'], 120_000)),
  };
}
