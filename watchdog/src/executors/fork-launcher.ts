/**
 * The seam between the fork modes and the way a function process gets started. Two implementations:
 * `helper` (helper-launcher.ts: a tiny native fork server, the fast path) and `node` (node-launcher.ts: Node's
 * child_process.spawn, the fallback when the helper binary is missing). Both give the executors the same shape, so
 * streaming and serializing do not know which one runs.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';

export type ForkLauncherName = 'helper' | 'node';

export interface ForkLauncher {
  readonly name: ForkLauncherName;
  /** Rejects when the launcher cannot work here (e.g. the helper binary does not run); the caller falls back. */
  start(): Promise<void>;
  /** Starts fprocess for `req`, with its Http_* variables. Never throws: a failed start settles `outcome`. */
  launch(req: IncomingMessage): FunctionProcess;
  /** Stops the launcher's own machinery; idempotent. */
  stop(): Promise<void>;
}

export interface FunctionProcess {
  /** The request body goes here; the caller ends it. Write errors (a function that exits unread) are swallowed. */
  readonly stdin: Writable;
  /** The function's output. */
  readonly stdout: Readable;
  /** SIGKILL the process and stop reading its output; harmless once it has exited. */
  kill(): void;
  /** Settles once: after the process exited and its stdout closed (Node's 'close'), or when it failed to start. */
  readonly outcome: Promise<ProcessOutcome>;
}

export type ProcessOutcome =
  | { readonly started: true; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly started: false; readonly error: string };

/** Arms SIGKILL after `timeoutMs` (0 = never); returns a disarm function and whether it fired. */
export function killAfter(proc: Pick<FunctionProcess, 'kill'>, timeoutMs: number): { disarm(): void; fired(): boolean } {
  let fired = false;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          fired = true;
          proc.kill();
        }, timeoutMs)
      : undefined;
  return {
    disarm: () => clearTimeout(timer),
    fired: () => fired,
  };
}

/** Go's exec error text, which of-watchdog returns as the body of a failed serializing call. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `signal: ${signal === 'SIGKILL' ? 'killed' : signal.toLowerCase().replace(/^sig/, '')}`;
  return `exit status ${code ?? -1}`;
}
