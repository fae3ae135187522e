/**
 * Redis for async tests: reachability check (tests skip with a printed reason when absent), unique queue names,
 * teardown that obliterates the queue and its callback queue, and a private redis-server (AOF, noeviction) on a
 * free port for tests that restart Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

export const SHARED_REDIS_URL = process.env.FUNTAINER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Undefined when Redis answers PING, else the reason to print when skipping. */
export async function redisUnavailableReason(url = SHARED_REDIS_URL): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (err) {
    return `Redis not reachable at ${url} (${(err as Error).message}); start it with scripts/env.sh`;
  } finally {
    client.disconnect();
  }
}

export function uniqueQueueName(prefix = 'it'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Removes every key of the request queue, its callback queue and cancelled-call records. */
export async function obliterateQueues(url: string, queueName: string): Promise<void> {
  const connection = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  connection.on('error', () => {});
  try {
    for (const name of [queueName, `${queueName}-callbacks`]) {
      const queue = new Queue(name, { connection });
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
    const leftovers = await connection.keys(`bull:${queueName}*`);
    if (leftovers.length > 0) await connection.del(...leftovers);
  } finally {
    connection.disconnect();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A private redis-server with AOF and noeviction; stop() + start() restarts it on the same port and dir. */
export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  /** SHUTDOWN (flushes the AOF) and wait for the process to exit. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'funtainer-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction', '--dir', dir, '--save', ''], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while ((await redisUnavailableReason(url)) !== undefined) {
      if (Date.now() > deadline) throw new Error(`own redis-server on ${port} did not start within 10s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  async function stop(): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await start();
  return {
    url,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
