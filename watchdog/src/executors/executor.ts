/**
 * The seam between the HTTP server and a watchdog mode (of-watchdog's FunctionRunner, with one uniform signature).
 * Every mode declares `implements Executor`; executors/index.ts is the only place that picks one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChildLogWriter } from '../child-logs.js';
import type { EnvMap } from '../config.js';
import type { WatchdogError } from '../errors.js';
import type { Logger } from '../logger.js';

/** Per-invocation facts computed once by the server. */
export interface InvokeContext {
  /** Milliseconds the invocation may take (exec_timeout, or a shorter X-Timeout); 0 = unlimited. */
  readonly timeoutMs: number;
  /** performance.now() when the request reached the watchdog, for X-Duration-Seconds. */
  readonly startedAt: number;
}

export interface Executor {
  /** Prepares the mode: fork the long-lived process (http), load the handler (module), or nothing. */
  start(): Promise<void>;
  /**
   * Serves one request. Must always answer `res` (or destroy it) and must resolve, never reject, once the
   * response is finished: the server records metrics and releases the in-flight slot at that point.
   */
  invoke(req: IncomingMessage, res: ServerResponse, ctx: InvokeContext): Promise<void>;
  /** Stops whatever start() began; forwards `signal` to a long-lived child. Idempotent. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ExecutorDeps {
  readonly log: Logger;
  /** Sink for function stdout/stderr lines. */
  readonly childLog: ChildLogWriter;
  /** Environment handed to forked processes (plus Http_* per request in fork modes). */
  readonly baseEnv: EnvMap;
  /**
   * Called when the mode cannot continue (http mode: the function process exited). of-watchdog exits so the
   * container restarts; main.ts does the same, tests observe the call.
   */
  readonly onFatal: (err: WatchdogError) => void;
  /** Fork modes with fork_helper=auto: where to look for the native fork helper (main.ts: beside the watchdog). */
  readonly forkHelperCandidates?: readonly string[];
}
