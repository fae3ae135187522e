/**
 * serializing mode: fork per request, whole body → stdin, whole stdout → one response with X-Duration-Seconds.
 *
 * Failure semantics follow of-watchdog (openfaas-compat.md §6.2): a non-zero exit answers 500 with Go's error text
 * (`exit status 1`), and exec_timeout answers 500 with `signal: killed`, not 504 — existing OpenFaaS clients of
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
import { describeExit, forkFunction, killAfter, withResolvedCommand, type ForkOptions } from './fork-process.js';

export interface ForkSerializingOptions extends ForkOptions {
  readonly contentType: string;
}

interface ProcessResult {
  readonly stdout: Buffer;
  readonly failure: string | undefined;
}

export class ForkSerializingExecutor implements Executor {
  constructor(
    private options: ForkSerializingOptions,
    private readonly deps: ExecutorDeps,
  ) {}

  async start(): Promise<void> {
    this.options = withResolvedCommand(this.options);
  }

  async stop(): Promise<void> {}

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

  private run(req: IncomingMessage, body: Buffer, timeoutMs: number): Promise<ProcessResult> {
    return new Promise((resolve) => {
      const child = forkFunction(this.options, req);
      const deadline = killAfter(child, timeoutMs);
      const chunks: Buffer[] = [];
      let size = 0;
      let overflow = false;
      let settled = false;
      const settle = (failure: string | undefined): void => {
        if (settled) return;
        settled = true;
        deadline.disarm();
        if (failure !== undefined) this.deps.log.warn('function failed', { status: failure.trim() });
        resolve({ stdout: failure === undefined ? Buffer.concat(chunks, size) : Buffer.alloc(0), failure });
      };
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BUFFERED_BODY_BYTES) {
          overflow = true;
          child.kill('SIGKILL');
          return;
        }
        chunks.push(chunk);
      });
      child.once('error', (err) => settle(`fork/exec ${this.options.argv[0]}: ${err.message}`));
      child.once('close', (code, signal) => {
        if (overflow) settle(`function output exceeds ${MAX_BUFFERED_BODY_BYTES} bytes`);
        else if (deadline.fired()) settle(describeExit(null, 'SIGKILL'));
        else settle(code === 0 ? undefined : describeExit(code, signal));
      });
      child.stdin.end(body);
    });
  }
}
