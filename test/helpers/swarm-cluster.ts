/**
 * Three Docker machines on one (scripts/swarm-cluster.sh): engines in network namespaces of their own on a test
 * bridge, joined into one swarm. Tests get a `docker` runner per engine; the cluster is torn down in teardown.
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
  down(): Promise<void>;
}

/** undefined when a cluster can be built here; otherwise the reason to print when skipping. */
export function swarmUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'the swarm harness needs root (network namespaces, extra dockerd)';
  return undefined;
}

export interface SwarmClusterOptions {
  /**
   * FUNTAINER_SWARM_ID of scripts/swarm-cluster.sh (0-9): its own names, subnet and state, so clusters of
   * several runs coexist. @defaultValue the environment's FUNTAINER_SWARM_ID, else 0
   */
  readonly id?: number;
}

export async function startSwarmCluster(size = 3, options: SwarmClusterOptions = {}): Promise<SwarmCluster> {
  const env = options.id === undefined ? process.env : { ...process.env, FUNTAINER_SWARM_ID: String(options.id) };
  const script = (args: readonly string[], timeout: number) => run('bash', [SCRIPT, ...args], { timeout, env });
  const { stdout } = await script(['up', String(size)], 180_000);
  const engines = stdout.trim().split('\n').map((line): SwarmEngine => {
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
    down: async () => void (await script(['down'], 120_000)),
  };
}
