/**
 * The `context` object handed to module-mode handlers, shaped like the one in OpenFaaS's node templates so their
 * handlers run unchanged: `status()`, `headers()`, `succeed()`, `fail()`, chainable (`context.status(201).succeed(x)`),
 * and `status()`/`headers()` without arguments read the current value.
 *
 * The first of succeed / fail / return value / throw / timeout wins; later ones are ignored, as in the templates.
 * Methods live on the prototype so a request costs one small object, not a bag of closures.
 */

export type HandlerOutcome = 'pending' | 'succeeded' | 'failed' | 'crashed' | 'timedOut';

export type HeaderValues = Record<string, string | number | string[]>;

export class FunctionContext {
  statusCode = 200;
  headerValues: HeaderValues = {};
  outcome: HandlerOutcome = 'pending';
  /** Value passed to succeed() or returned by the handler. */
  value: unknown = undefined;
  /** Value passed to fail() or thrown by the handler. */
  error: unknown = undefined;
  /** Set by the executor while it waits for an asynchronous handler. */
  onSettled: (() => void) | undefined = undefined;
  timer: NodeJS.Timeout | undefined = undefined;

  status(): number;
  status(code: number): this;
  status(code?: number): number | this {
    if (code === undefined) return this.statusCode;
    this.statusCode = code;
    return this;
  }

  headers(): HeaderValues;
  headers(values: HeaderValues): this;
  headers(values?: HeaderValues): HeaderValues | this {
    if (values === undefined) return this.headerValues;
    this.headerValues = values;
    return this;
  }

  succeed(value?: unknown): this {
    if (this.outcome === 'pending') {
      this.outcome = 'succeeded';
      this.value = value;
      this.settle();
    }
    return this;
  }

  /** A deliberate failure: the message goes back to the caller, 500 unless a status was chosen. */
  fail(error?: unknown): this {
    if (this.outcome === 'pending') {
      this.outcome = 'failed';
      this.error = error;
      if (this.statusCode === 200) this.statusCode = 500;
      this.settle();
    }
    return this;
  }

  /** @internal The handler threw or rejected: 500 with a generic body, the detail goes to the log only. */
  crash(error: unknown): void {
    if (this.outcome === 'pending') {
      this.outcome = 'crashed';
      this.error = error;
      this.settle();
    }
  }

  /** @internal exec_timeout passed before the handler answered. */
  expire(): void {
    if (this.outcome === 'pending') {
      this.outcome = 'timedOut';
      this.settle();
    }
  }

  private settle(): void {
    clearTimeout(this.timer);
    const notify = this.onSettled;
    if (notify !== undefined) {
      this.onSettled = undefined;
      notify();
    }
  }
}

/** setTimeout callback without a per-request closure. */
export function expireContext(context: FunctionContext): void {
  context.expire();
}
