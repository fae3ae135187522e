/**
 * The host side of bench/swarm.mjs: the test swarm and a gateway container on its overlay (provider=swarm), a
 * gateway container on the host engine (provider=docker), clients run in those containers' network namespaces,
 * and cleanup of everything by the run's labels. Prints one JSON object; writes it to bench/results/ too.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BASE_IMAGE, REPO_ROOT, ensureEchoImage } from '../test/dist/helpers/docker.js';
import { startSwarmCluster } from '../test/dist/helpers/swarm-cluster.js';

const run = promisify(execFile);
const SELF = fileURLToPath(new URL('./swarm.mjs', import.meta.url));
const ID = Number(process.env.FUNTAINER_SWARM_ID ?? 2);

const gatewayEnv = (extra) => Object.entries({
  bind_address: '0.0.0.0', port: '8080', basic_auth: 'false', async_enabled: 'false', autoscaler_enabled: 'false',
  state_dir: '/tmp/funtainer', log_level: 'warn', ready_timeout: '60s', ...extra,
}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);

/** A gateway (gateway/dist/main.js) in a container on `engine`; resolves to the pid whose network namespace clients join. */
async function startGateway(dockerArgs, name, label, network, socket, env) {
  const root = REPO_ROOT.replace(/\/$/, '');
  await run('docker', [...dockerArgs, 'run', '-d', '--name', name, '--label', label, ...(network ? ['--network', network] : []), '--user', '0',
    '-v', `${root}:${root}:ro`, '-v', `${socket}:/var/run/docker.sock`, ...gatewayEnv(env),
    '--entrypoint', 'node', BASE_IMAGE, `${root}/gateway/dist/main.js`]);
  return (await run('docker', [...dockerArgs, 'inspect', '-f', '{{.State.Pid}}', name])).stdout.trim();
}

/** Runs `command` in the network namespace of process `pid` (a gateway container), with the host's binaries. */
const inNetns = (pid, command, env = {}, timeout = 300_000) =>
  run('nsenter', [`--net=/proc/${pid}/ns/net`, ...command], { env: { ...process.env, ...env }, timeout, maxBuffer: 16 << 20 });

async function wrk(pid, url, duration, connections) {
  const { stdout } = await inNetns(pid, ['wrk', '-t1', `-c${connections}`, `-d${duration}`, '--latency', url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const p50 = /^\s+50%\s+(\S+)/m.exec(stdout)?.[1];
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? '0';
  return { rps, p50, non2xx: Number(errors) };
}

export async function main({ tries, duration, connections }) {
  const runId = randomBytes(3).toString('hex');
  const label = `funtainer.bench=${runId}`;
  const scope = `bench-${runId}`;
  const image = await ensureEchoImage();
  const results = { runId, tries, duration, connections, startedAt: new Date().toISOString() };
  const cluster = await startSwarmCluster(3, { id: ID });
  const { manager } = cluster;
  const swarm = ['-H', manager.host];
  const socket = manager.host.replace(/^unix:\/\//, '');
  const network = `funtainer-fsw${ID}-bench-${runId}`;
  const env = { BENCH_IMAGE: image, BENCH_RUN: runId, BENCH_GATEWAY: 'http://127.0.0.1:8080' };
  try {
    await cluster.load(image, BASE_IMAGE);
    await manager.docker(['network', 'create', '--driver', 'overlay', '--attachable', '--label', label, network]);
    const swarmPid = await startGateway(swarm, `funtainer-fsw${ID}-bench-gw-${runId}`, label, network, socket, { provider: 'swarm', functions_network: network, functions_scope: scope });
    const dockerPid = await startGateway([], `funtainer-bench-gw-${runId}`, label, undefined, '/var/run/docker.sock', { provider: 'docker', functions_scope: scope, functions_network: `funtainer-bench-${runId}` });

    // 1 + 2: cold start through the gateway vs raw service create, inside the Swarm gateway's namespace.
    const { stdout } = await inNetns(swarmPid, ['node', SELF, '--tries', String(tries)], { ...env, BENCH_INSIDE: 'cold', BENCH_NETWORK: network, BENCH_MANAGER: socket });
    Object.assign(results, JSON.parse(/^RESULT (.*)$/m.exec(stdout)?.[1] ?? '{}'));
    results.coldVsRaw = Math.round((results.coldStartP50Ms / results.rawServiceCreateP50Ms) * 100) / 100;

    // 3: scale-up reaction, by a gateway of its own in that namespace.
    const reacted = await inNetns(swarmPid, ['node', SELF], { ...env, BENCH_INSIDE: 'reaction', BENCH_NETWORK: network, BENCH_MANAGER: socket });
    Object.assign(results, JSON.parse(/^RESULT (.*)$/m.exec(reacted.stdout)?.[1] ?? '{}'));

    // 4: the data path, both functions on this machine (the Swarm one on the manager, beside its gateway).
    const warm = `warm-${runId}`;
    await inNetns(swarmPid, ['node', SELF], { ...env, BENCH_INSIDE: 'deploy', BENCH_FUNCTION: warm, BENCH_CONSTRAINT: 'node.role==manager' });
    await inNetns(dockerPid, ['node', SELF], { ...env, BENCH_INSIDE: 'deploy', BENCH_FUNCTION: warm });
    const url = `http://127.0.0.1:8080/function/${warm}`;
    await wrk(swarmPid, url, '2s', connections); // warm-up, each side
    await wrk(dockerPid, url, '2s', connections);
    const rounds = { swarm: [], docker: [] };
    for (let i = 0; i < 2; i++) {
      // Alternating who goes first, so the machine's drift falls on both.
      for (const side of i % 2 === 0 ? ['swarm', 'docker'] : ['docker', 'swarm']) rounds[side].push(await wrk(side === 'swarm' ? swarmPid : dockerPid, url, duration, connections));
    }
    const mean = (list) => Math.round(list.reduce((sum, r) => sum + r.rps, 0) / list.length);
    results.dataPath = { swarmRps: mean(rounds.swarm), dockerRps: mean(rounds.docker), rounds };
    results.dataPath.swarmVsDocker = Math.round((results.dataPath.swarmRps / results.dataPath.dockerRps) * 100) / 100;
    results.targets = { coldStartP50Ms: '≤ 1500', reactionMs: '≤ 10000', swarmVsDocker: '≥ 0.8' };
  } finally {
    await cleanup(manager, label, scope);
    await cluster.down();
  }
  console.log(JSON.stringify(results, null, 2));
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL(`./results/swarm-${results.startedAt.replace(/[:.]/g, '-')}.json`, import.meta.url), JSON.stringify(results, null, 2));
}

/** Only what this run made, by its labels: the swarm's services first, then containers, volumes, networks. */
async function cleanup(manager, label, scope) {
  const quiet = (p) => p.catch(() => ({ stdout: '' }));
  const list = (kind) => (kind === 'container' ? ['ps', '-aq'] : [kind, 'ls', '-q']);
  const ids = async (dockerArgs, kind, filter) => (await quiet(run('docker', [...dockerArgs, ...list(kind), '--filter', filter]))).stdout.split('\n').filter(Boolean);
  const swarm = ['-H', manager.host];
  for (const filter of [`label=${label}`, `label=com.funtainer.scope-name=${scope}`]) {
    for (const [args, kind] of [[swarm, 'service'], [swarm, 'container'], [[], 'container'], [[], 'volume'], [[], 'network'], [swarm, 'network']]) {
      const found = await ids(args, kind, filter);
      if (found.length === 0) continue;
      await quiet(run('docker', [...args, ...(kind === 'container' ? ['rm', '-f'] : [kind, 'rm']), ...found]));
      if (kind === 'service') await new Promise((resolve) => setTimeout(resolve, 2_000)); // tasks leave the network
    }
  }
}
