/**
 * One proxied invocation: admission (concurrency slot, ready replica), the upstream call through the
 * replica's undici Pool, and streaming of the response back to the client as it arrives. The object is its
 * own undici dispatch handler, limiter entry and replica waiter, so a request allocates this one object and
 * no closures; timers and listeners get it as an argument or through the response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { FuntainerError } from '@funtainer/core/errors';
import { formatDurationMs } from '@funtainer/core/env-values';
import { upstreamFailure, UpstreamDeadlineError, writeRawError } from '../errors.js';
import type { FunctionRoute, ReplicaWaiter, WakeFunction } from '../functions/function-route.js';
import { BodyLimit } from './body-limit.js';
import type { Startable } from '../functions/concurrency-limiter.js';
import type { InvocationTracker } from './invocation-tracker.js';
import type { ReplicaSlot } from '../functions/replica-pools.js';
import { buildClientResponseHeaders, buildUpstreamRequestHeaders } from './upstream-headers.js';
import { shouldRetryElsewhere, UNREACHABLE_HOLD_MS } from './upstream-retry.js';

export interface InvocationContext {
  readonly tracker: InvocationTracker;
  readonly readyTimeoutMs: number;
  /** 0 = unlimited. */
  readonly maxBodyBytes: number;
  readonly newCallId: () => string;
  /** Scale from zero: asked to start a function when a request finds no ready replica (fire and forget). */
  readonly wakeFunction?: WakeFunction | undefined;
}

const ADMITTING = 0;
const QUEUED = 1;
const WAITING_REPLICA = 2;
const DISPATCHED = 3;
const RESPONDING = 4;
const DONE = 5;

/**
 * Bodies up to this size with a declared Content-Length are read before dispatch and sent as one Buffer:
 * undici then writes request line, headers and body in a single syscall instead of several (measured:
 * the difference is large for small JSON bodies). Anything larger or chunked streams through untouched.
 */
const SMALL_BODY_BYTES = 16 * 1024;

const kInvocation = Symbol('funtainer.invocation');
type TaggedResponse = ServerResponse & { [kInvocation]?: Invocation };
type TaggedRequest = IncomingMessage & { [kInvocation]?: Invocation };

export class Invocation implements Dispatcher.DispatchHandler, Startable, ReplicaWaiter {
  #phase = ADMITTING;
  #callId = '';
  #startTimeNs = '';
  #headers: string[] = [];
  #body: Readable | Buffer | null = null;
  #bodyChunks: Buffer[] | undefined;
  #admittedAt = 0;
  #status = 0;
  #holdsSlot = false;
  #timedOut = false;
  #slot: ReplicaSlot | undefined;
  #retries = 0;
  /** undici began writing the request to the current replica (from then on a failure is final). */
  #requestStarted = false;
  #controller: Dispatcher.DispatchController | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: InvocationContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly route: FunctionRoute,
    private readonly upstreamPath: string,
  ) {}

  begin(): void {
    this.#admittedAt = performance.now();
    this.#startTimeNs = `${Date.now()}000000`;
    const built = buildUpstreamRequestHeaders(this.req.rawHeaders, this.req.socket.remoteAddress, this.#startTimeNs, this.ctx.newCallId, this.route.settings.isPrivate);
    this.#headers = built.headers;
    this.#callId = built.callId;
    (this.res as TaggedResponse)[kInvocation] = this;
    this.res.on('close', onClientClose);
    this.ctx.tracker.begin();
    const limit = this.ctx.maxBodyBytes;
    if (limit > 0 && built.contentLength > limit) {
      this.#fail(new FuntainerError('FUNTAINER_ERR_BODY_TOO_LARGE', `request body of ${built.contentLength} bytes exceeds max_body_bytes (${limit})`), true);
      return;
    }
    if (built.chunked) this.#body = limit > 0 ? pipeline(this.req, new BodyLimit(limit), ignoreError) : this.req;
    else if (built.contentLength > SMALL_BODY_BYTES) this.#body = this.req;
    else if (built.contentLength > 0) {
      this.#bodyChunks = [];
      (this.req as TaggedRequest)[kInvocation] = this;
      this.req.on('data', onSmallBodyData);
      this.req.on('end', onSmallBodyEnd);
      return;
    }
    this.#admit();
  }

  smallBodyData(chunk: Buffer): void {
    this.#bodyChunks?.push(chunk);
  }

  smallBodyEnd(): void {
    const chunks = this.#bodyChunks as Buffer[];
    this.#bodyChunks = undefined;
    this.#body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    if (this.#phase === ADMITTING) this.#admit();
  }

  #admit(): void {
    const admission = this.route.limiter.acquire(this);
    if (admission === 'run') this.start();
    else if (admission === 'queued') this.#phase = QUEUED;
    else this.#fail(new FuntainerError('FUNTAINER_ERR_TOO_MANY_REQUESTS', `function ${this.route.label} is at its concurrency limit and its queue is full`));
  }

  /** Called with a concurrency slot: now, or later by the limiter. */
  start(): void {
    this.#holdsSlot = true;
    if (this.route.retired) {
      this.#fail(new FuntainerError('FUNTAINER_ERR_FUNCTION_NOT_FOUND', `function ${this.route.label} was removed`));
      return;
    }
    const slot = this.route.pickReplica();
    if (slot === undefined) {
      const refused = this.route.startFailure();
      if (refused !== undefined) {
        if (this.#phase === WAITING_REPLICA) this.route.removeWaiter(this);
        this.#fail(refused);
        return;
      }
      const full = this.route.park(this, this.ctx.wakeFunction);
      if (full !== undefined) {
        this.#fail(full);
        return;
      }
      this.#phase = WAITING_REPLICA;
      this.#timer ??= setTimeout(onReadyTimeout, this.ctx.readyTimeoutMs, this);
      return;
    }
    this.#dispatch(slot);
  }

  replicasAvailable(): void {
    if (this.#phase === WAITING_REPLICA) this.start();
  }

  replicaWaitFailed(error: FuntainerError): void {
    if (this.#phase === WAITING_REPLICA) this.#fail(error);
  }

  readyTimedOut(): void {
    if (this.#phase !== WAITING_REPLICA) return;
    this.route.removeWaiter(this);
    const waited = formatDurationMs(this.ctx.readyTimeoutMs);
    this.#fail(new FuntainerError('FUNTAINER_ERR_NO_REPLICA', `function ${this.route.label} has no ready replica after ready_timeout ${waited}`, {
      details: { function: this.route.label, reason: 'deadline' },
    }));
  }

  deadlineReached(): void {
    this.#timedOut = true;
    if (this.#phase === DISPATCHED) {
      this.#fail(upstreamFailure(new UpstreamDeadlineError(), this.route.settings.timeoutLimit));
      this.#controller?.abort(new UpstreamDeadlineError());
    } else if (this.#phase === RESPONDING) {
      this.#controller?.abort(new UpstreamDeadlineError());
    }
  }

  clientClosed(): void {
    const phase = this.#phase;
    if (phase === DONE) return;
    if (phase === QUEUED) this.route.limiter.cancel(this);
    else if (phase === WAITING_REPLICA) this.route.removeWaiter(this);
    this.#finish(0);
    this.#controller?.abort(new Error('client closed the connection'));
  }

  clientDrained(): void {
    this.#controller?.resume();
  }

  // ---- undici dispatch handler ----

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    this.#requestStarted = true;
    if (this.#phase === DONE) controller.abort(new Error('invocation already finished'));
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return;
    if (this.#phase !== DISPATCHED) return;
    this.#phase = RESPONDING;
    this.#status = statusCode;
    const seconds = (performance.now() - this.#admittedAt) / 1000;
    this.res.writeHead(statusCode, buildClientResponseHeaders(headers, this.#callId, this.#startTimeNs, seconds, this.ctx.tracker.draining));
    // Event streams must reach the client before the first event; other responses go out with their body.
    const type = headers['content-type'];
    if (typeof type === 'string' && type.startsWith('text/event-stream')) this.res.flushHeaders();
    void controller;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#phase !== RESPONDING) return;
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', onClientDrain);
    }
  }

  onResponseEnd(): void {
    if (this.#phase !== RESPONDING) return;
    this.res.end();
    this.#finish(this.#status);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#phase === DONE) return;
    if (this.#phase === DISPATCHED && !this.#timedOut && shouldRetryElsewhere({ requestStarted: this.#requestStarted, error, body: this.#body, retries: this.#retries })) {
      if (this.#retryElsewhere()) return;
    }
    const failure = upstreamFailure(this.#timedOut ? new UpstreamDeadlineError() : error, this.route.settings.timeoutLimit, this.#requestStarted);
    if (this.#phase === RESPONDING) {
      // Status and part of the body already went out: all that is left is to cut the response short.
      this.res.destroy(failure);
      this.#finish(failure.statusCode);
      return;
    }
    this.#fail(failure);
  }

  // ---- internals ----

  #dispatch(slot: ReplicaSlot): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#phase = DISPATCHED;
    this.#slot = slot;
    this.#requestStarted = false;
    slot.inFlight++;
    if (this.#retries === 0) this.route.metrics.started();
    this.#timer = setTimeout(onDeadline, this.route.settings.timeoutMs, this);
    try {
      slot.pool.dispatch({ path: this.upstreamPath, method: this.req.method ?? 'GET', headers: this.#headers, body: this.#body }, this);
    } catch (error) {
      this.onResponseError(this.#controller as Dispatcher.DispatchController, error as Error);
    }
  }

  /**
   * The replica refused the connection before anything was sent (most likely it was just killed and the
   * provider has not dropped it yet): take it out of rotation and send the request to another ready replica.
   * False when there is none (the caller then answers 502 as before). The function deadline restarts with
   * the new dispatch; the failed connect itself is bounded by undici's connect timeout.
   */
  #retryElsewhere(): boolean {
    const failed = this.#slot as ReplicaSlot;
    this.route.markUnreachable(failed, UNREACHABLE_HOLD_MS);
    const next = this.route.pickReplica(failed);
    if (next === undefined) return false;
    failed.inFlight--;
    this.#slot = undefined;
    this.#retries++;
    this.#controller = undefined;
    this.#dispatch(next);
    return true;
  }

  #fail(error: FuntainerError, closeConnection = false): void {
    writeRawError(this.res, error, this.#callId, closeConnection || this.ctx.tracker.draining);
    this.#finish(error.statusCode);
  }

  /** `code` 0 = the client went away: nothing to count. */
  #finish(code: number): void {
    if (this.#phase === DONE) return;
    this.#phase = DONE;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#slot !== undefined) {
      this.#slot.inFlight--;
      this.route.invocations++;
    }
    if (this.#holdsSlot) this.route.limiter.release();
    if (code !== 0) this.route.metrics.observe(code, (performance.now() - this.#admittedAt) / 1000);
    this.ctx.tracker.end();
  }
}

function onClientClose(this: TaggedResponse): void {
  this[kInvocation]?.clientClosed();
}

function onSmallBodyData(this: TaggedRequest, chunk: Buffer): void {
  this[kInvocation]?.smallBodyData(chunk);
}

function onSmallBodyEnd(this: TaggedRequest): void {
  this[kInvocation]?.smallBodyEnd();
}

function onClientDrain(this: TaggedResponse): void {
  this[kInvocation]?.clientDrained();
}

function onReadyTimeout(invocation: Invocation): void {
  invocation.readyTimedOut();
}

function onDeadline(invocation: Invocation): void {
  invocation.deadlineReached();
}

function ignoreError(): void {
  // pipeline needs a callback; the error itself reaches undici through the destroyed body stream.
}
