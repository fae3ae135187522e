/**
 * Composition root of the watchdog process: read the environment, start, and wire signals and exit codes.
 * The only module besides config.ts that touches process.*.
 *
 * Exit codes: 0 after a SIGTERM drain, 1 when the function process dies or startup fails, 2 for bad configuration.
 */
import { dirname, join } from 'node:path';
import { loadConfig, type WatchdogConfig } from './config.js';
import { ConfigError } from './errors.js';
import { INSTALL_FORK_HELPER_FLAG, installForkHelper } from './fork-helper-install.js';
import { defaultLockPath, lockFileExists } from './lifecycle.js';
import { createLogger } from './logger.js';
import { startWatchdog } from './watchdog.js';

const log = createLogger({
  sink: { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
  base: { service: 'watchdog' },
});

/**
 * The fork helper ships beside the watchdog: next to the script for the bundle (`node /home/app/watchdog.cjs`), next
 * to the executable for the single executable (whose argv[1] is not a script).
 */
function forkHelperCandidates(): string[] {
  const dirs = [process.argv[1], process.execPath].filter((p): p is string => p !== undefined).map((p) => dirname(p));
  return [...new Set(dirs)].map((dir) => join(dir, 'fork-helper'));
}

async function main(): Promise<void> {
  // Same flag as of-watchdog: lets a HEALTHCHECK run the watchdog binary itself, no curl needed in the image.
  if (process.argv.includes('-run-healthcheck') || process.argv.includes('--run-healthcheck')) {
    process.exit(lockFileExists(defaultLockPath()) ? 0 : 1);
  }
  const install = process.argv.indexOf(INSTALL_FORK_HELPER_FLAG);
  if (install !== -1) {
    process.stdout.write(`${installForkHelper(process.argv[install + 1])}\n`);
    process.exit(0);
  }
  let config: WatchdogConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const watchdog = await startWatchdog(config, {
    log,
    baseEnv: process.env,
    childLog: (stream, line) => (stream === 'stdout' ? process.stdout : process.stderr).write(`${line}\n`),
    forkHelperCandidates: forkHelperCandidates(),
    onFatal: (err) => {
      log.fatal('function process is gone; exiting so the container restarts', { err });
      process.exit(1);
    },
  });
  log.info('watchdog ready', {
    mode: config.mode,
    port: watchdog.port,
    metricsPort: watchdog.metricsPort,
    execTimeoutMs: config.execTimeoutMs,
    maxInflight: config.maxInflight,
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info('signal received, draining', { signal });
    watchdog.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('shutdown failed', { err: err instanceof Error ? err : new Error(String(err)) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

// A stray rejection from a module handler must not kill every other in-flight request.
process.on('unhandledRejection', (reason) => {
  log.error('unhandled promise rejection', { err: reason instanceof Error ? reason : new Error(String(reason)) });
});
process.on('uncaughtException', (err) => {
  log.fatal('uncaught exception; exiting', { err });
  process.exit(1);
});

main().catch((err: unknown) => {
  log.fatal('watchdog failed to start', { err: err instanceof Error ? err : new Error(String(err)) });
  process.exit(1);
});
