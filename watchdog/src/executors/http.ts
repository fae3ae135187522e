/**
 * http mode: one long-lived function process behind a reverse proxy (of-watchdog executor/http_runner.go).
 *
 * Requests go to upstream_url + the original path over a keep-alive Agent, bodies streamed both ways. Platform
 * failures carry X-OpenFaaS-Internal: of-watchdog and X-Duration-Seconds, as of-watchdog: exec_timeout → 504,
 * connection failure → 500 (of-watchdog's status; the gateway maps it on). The child's exit is fatal for the whole
 * watchdog so the container restarts.
 *
 * The hot path allocates one HttpInvocation per request and no closures besides the Promise the Executor contract
 * asks for: listeners are shared module functions that find the invocation through a symbol on the emitter, the
 * deadline timer gets it as an argument. Headers stay flat rawHeaders arrays in both directions. Small bodies with a
 * declared Content-Length are read before dispatch and handed to http.request's end(), so request line, headers and
 * body leave in one writev; larger or chunked bodies stream through with backpressure.
 */
import { request, type Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { HEADERS, HOP_BY_HOP_HEADERS } from '@funtainer/core/headers';
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

/** Request bodies up to this size with a declared Content-Length are buffered and sent with the headers. */
const SMALL_BODY_BYTES = 16 * 1024;

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

/** One proxied request; its own listener target through kInvocation on req, res, the upstream request and response. */
class HttpInvocation {
  private done = false;
  private timedOut = false;
  private upstream: ClientRequest | undefined;
  private upRes: IncomingMessage | undefined;
  private timer: NodeJS.Timeout | undefined;
  private bodyChunks: Buffer[] | undefined;
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
    (res as Tagged<ServerResponse>)[kInvocation] = this;
    res.on('close', onClientClose);
    // A total deadline, not socket inactivity: a function trickling bytes must still stop at exec_timeout.
    if (ctx.timeoutMs > 0) this.timer = setTimeout(onDeadline, ctx.timeoutMs, this);

    const raw = req.rawHeaders;
    let headers: string[] | undefined;
    let contentLength = -1;
    let chunked = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      const lower = name.toLowerCase();
      if (HOP_BY_HOP_HEADERS.has(lower)) {
        if (lower === 'transfer-encoding') chunked = true;
        headers ??= raw.slice(0, i);
        continue;
      }
      if (lower === 'content-length') contentLength = Number(raw[i + 1]);
      if (headers !== undefined) headers.push(name, raw[i + 1] as string);
    }
    this.headers = headers ?? raw;

    if (chunked || contentLength > SMALL_BODY_BYTES) {
      // Large or unknown-length body: stream it through (pipe keeps backpressure towards the client).
      req.pipe(this.dispatch(undefined));
    } else if (contentLength > 0) {
      this.bodyChunks = [];
      (req as Tagged<IncomingMessage>)[kInvocation] = this;
      req.on('data', onSmallBodyData);
      req.on('end', onSmallBodyEnd);
    } else {
      this.dispatch(null);
    }
  }

  smallBodyData(chunk: Buffer): void {
    this.bodyChunks?.push(chunk);
  }

  smallBodyEnd(): void {
    const chunks = this.bodyChunks;
    this.bodyChunks = undefined;
    if (this.done || chunks === undefined) return;
    this.dispatch(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
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
    this.upRes = upRes;
    const raw = upRes.rawHeaders;
    let headers: string[] | undefined;
    let eventStream = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      const lower = name.toLowerCase();
      if (HOP_BY_HOP_HEADERS.has(lower)) {
        if (lower === 'keep-alive') this.keepAliveHint(raw[i + 1] as string);
        headers ??= raw.slice(0, i);
        continue;
      }
      if (lower === 'content-type' && (raw[i + 1] as string).startsWith('text/event-stream')) eventStream = true;
      if (headers !== undefined) headers.push(name, raw[i + 1] as string);
    }
    headers ??= raw.slice();
    headers.push(HEADERS.durationSeconds, formatDurationSeconds(this.ctx.startedAt, performance.now()));
    const { res } = this;
    res.writeHead(upRes.statusCode ?? 502, headers);
    // Event streams must reach the client before the first event; other responses go out with their first chunk.
    if (eventStream) res.flushHeaders();
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

  upstreamData(chunk: Buffer): void {
    if (this.done) return;
    if (!this.res.write(chunk)) {
      this.upRes?.pause();
      this.res.once('drain', onClientDrain);
    }
  }

  clientDrained(): void {
    if (!this.done) this.upRes?.resume();
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
    const { res } = this;
    if (res.writableEnded || res.destroyed) return this.finish();
    this.executor.deps.log.error('upstream request failed', { err });
    sendInternalError(res, 500, '', formatDurationSeconds(this.ctx.startedAt, performance.now()));
    this.finish();
  }

  deadlineReached(): void {
    this.timer = undefined;
    if (this.done) return;
    this.timedOut = true;
    this.executor.deps.log.warn('upstream exceeded exec_timeout', { timeoutMs: this.ctx.timeoutMs });
    sendInternalError(this.res, 504, '', formatDurationSeconds(this.ctx.startedAt, performance.now()));
    this.upstream?.destroy();
    this.req.resume();
    this.finish();
  }

  /** Client gone before the answer: release the upstream socket instead of reading a response nobody wants. */
  clientClosed(): void {
    if (this.res.writableFinished) return;
    this.upstream?.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.resolve();
  }
}

function onClientClose(this: Tagged<ServerResponse>): void {
  this[kInvocation]?.clientClosed();
}

function onClientDrain(this: Tagged<ServerResponse>): void {
  this[kInvocation]?.clientDrained();
}

function onSmallBodyData(this: Tagged<IncomingMessage>, chunk: Buffer): void {
  this[kInvocation]?.smallBodyData(chunk);
}

function onSmallBodyEnd(this: Tagged<IncomingMessage>): void {
  this[kInvocation]?.smallBodyEnd();
}

function onUpstreamResponse(this: Tagged<ClientRequest>, upRes: IncomingMessage): void {
  this[kInvocation]?.upstreamResponse(upRes);
}

function onUpstreamError(this: Tagged<ClientRequest>, err: Error): void {
  this[kInvocation]?.upstreamError(err);
}

function onUpstreamData(this: Tagged<IncomingMessage>, chunk: Buffer): void {
  this[kInvocation]?.upstreamData(chunk);
}

function onUpstreamEnd(this: Tagged<IncomingMessage>): void {
  this[kInvocation]?.upstreamEnd();
}

function onUpstreamResponseError(this: Tagged<IncomingMessage>): void {
  this[kInvocation]?.upstreamResponseError();
}

function onDeadline(invocation: HttpInvocation): void {
  invocation.deadlineReached();
}

/*
 * Header filtering on node's flat rawHeaders arrays ([name, value, name, value, ...]): keeps the client's spelling and
 * order and skips building a header object per request; http.request and writeHead both accept the flat form.
 */
/** Removes hop-by-hop headers; returns the input itself when there is nothing to remove (the common case). */
export function withoutHopByHop(rawHeaders: readonly string[]): string[] {
  let kept: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (HOP_BY_HOP_HEADERS.has(name.toLowerCase())) {
      kept ??= rawHeaders.slice(0, i);
    } else if (kept !== undefined) {
      kept.push(name, rawHeaders[i + 1] as string);
    }
  }
  return kept ?? (rawHeaders as string[]);
}
