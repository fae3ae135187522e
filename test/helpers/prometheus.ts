/**
 * A private Prometheus for integration tests: generated config (scrape targets every `scrapeIntervalS`), a
 * temporary TSDB, a free loopback port, readiness awaited with a deadline, and `stop()` that always removes the
 * process and its directory. Skips (with a printed reason) when the binary is not installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './redis.js';

export const PROMETHEUS_BINARY = process.env.FUNTAINER_PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** undefined when the Prometheus binary can be run; otherwise the reason to print when skipping. */
export function prometheusUnavailableReason(): string | undefined {
  return existsSync(PROMETHEUS_BINARY) ? undefined : `Prometheus binary not found at ${PROMETHEUS_BINARY} (apt-get install prometheus)`;
}

export interface TestPrometheusOptions {
  /** `host:port` targets scraped at `/metrics`. */
  readonly targets: readonly string[];
  /** @defaultValue 1 */
  readonly scrapeIntervalS?: number;
  /** @defaultValue 20 000 */
  readonly readyTimeoutMs?: number;
}

export interface TestPrometheus {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Last lines Prometheus printed, for failure messages. */
  logTail(): string;
  stop(): Promise<void>;
}

export async function startPrometheus(options: TestPrometheusOptions): Promise<TestPrometheus> {
  const interval = `${options.scrapeIntervalS ?? 1}s`;
  const dir = await mkdtemp(join(tmpdir(), 'funtainer-prom-'));
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    '  - job_name: gateway',
    '    static_configs:',
    `      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(PROMETHEUS_BINARY, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => { log = (log + chunk.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!killed) child.kill('SIGKILL');
      await Promise.race([exited, sleep(2_000)]);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within ${options.readyTimeoutMs ?? 20_000} ms: ${log}`);
    }
    await sleep(100);
  }
  return { url, logTail: () => log, stop };
}
