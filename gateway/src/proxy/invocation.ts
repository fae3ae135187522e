/**
 * One proxied invocation: admission (concurrency slot, ready replica), the upstream call through the
 * replica's undici Pool, and streaming of the response back to the client as it arrives. The object is its
 * own undici dispatch handler, limiter entry, replica waiter and abort target, so a request allocates this one
 * object and no closures; timers and listeners get it as an argument or through the request and response.
 * What the watchdog's proxy does the same way (header forwarding, small-body read-ahead, client-close and
 * deadline aborts, streaming with backpressure) comes from core's proxy/ modules.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { FuntainerError } from '@funtainer/core/errors';
import { formatDurationMs } from '@funtainer/core/env-values';
import { abortOnClientClose, DeadlineExceededError, startDeadline, type AbortableCall, type AbortReason } from '@funtainer/core/proxy/call-abort';
import { isSmallBody, readSmallBody, type SmallBodyReader } from '@funtainer/core/proxy/read-ahead';
import { forwardChunk, startResponse } from '@funtainer/core/proxy/response-stream';
import { upstreamFailure, writeRawError } from '../errors.js';
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

export class Invocation implements Dispatcher.DispatchHandler, Startable, ReplicaWaiter, AbortableCall, SmallBodyReader {
  #phase = ADMITTING;
  #callId = '';
  #startTimeNs = '';
  #headers: string[] = [];
  #body: Readable | Buffer | null = null;
  #admittedAt = 0;
  #status = 0;
  #holdsSlot = false;
  /** Set once the function's deadline passed: every later failure is that timeout. */
  #deadline: DeadlineExceededError | undefined;
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
    abortOnClientClose(this.res, this);
    this.ctx.tracker.begin();
    const limit = this.ctx.maxBodyBytes;
    if (limit > 0 && built.contentLength > limit) {
      this.#fail(new FuntainerError('FUNTAINER_ERR_BODY_TOO_LARGE', `request body of ${built.contentLength} bytes exceeds max_body_bytes (${limit})`), true);
      return;
    }
    if (built.chunked) this.#body = limit > 0 ? pipeline(this.req, new BodyLimit(limit), ignoreError) : this.req;
    else if (isSmallBody(built)) {
      readSmallBody(this.req, this);
      return;
    } else if (built.contentLength > 0) this.#body = this.req;
    this.#admit();
  }

  smallBodyRead(body: Buffer): void {
    this.#body = body;
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

  /** The function's deadline (armed at dispatch) or the client going away. */
  abortCall(reason: AbortReason): void {
    if (reason instanceof DeadlineExceededError) this.#deadlineReached(reason);
    else this.#clientClosed(reason);
  }

  #deadlineReached(reason: DeadlineExceededError): void {
    this.#deadline = reason;
    if (this.#phase === DISPATCHED) {
      this.#fail(upstreamFailure(reason, this.route.settings.timeoutLimit));
      this.#controller?.abort(reason);
    } else if (this.#phase === RESPONDING) {
      this.#controller?.abort(reason);
    }
  }

  #clientClosed(reason: AbortReason): void {
    const phase = this.#phase;
    if (phase === DONE) return;
    if (phase === QUEUED) this.route.limiter.cancel(this);
    else if (phase === WAITING_REPLICA) this.route.removeWaiter(this);
    this.#finish(0);
    this.#controller?.abort(reason);
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
    startResponse(this.res, statusCode, buildClientResponseHeaders(headers, this.#callId, this.#startTimeNs, seconds, this.ctx.tracker.draining));
    void controller;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#phase === RESPONDING) forwardChunk(this.res, controller, chunk);
  }

  onResponseEnd(): void {
    if (this.#phase !== RESPONDING) return;
    this.res.end();
    this.#finish(this.#status);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#phase === DONE) return;
    if (this.#phase === DISPATCHED && this.#deadline === undefined && shouldRetryElsewhere({ requestStarted: this.#requestStarted, error, body: this.#body, retries: this.#retries })) {
      if (this.#retryElsewhere()) return;
    }
    const failure = upstreamFailure(this.#deadline ?? error, this.route.settings.timeoutLimit, this.#requestStarted);
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
    this.#timer = startDeadline(this, this.route.settings.timeoutMs);
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

function onReadyTimeout(invocation: Invocation): void {
  invocation.readyTimedOut();
}

function ignoreError(): void {
  // pipeline needs a callback; the error itself reaches undici through the destroyed body stream.
}
