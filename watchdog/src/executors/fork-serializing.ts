/**
 * serializing mode: fork per request, whole body → stdin, whole stdout → one response with X-Duration-Seconds.
 *
 * Failure semantics follow of-watchdog (docs/openfaas-compat.md §6.2): a non-zero exit answers 500 with Go's error
 * text (`exit status 1`), and exec_timeout answers 500 with `signal: killed`, not 504 — existing OpenFaaS clients of
 * serializing functions see exactly what they saw before. Our 500s carry X-OpenFaaS-Internal so they can be told
 * apart from a function's own output. Stdout is capped like the request body so one call cannot exhaust memory.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { HEADERS } from '@funtainer/core/headers';
import { isWatchdogError, WATCHDOG_ERROR_CODES } from '../errors.js';
import { formatDurationSeconds, sendInternalError } from '../internal-response.js';
import { MAX_BUFFERED_BODY_BYTES, readBody } from '../read-body.js';
import type { Executor, ExecutorDeps, InvokeContext } from './executor.js';
import { describeExit, killAfter, type ForkLauncher } from './fork-launcher.js';
import { withResolvedCommand, type ForkOptions } from './fork-process.js';
import { startForkLauncher, type LauncherChoice } from './launcher-select.js';

export interface ForkSerializingOptions extends ForkOptions {
  readonly contentType: string;
  readonly launcher: LauncherChoice;
}

interface ProcessResult {
  readonly stdout: Buffer;
  readonly failure: string | undefined;
}

export class ForkSerializingExecutor implements Executor {
  private launcher: ForkLauncher | undefined;

  constructor(
    private options: ForkSerializingOptions,
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
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      const tooLarge = isWatchdogError(err, WATCHDOG_ERROR_CODES.bodyTooLarge);
      sendInternalError(res, tooLarge ? 413 : 400, tooLarge ? 'Request body too large\n' : 'Bad request body\n');
      return;
    }
    const result = await this.run(req, body, ctx.timeoutMs);
    const duration = formatDurationSeconds(ctx.startedAt, performance.now());
    if (result.failure !== undefined) {
      sendInternalError(res, 500, result.failure, duration);
      return;
    }
    res.writeHead(200, {
      'content-type': this.options.contentType,
      'content-length': String(result.stdout.length),
      [HEADERS.durationSeconds]: duration,
    });
    res.end(result.stdout);
  }

  private async run(req: IncomingMessage, body: Buffer, timeoutMs: number): Promise<ProcessResult> {
    if (this.launcher === undefined) throw new Error('invoke before start');
    const proc = this.launcher.launch(req);
    const deadline = killAfter(proc, timeoutMs);
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    proc.stdout.on('data', (chunk: Buffer) => {
      if (overflow) return;
      size += chunk.length;
      if (size > MAX_BUFFERED_BODY_BYTES) {
        overflow = true;
        proc.kill();
        return;
      }
      chunks.push(chunk);
    });
    proc.stdin.end(body);
    const outcome = await proc.outcome;
    deadline.disarm();
    let failure: string | undefined;
    if (!outcome.started) failure = `fork/exec ${this.options.argv[0]}: ${outcome.error}`;
    else if (overflow) failure = `function output exceeds ${MAX_BUFFERED_BODY_BYTES} bytes`;
    else if (deadline.fired()) failure = describeExit(null, 'SIGKILL');
    else if (outcome.code !== 0) failure = describeExit(outcome.code, outcome.signal);
    if (failure !== undefined) this.deps.log.warn('function failed', { status: failure });
    return { stdout: failure === undefined ? Buffer.concat(chunks, size) : Buffer.alloc(0), failure };
  }
}
