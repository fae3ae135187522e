/**
 * The fallback launcher: Node's child_process.spawn per request. Correct everywhere, but libuv fork()s the whole
 * watchdog and waits for exec synchronously, blocking the event loop for 1.3–5 ms per request.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { forwardChildLog } from '../child-logs.js';
import type { ForkLauncher, FunctionProcess, ProcessOutcome } from './fork-launcher.js';
import { buildCgiEnv, type ForkOptions } from './fork-process.js';

export class NodeForkLauncher implements ForkLauncher {
  readonly name = 'node';

  constructor(private readonly options: ForkOptions) {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  launch(req: IncomingMessage): FunctionProcess {
    const [command, ...args] = this.options.argv as [string, ...string[]];
    const child = spawn(command, args, { env: buildCgiEnv(this.options.baseEnv, req), stdio: 'pipe' });
    forwardChildLog(child.stderr, 'stderr', this.options.childLog);
    // The function may exit without reading its input; the resulting EPIPE is expected, not a watchdog fault.
    child.stdin.on('error', ignoreError);
    const outcome = new Promise<ProcessOutcome>((resolve) => {
      child.once('error', (err) => resolve({ started: false, error: err.message }));
      child.once('close', (code, signal) => resolve({ started: true, code, signal }));
    });
    return {
      stdin: child.stdin,
      stdout: child.stdout,
      kill: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
      outcome,
    };
  }
}

function ignoreError(): void {}
