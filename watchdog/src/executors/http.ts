/**
 * http mode: one long-lived function process behind a reverse proxy (of-watchdog executor/http_runner.go).
 *
 * Requests go to upstream_url + the original path through an undici Pool (http-pool.ts), bodies streamed both ways. Platform
 * failures carry X-OpenFaaS-Internal: of-watchdog and X-Duration-Seconds, as of-watchdog: exec_timeout → 504,
 * connection failure → 500 (of-watchdog's status; the gateway maps it on). The child's exit is fatal for the whole
 * watchdog so the container restarts.
 *
 * What the gateway's proxy does the same way comes from core's proxy/ modules: which headers are forwarded (none
 * of the hop-by-hop ones, nor those `Connection` names), small bodies read ahead and sent with the headers in one
 * write, client-close and deadline as one abort, the response streamed with backpressure. The hot path allocates
 * one HttpInvocation per request, its own undici dispatch handler, and no closures besides the Promise the
 * Executor contract asks for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { HEADERS } from '@funtainer/core/headers';
import { abortOnClientClose, DeadlineExceededError, startDeadline, type AbortableCall, type AbortReason } from '@funtainer/core/proxy/call-abort';
import { forwardRequestHeaders, forwardResponseHeaders } from '@funtainer/core/proxy/forward-headers';
import { isSmallBody, readSmallBody, type SmallBodyReader } from '@funtainer/core/proxy/read-ahead';
import { forwardChunk, startResponse } from '@funtainer/core/proxy/response-stream';
import { upstreamFailure, WATCHDOG_ERROR_CODES, type WatchdogError } from '../errors.js';
import { formatDurationSeconds, sendInternalError } from '../internal-response.js';
import type { Executor, ExecutorDeps, InvokeContext } from './executor.js';
import { createUpstreamPool, type UpstreamPool } from './http-pool.js';
import { UpstreamProcess, type UpstreamProcessOptions } from './upstream-process.js';

export interface HttpExecutorOptions extends Omit<UpstreamProcessOptions, 'host' | 'port'> {
  readonly upstreamUrl: URL;
}

export class HttpExecutor implements Executor {
  /** Set by start(); requests come only after it (the watchdog is not ready before). */
  pool!: UpstreamPool;
  private readonly origin: string;
  private readonly process: UpstreamProcess;
  readonly basePath: string;

  constructor(
    options: HttpExecutorOptions,
    readonly deps: ExecutorDeps,
  ) {
    const url = options.upstreamUrl;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port === '' ? 80 : Number(url.port);
    this.basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
    this.origin = url.origin;
    this.process = new UpstreamProcess({ ...options, host, port }, deps.log, deps.onFatal);
  }

  async start(): Promise<void> {
    const [pool] = await Promise.all([createUpstreamPool(this.origin), this.process.start()]);
    this.pool = pool;
  }

  async stop(signal?: NodeJS.Signals): Promise<void> {
    // Closed first: idle keep-alive connections would hold the function's graceful server.close() open until
    // they time out. Anything still running ends when the process does, and close() resolves then.
    const closing = this.pool?.close();
    await this.process.stop(signal);
    await closing;
  }

  invoke(req: IncomingMessage, res: ServerResponse, ctx: InvokeContext): Promise<void> {
    return new Promise((resolve) => new HttpInvocation(this, req, res, ctx, resolve).begin());
  }
}

/** One proxied request: its own undici dispatch handler and abort target. */
class HttpInvocation implements Dispatcher.DispatchHandler, AbortableCall, SmallBodyReader {
  private done = false;
  private controller: Dispatcher.DispatchController | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Set once exec_timeout passed: the upstream's failure that follows is that timeout. */
  private deadline: DeadlineExceededError | undefined;
  private headers: string[] = [];

  constructor(
    private readonly executor: HttpExecutor,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly ctx: InvokeContext,
    private readonly resolve: () => void,
  ) {}

  begin(): void {
    const { req, res, ctx } = this;
    abortOnClientClose(res, this);
    // A total deadline, not socket inactivity: a function trickling bytes must still stop at exec_timeout.
    if (ctx.timeoutMs > 0) this.timer = startDeadline(this, ctx.timeoutMs);
    // Host is kept (of-watchdog passes the client's through; undici sends it instead of the origin's).
    const head = forwardRequestHeaders(req.rawHeaders);
    this.headers = head.headers;
    if (isSmallBody(head)) readSmallBody(req, this);
    // Large or unknown-length body: undici streams it through with backpressure (chunked stays chunked).
    else if (head.chunked || head.contentLength > 0) this.dispatch(req);
    else this.dispatch(null);
  }

  smallBodyRead(body: Buffer): void {
    if (!this.done) this.dispatch(body);
  }

  private dispatch(body: Buffer | IncomingMessage | null): void {
    const { executor, req } = this;
    try {
      executor.pool.dispatch({ path: executor.basePath + (req.url ?? '/'), method: req.method ?? 'GET', headers: this.headers, body }, this);
    } catch (err) {
      // Invalid arguments (a header undici refuses) are thrown rather than reported.
      this.onResponseError(undefined, err as Error);
    }
  }

  // ---- undici dispatch handler ----

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.done) controller.abort(this.deadline ?? new Error('invocation already finished'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200 || this.done) return;
    const out = forwardResponseHeaders(headers);
    out[HEADERS.durationSeconds] = formatDurationSeconds(this.ctx.startedAt, performance.now());
    startResponse(this.res, statusCode, out);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.done) forwardChunk(this.res, controller, chunk);
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.res.end();
    this.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    if (this.done) return;
    this.fail(upstreamFailure(this.deadline ?? err));
  }

  // ---- aborts ----

  /** Deadline: answer 504 and drop the upstream request. Client gone: release the upstream connection, answer nobody. */
  abortCall(reason: AbortReason): void {
    if (this.done) return;
    if (reason instanceof DeadlineExceededError) {
      this.deadline = reason;
      this.timer = undefined;
      this.fail(upstreamFailure(reason));
      this.req.resume();
    } else {
      this.finish();
    }
    this.controller?.abort(reason);
  }

  /** Answers the platform error, or cuts the response short when the function's status already went out. */
  private fail(failure: WatchdogError): void {
    if (this.res.writableEnded || this.res.destroyed) return this.finish();
    const { log } = this.executor.deps;
    if (failure.code === WATCHDOG_ERROR_CODES.execTimeout) log.warn('upstream exceeded exec_timeout', { timeoutMs: this.ctx.timeoutMs });
    else if (!this.res.headersSent) log.error('upstream request failed', { code: failure.code, err: failure.cause });
    sendInternalError(this.res, failure.statusCode, '', formatDurationSeconds(this.ctx.startedAt, performance.now()));
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.resolve();
  }
}
