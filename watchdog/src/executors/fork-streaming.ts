/**
 * streaming mode (of-watchdog's default): fork fprocess per request, request body → stdin, stdout streamed to the
 * client with backpressure, so a function can return more data than the watchdog could hold.
 *
 * Deliberate differences from of-watchdog, which always ends with 200: when the function fails before writing any
 * output we answer 500 (non-zero exit or exec failure) or 504 (exec_timeout), marked X-OpenFaaS-Internal. Once
 * output has been sent the status is committed, so a timeout or crash destroys the connection and the client sees a
 * truncated response instead of a falsely complete one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendInternalError } from '../internal-response.js';
import type { Executor, ExecutorDeps, InvokeContext } from './executor.js';
import { describeExit, forkFunction, killAfter, withResolvedCommand, type ForkOptions } from './fork-process.js';

export interface ForkStreamingOptions extends ForkOptions {
  readonly contentType: string;
}

export class ForkStreamingExecutor implements Executor {
  constructor(
    private options: ForkStreamingOptions,
    private readonly deps: ExecutorDeps,
  ) {}

  async start(): Promise<void> {
    this.options = withResolvedCommand(this.options);
  }

  async stop(): Promise<void> {}

  invoke(req: IncomingMessage, res: ServerResponse, ctx: InvokeContext): Promise<void> {
    return new Promise((resolve) => {
      const child = forkFunction(this.options, req);
      const deadline = killAfter(child, ctx.timeoutMs);
      let settled = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
        if (settled) return;
        settled = true;
        deadline.disarm();
        if (spawnError !== undefined) {
          this.deps.log.error('function process failed to start', { err: spawnError, fprocess: this.options.argv });
          sendInternalError(res, 500, 'Function process failed to start\n');
        } else if (deadline.fired()) {
          this.deps.log.warn('function exceeded exec_timeout', { timeoutMs: ctx.timeoutMs });
          sendInternalError(res, 504, `Function exceeded the timeout of ${ctx.timeoutMs}ms\n`);
        } else if (code !== 0 && !res.headersSent) {
          this.deps.log.warn('function exited with an error', { status: describeExit(code, signal) });
          sendInternalError(res, 500, `${describeExit(code, signal)}\n`);
        } else if (code !== 0 && !res.writableEnded) {
          res.destroy();
        } else {
          res.end();
        }
        resolve();
      };

      res.statusCode = 200;
      res.setHeader('content-type', this.options.contentType);
      child.stdout.pipe(res, { end: false });
      req.pipe(child.stdin);
      child.once('error', (err) => finish(null, null, err));
      child.once('close', (code, signal) => finish(code, signal));
      // Client went away: nobody will read the output, so stop paying for the process.
      res.once('close', () => {
        if (!settled && child.exitCode === null) child.kill('SIGKILL');
      });
    });
  }
}
