/**
 * http mode: one long-lived function process behind a reverse proxy (of-watchdog executor/http_runner.go).
 *
 * Requests go to upstream_url + the original path over a keep-alive pool, bodies streamed both ways. Platform
 * failures carry X-OpenFaaS-Internal: of-watchdog and X-Duration-Seconds, as of-watchdog: exec_timeout → 504,
 * connection failure → 500 (of-watchdog's status; the gateway maps it on). The child's exit is fatal for the whole
 * watchdog so the container restarts.
 *
 * What the gateway's proxy does the same way comes from core's proxy/ modules: which headers are forwarded (none
 * of the hop-by-hop ones, nor those `Connection` names), small bodies read ahead and sent with the headers in one
 * write, client-close and deadline as one abort, the response streamed with backpressure. The hot path allocates
 * one HttpInvocation per request and no closures besides the Promise the Executor contract asks for.
 */
import { request, type Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { HEADERS } from '@funtainer/core/headers';
import { abortOnClientClose, DeadlineExceededError, startDeadline, type AbortableCall, type AbortReason } from '@funtainer/core/proxy/call-abort';
import { forwardRequestHeaders, forwardResponseHeaders } from '@funtainer/core/proxy/forward-headers';
import { isSmallBody, readSmallBody, type SmallBodyReader } from '@funtainer/core/proxy/read-ahead';
import { forwardChunk, startResponse } from '@funtainer/core/proxy/response-stream';
import { upstreamFailure, WATCHDOG_ERROR_CODES, type WatchdogError } from '../errors.js';
import { formatDurationSeconds, sendInternalError } from '../internal-response.js';
import type { Executor, ExecutorDeps, InvokeContext } from './executor.js';
import { idleLimitFromKeepAlive, UpstreamPool } from './http-pool.js';
import { UpstreamProcess, type UpstreamProcessOptions } from './upstream-process.js';

export interface HttpExecutorOptions extends Omit<UpstreamProcessOptions, 'host' | 'port'> {
  readonly upstreamUrl: URL;
}

/**
 * Idle sockets are kept for reuse (the whole point of the long-lived process) and picked LIFO so a burst reuses the
 * warmest connections while surplus ones age out. maxSockets bounds fan-out towards a single-threaded upstream; 128
 * was measured to leave wrk -c32 (and the gateway's bursts) unqueued without piling connections on the function.
 */
const MAX_UPSTREAM_SOCKETS = 128;

export class HttpExecutor implements Executor {
  readonly pool: UpstreamPool;
  /** The pool as http.request's `agent` (an Agent-like object). */
  readonly agent: Agent;
  /** Last Keep-Alive header seen from the function, to update the pool's idle limit only when it changes. */
  keepAliveHint = '';
  private readonly process: UpstreamProcess;
  readonly host: string;
  readonly port: number;
  readonly basePath: string;

  constructor(
    options: HttpExecutorOptions,
    readonly deps: ExecutorDeps,
  ) {
    const url = options.upstreamUrl;
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = url.port === '' ? 80 : Number(url.port);
    this.basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
    this.pool = new UpstreamPool(this.host, this.port, MAX_UPSTREAM_SOCKETS);
    this.agent = this.pool as unknown as Agent;
    this.process = new UpstreamProcess({ ...options, host: this.host, port: this.port }, deps.log, deps.onFatal);
  }

  start(): Promise<void> {
    return this.process.start();
  }

  async stop(signal?: NodeJS.Signals): Promise<void> {
    await this.process.stop(signal);
    this.pool.destroy();
  }

  invoke(req: IncomingMessage, res: ServerResponse, ctx: InvokeContext): Promise<void> {
    return new Promise((resolve) => new HttpInvocation(this, req, res, ctx, resolve).begin());
  }
}

const kInvocation = Symbol('funtainer.httpInvocation');
type Tagged<T> = T & { [kInvocation]?: HttpInvocation };

/** One proxied request; its own listener target through kInvocation on the upstream request and response. */
class HttpInvocation implements AbortableCall, SmallBodyReader {
  private done = false;
  private upstream: ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
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
    // Host is kept (of-watchdog passes the client's through); only what no hop may forward is dropped.
    const head = forwardRequestHeaders(req.rawHeaders);
    this.headers = head.headers;
    if (isSmallBody(head)) readSmallBody(req, this);
    // Large or unknown-length body: stream it through (pipe keeps backpressure towards the client).
    else if (head.chunked || head.contentLength > 0) req.pipe(this.dispatch(undefined));
    else this.dispatch(null);
  }

  smallBodyRead(body: Buffer): void {
    if (!this.done) this.dispatch(body);
  }

  /** body: a Buffer or null to send and end now, undefined to have the caller pipe the request body in. */
  private dispatch(body: Buffer | null | undefined): ClientRequest {
    const { executor, req } = this;
    const upstream = request({
      agent: executor.agent,
      host: executor.host,
      port: executor.port,
      method: req.method,
      path: executor.basePath + (req.url ?? '/'),
      headers: this.headers,
    });
    this.upstream = upstream;
    (upstream as Tagged<ClientRequest>)[kInvocation] = this;
    upstream.on('response', onUpstreamResponse);
    upstream.on('error', onUpstreamError);
    if (body === null) upstream.end();
    else if (body !== undefined) upstream.end(body);
    return upstream;
  }

  upstreamResponse(upRes: IncomingMessage): void {
    if (this.done) {
      upRes.resume();
      return;
    }
    const keepAlive = upRes.headers['keep-alive'];
    if (typeof keepAlive === 'string') this.keepAliveHint(keepAlive);
    const headers = forwardResponseHeaders(upRes.headers);
    headers[HEADERS.durationSeconds] = formatDurationSeconds(this.ctx.startedAt, performance.now());
    startResponse(this.res, upRes.statusCode ?? 502, headers);
    (upRes as Tagged<IncomingMessage>)[kInvocation] = this;
    upRes.on('data', onUpstreamData);
    upRes.on('end', onUpstreamEnd);
    upRes.on('error', onUpstreamResponseError);
  }

  private keepAliveHint(value: string): void {
    const { executor } = this;
    if (value === executor.keepAliveHint) return;
    executor.keepAliveHint = value;
    executor.pool.idleLimitMs = idleLimitFromKeepAlive(value);
  }

  upstreamData(upRes: IncomingMessage, chunk: Buffer): void {
    if (!this.done) forwardChunk(this.res, upRes, chunk);
  }

  upstreamEnd(): void {
    if (this.done) return;
    this.res.end();
    this.finish();
  }

  upstreamResponseError(): void {
    if (this.done) return;
    this.res.destroy();
    this.finish();
  }

  upstreamError(err: Error): void {
    if (this.done) return;
    if (this.res.writableEnded || this.res.destroyed) return this.finish();
    this.fail(upstreamFailure(err));
  }

  /** Deadline: answer 504 and drop the upstream request. Client gone: release the upstream socket, answer nobody. */
  abortCall(reason: AbortReason): void {
    if (this.done) return;
    if (reason instanceof DeadlineExceededError) {
      this.timer = undefined;
      this.fail(upstreamFailure(reason));
      this.req.resume();
    } else {
      this.finish();
    }
    this.upstream?.destroy(reason);
  }

  private fail(failure: WatchdogError): void {
    const { log } = this.executor.deps;
    if (failure.code === WATCHDOG_ERROR_CODES.execTimeout) log.warn('upstream exceeded exec_timeout', { timeoutMs: this.ctx.timeoutMs });
    else log.error('upstream request failed', { code: failure.code, err: failure.cause });
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

function onUpstreamResponse(this: Tagged<ClientRequest>, upRes: IncomingMessage): void {
  this[kInvocation]?.upstreamResponse(upRes);
}

function onUpstreamError(this: Tagged<ClientRequest>, err: Error): void {
  this[kInvocation]?.upstreamError(err);
}

function onUpstreamData(this: Tagged<IncomingMessage>, chunk: Buffer): void {
  this[kInvocation]?.upstreamData(this, chunk);
}

function onUpstreamEnd(this: Tagged<IncomingMessage>): void {
  this[kInvocation]?.upstreamEnd();
}

function onUpstreamResponseError(this: Tagged<IncomingMessage>): void {
  this[kInvocation]?.upstreamResponseError();
}
