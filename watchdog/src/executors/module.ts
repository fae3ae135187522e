/**
 * module mode (ours, the fast path): the JavaScript handler runs inside the watchdog process. No second process and
 * no proxy hop, so a request costs little more than node:http itself.
 *
 * A throwing or rejecting handler answers 500 and is logged; it never takes the watchdog down. exec_timeout answers
 * 504 (X-OpenFaaS-Internal) — the handler's promise keeps running, since JavaScript cannot cancel it, but its
 * late result is ignored.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isWatchdogError, WATCHDOG_ERROR_CODES } from '../errors.js';
import { sendInternalError } from '../internal-response.js';
import { readBody } from '../read-body.js';
import type { Executor, ExecutorDeps, InvokeContext } from './executor.js';
import { expireContext, FunctionContext } from './module-context.js';
import { buildEvent, type FunctionEvent } from './module-event.js';
import { loadHandler, type ModuleHandler } from './module-loader.js';
import { sendHandlerFailure, sendHandlerValue } from './module-response.js';

export interface ModuleExecutorOptions {
  readonly handlerPath: string;
  readonly rawBody: boolean;
}

export class ModuleExecutor implements Executor {
  private handler: ModuleHandler | undefined;

  constructor(
    private readonly options: ModuleExecutorOptions,
    private readonly deps: ExecutorDeps,
  ) {}

  async start(): Promise<void> {
    this.handler = await loadHandler(this.options.handlerPath);
  }

  async stop(): Promise<void> {}

  async invoke(req: IncomingMessage, res: ServerResponse, ctx: InvokeContext): Promise<void> {
    let event: FunctionEvent;
    try {
      event = buildEvent(req, await readBody(req), this.options.rawBody);
    } catch (err) {
      this.rejectRequest(res, err);
      return;
    }
    const context = new FunctionContext();
    const pending = this.run(event, context, ctx.timeoutMs);
    if (pending !== undefined) await pending;
    this.respond(res, context, ctx.timeoutMs);
  }

  /** Calls the handler; returns a promise only when the handler is asynchronous and has not answered yet. */
  private run(event: FunctionEvent, context: FunctionContext, timeoutMs: number): Promise<void> | undefined {
    const handler = this.handler;
    if (handler === undefined) {
      context.crash(new Error('module executor used before start()'));
      return undefined;
    }
    let returned: unknown;
    try {
      // Only callback-style handlers (event, context, callback) pay for a callback closure.
      returned = handler.length >= 3 ? handler(event, context, callbackFor(context)) : handler(event, context, noCallback);
    } catch (err) {
      context.crash(err);
      return undefined;
    }
    if (context.outcome !== 'pending') return undefined;
    if (!isThenable(returned)) {
      if (handler.length < 3 || returned !== undefined) context.succeed(returned);
      else if (timeoutMs > 0) context.timer = setTimeout(expireContext, timeoutMs, context);
      return context.outcome === 'pending' ? waitForSettle(context) : undefined;
    }
    if (timeoutMs > 0) context.timer = setTimeout(expireContext, timeoutMs, context);
    const settled = waitForSettle(context);
    returned.then(
      (value) => context.succeed(value),
      (err: unknown) => context.crash(err),
    );
    return settled;
  }

  private respond(res: ServerResponse, context: FunctionContext, timeoutMs: number): void {
    switch (context.outcome) {
      case 'succeeded':
        sendHandlerValue(res, context, context.value);
        return;
      case 'failed':
        sendHandlerFailure(res, context, context.error);
        return;
      case 'timedOut':
        this.deps.log.warn('handler exceeded exec_timeout', { timeoutMs });
        sendInternalError(res, 504, `Function exceeded the timeout of ${timeoutMs}ms\n`);
        return;
      case 'crashed':
      case 'pending':
        this.deps.log.error('handler failed', { err: toError(context.error) });
        sendInternalError(res, 500, 'Internal Server Error\n');
        return;
    }
  }

  private rejectRequest(res: ServerResponse, err: unknown): void {
    if (isWatchdogError(err, WATCHDOG_ERROR_CODES.bodyTooLarge)) sendInternalError(res, 413, 'Request body too large\n');
    else if (isWatchdogError(err, WATCHDOG_ERROR_CODES.bodyInvalid)) sendInternalError(res, 400, 'Invalid JSON body\n');
    else sendInternalError(res, 400, 'Bad request body\n');
  }
}

function waitForSettle(context: FunctionContext): Promise<void> {
  return new Promise((resolve) => {
    context.onSettled = resolve;
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** The (err, value) callback of older OpenFaaS node handlers. */
function callbackFor(context: FunctionContext): (err: unknown, value?: unknown) => void {
  return (err, value) => {
    if (err !== undefined && err !== null) context.fail(err);
    else context.succeed(value);
  };
}

function noCallback(): void {}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
