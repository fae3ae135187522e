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
import { describeExit, killAfter, type ForkLauncher, type ProcessOutcome } from './fork-launcher.js';
import { withResolvedCommand, type ForkOptions } from './fork-process.js';
import { startForkLauncher, type LauncherChoice } from './launcher-select.js';

export interface ForkStreamingOptions extends ForkOptions {
  readonly contentType: string;
  readonly launcher: LauncherChoice;
}

export class ForkStreamingExecutor implements Executor {
  private launcher: ForkLauncher | undefined;

  constructor(
    private options: ForkStreamingOptions,
    private readonly deps: ExecutorDeps,
  ) {}

  async start(): Promise<void> {
    this.options = withResolvedCommand(this.options);
    this.launcher = await startForkLauncher(this.options, this.options.launcher, this.deps.log);
  }

  async stop(): Promise<void> {
    await this.launcher?.stop();
  }

  async invoke(req: IncomingMessage, res: ServerResponse, ctx: InvokeContext): Promise<void> {
    if (this.launcher === undefined) throw new Error('invoke before start');
    const proc = this.launcher.launch(req);
    const deadline = killAfter(proc, ctx.timeoutMs);
    let settled = false;
    res.statusCode = 200;
    res.setHeader('content-type', this.options.contentType);
    proc.stdout.pipe(res, { end: false });
    req.pipe(proc.stdin);
    // Client went away: nobody will read the output, so stop paying for the process.
    res.once('close', () => {
      if (!settled) proc.kill();
    });
    const outcome = await proc.outcome;
    settled = true;
    deadline.disarm();
    this.finish(res, outcome, deadline.fired(), ctx.timeoutMs);
  }

  private finish(res: ServerResponse, outcome: ProcessOutcome, timedOut: boolean, timeoutMs: number): void {
    if (!outcome.started) {
      this.deps.log.error('function process failed to start', { error: outcome.error, fprocess: this.options.argv });
      sendInternalError(res, 500, 'Function process failed to start\n');
    } else if (timedOut) {
      this.deps.log.warn('function exceeded exec_timeout', { timeoutMs });
      sendInternalError(res, 504, `Function exceeded the timeout of ${timeoutMs}ms\n`);
    } else if (outcome.code !== 0 && !res.headersSent) {
      const status = describeExit(outcome.code, outcome.signal);
      this.deps.log.warn('function exited with an error', { status });
      sendInternalError(res, 500, `${status}\n`);
    } else if (outcome.code !== 0 && !res.writableEnded) {
      res.destroy();
    } else {
      res.end();
    }
  }
}
