/**
 * The one place that maps a mode to its executor. The switch is exhaustive: adding a mode to WATCHDOG_MODES without
 * an executor fails to compile.
 */
import type { ChildLogOptions } from '../child-logs.js';
import type { WatchdogConfig } from '../config.js';
import type { Executor, ExecutorDeps } from './executor.js';
import { ForkSerializingExecutor } from './fork-serializing.js';
import { ForkStreamingExecutor } from './fork-streaming.js';
import { HttpExecutor } from './http.js';
import { ModuleExecutor } from './module.js';
import { StaticExecutor } from './static.js';

/** Upper bound on waiting for the http-mode function to open its port before serving anyway. */
const UPSTREAM_READY_DEADLINE_MS = 30_000;
/** How long a stopping http-mode function gets after SIGTERM before SIGKILL. */
const UPSTREAM_STOP_GRACE_MS = 5_000;

export function createExecutor(config: WatchdogConfig, deps: ExecutorDeps): Executor {
  const childLog: ChildLogOptions = {
    prefixLogs: config.prefixLogs,
    logBufferSize: config.logBufferSize,
    write: deps.childLog,
  };
  const fork = {
    argv: config.fprocess,
    baseEnv: deps.baseEnv,
    childLog,
    contentType: config.contentType,
    launcher: { forkHelper: config.forkHelper, candidates: deps.forkHelperCandidates ?? [] },
  };
  const mode = config.mode;
  switch (mode) {
    case 'streaming':
      return new ForkStreamingExecutor(fork, deps);
    case 'serializing':
      return new ForkSerializingExecutor(fork, deps);
    case 'http':
      return new HttpExecutor(
        {
          argv: config.fprocess,
          baseEnv: deps.baseEnv,
          childLog,
          upstreamUrl: requireValue(config.upstreamUrl, 'upstreamUrl'),
          readyDeadlineMs: UPSTREAM_READY_DEADLINE_MS,
          stopGraceMs: UPSTREAM_STOP_GRACE_MS,
        },
        deps,
      );
    case 'static':
      return new StaticExecutor(config.staticPath, deps);
    case 'module':
      return new ModuleExecutor({ handlerPath: requireValue(config.handlerPath, 'handlerPath'), rawBody: config.rawBody }, deps);
    default:
      return assertNever(mode);
  }
}

/** loadConfig guarantees these per mode; a hand-built config that forgets one is a programming error. */
function requireValue<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new TypeError(`watchdog config is missing ${name} for this mode`);
  return value;
}

function assertNever(mode: never): never {
  throw new TypeError(`unhandled watchdog mode ${String(mode)}`);
}
