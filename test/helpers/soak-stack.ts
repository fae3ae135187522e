/**
 * The stack a soak run drives, as separate processes like `npm start` runs them: the real gateway (main.js,
 * Docker provider, autoscaler, async routes) and a real queue-worker, on free loopback ports, with a scope of
 * their own so the run sees and removes only its own containers; plus a local callback receiver.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { docker } from './docker.js';
import { spawnWorker, startScriptedServer, type HttpRecorder, type WorkerProcess } from './processes-async.js';
import { freePort } from './redis.js';

const GATEWAY_MAIN = fileURLToPath(new URL('../../../gateway/dist/main.js', import.meta.url));

export interface SoakStack {
  readonly gatewayUrl: string;
  readonly gatewayPid: number;
  readonly workerPid: number;
  readonly receiver: HttpRecorder;
  readonly scope: string;
  /** Main pid of one running replica of `fn` (changes across rolling updates), or undefined between them. */
  replicaPid(fn: string): Promise<number | undefined>;
  output(): string;
  close(): Promise<void>;
}

export async function startSoakStack(redisUrl: string): Promise<SoakStack> {
  const scope = `soak-${randomBytes(3).toString('hex')}`;
  const state = await mkdtemp(join(tmpdir(), 'funtainer-soak-'));
  const [port, metricsPort] = [await freePort(), await freePort()];
  const queueName = `${scope}-async`;
  let output = '';
  const gateway: ChildProcess = spawn(process.execPath, [GATEWAY_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      port: String(port), metrics_port: String(metricsPort), bind_address: '127.0.0.1', basic_auth: 'false',
      state_dir: state, secrets_dir: join(state, 'secrets'), functions_scope: scope, functions_network: `${scope}-net`,
      redis_url: redisUrl, async_queue_name: queueName, log_level: 'warn', ready_timeout: '20s', callback_allow_private: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  gateway.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  gateway.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const healthy = await fetch(`${gatewayUrl}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
    if (healthy) break;
    if (Date.now() > deadline || gateway.exitCode !== null) throw new Error(`soak gateway did not start within 30 s:\n${output.slice(-2000)}`);
    await sleep(100);
  }
  const worker: WorkerProcess = spawnWorker({
    redis_url: redisUrl, queue_name: queueName, gateway_url: gatewayUrl, concurrency: '32', max_per_function: '32', log_level: 'warn',
    // The receiver is on loopback: operators allow that explicitly (the default policy refuses it).
    callback_allow_private: 'true',
  });
  const receiver = await startScriptedServer(() => ({ status: 200, body: '' }));
  const filter = `label=com.funtainer.scope-name=${scope}`;

  return {
    gatewayUrl,
    gatewayPid: gateway.pid as number,
    workerPid: worker.child.pid as number,
    receiver,
    scope,
    async replicaPid(fn) {
      const ids = (await docker(['ps', '-q', '--filter', filter, '--filter', `label=com.funtainer.function=${fn}`, '--filter', 'status=running'])).split('\n').filter(Boolean);
      if (ids.length === 0) return undefined;
      const pid = Number((await docker(['inspect', '-f', '{{.State.Pid}}', ids[0] as string])).trim());
      return pid > 0 ? pid : undefined;
    },
    output: () => `${output}\n--- worker ---\n${worker.output()}`,
    async close() {
      await worker.stop('SIGTERM');
      if (gateway.exitCode === null) {
        const exited = new Promise((resolve) => gateway.once('exit', resolve));
        gateway.kill('SIGTERM');
        const timer = setTimeout(() => gateway.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      await receiver.close();
      const containers = (await docker(['ps', '-aq', '--filter', filter])).split('\n').filter(Boolean);
      if (containers.length > 0) await docker(['rm', '-f', ...containers]).catch(() => '');
      const networks = (await docker(['network', 'ls', '-q', '--filter', filter])).split('\n').filter(Boolean);
      for (const n of networks) await docker(['network', 'rm', n]).catch(() => '');
      await docker(['network', 'rm', `${scope}-net`]).catch(() => '');
      await rm(state, { recursive: true, force: true });
    },
  };
}
