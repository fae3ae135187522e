/**
 * startWatchdog(config, deps): builds and starts everything a watchdog process runs — executor, function server,
 * metrics server, lifecycle — without touching process.* (main.ts does that), so tests run it in-process on port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChildLogWriter } from './child-logs.js';
import type { EnvMap, WatchdogConfig } from './config.js';
import type { WatchdogError } from './errors.js';
import { createExecutor } from './executors/index.js';
import { Lifecycle, defaultLockPath } from './lifecycle.js';
import type { Logger } from './logger.js';
import { createMetricsServer, WatchdogMetrics } from './metrics.js';
import { createRequestListener } from './request-router.js';
import { drainServer } from './shutdown.js';

export interface WatchdogDeps {
  readonly log: Logger;
  readonly childLog: ChildLogWriter;
  /** Environment for function processes (main.ts passes process.env). */
  readonly baseEnv: EnvMap;
  /** The mode cannot continue (http-mode child died); main.ts exits 1 so the container restarts. */
  readonly onFatal: (err: WatchdogError) => void;
  /** @defaultValue `<os.tmpdir()>/.lock` */
  readonly lockPath?: string;
  /** Listen address. @defaultValue '0.0.0.0' (inside a container) */
  readonly host?: string;
  /** Where fork_helper=auto looks for the native fork helper. @defaultValue none (Node spawn) */
  readonly forkHelperCandidates?: readonly string[];
}

export interface RunningWatchdog {
  readonly port: number;
  readonly metricsPort: number;
  readonly lifecycle: Lifecycle;
  readonly metrics: WatchdogMetrics;
  /** SIGTERM sequence: not ready → wait healthcheck_interval → finish in-flight (≤ write_timeout) → stop. */
  shutdown(): Promise<void>;
}

export async function startWatchdog(config: WatchdogConfig, deps: WatchdogDeps): Promise<RunningWatchdog> {
  const host = deps.host ?? '0.0.0.0';
  const lifecycle = new Lifecycle(deps.lockPath ?? defaultLockPath(), config.suppressLock);
  const metrics = new WatchdogMetrics();
  const executor = createExecutor(config, deps);
  await executor.start();

  const server = createServer(
    {
      // read_timeout bounds receiving the whole request, as Go's ReadTimeout does.
      requestTimeout: config.readTimeoutMs,
      headersTimeout: config.readTimeoutMs > 0 ? Math.min(config.readTimeoutMs, 60_000) : 60_000,
    },
    createRequestListener({ config, executor, lifecycle, metrics, log: deps.log }),
  );
  const metricsServer = createMetricsServer(metrics);
  try {
    await listen(server, config.port, host);
    await listen(metricsServer, config.metricsPort, host);
    lifecycle.markReady();
  } catch (err) {
    server.close();
    metricsServer.close();
    await executor.stop();
    throw err;
  }

  let shutdownPromise: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    metricsPort: (metricsServer.address() as AddressInfo).port,
    lifecycle,
    metrics,
    shutdown() {
      shutdownPromise ??= (async () => {
        lifecycle.markDraining();
        await drainServer(server, {
          waitBeforeCloseMs: config.healthcheckIntervalMs,
          inflightGraceMs: config.writeTimeoutMs,
          log: deps.log,
        });
        await executor.stop('SIGTERM');
        await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      })();
      return shutdownPromise;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
