/**
 * Per-function bound on in-flight requests with a bounded FIFO wait queue (docs/openfaas-compat.md §11: an unbounded
 * queue turns overload into memory exhaustion; a tiny one into spurious errors). Callers are objects with a
 * `start()` method, so queueing allocates no closure per request.
 */

export interface Startable {
  start(): void;
}

export type AcquireResult = 'run' | 'queued' | 'rejected';

export class ConcurrencyLimiter<T extends Startable> {
  #active = 0;
  #waiting: T[] = [];

  /** @param maxConcurrent 0 = unbounded. @param maxQueue waiters beyond the bound; 0 = reject at once. */
  constructor(
    public maxConcurrent: number,
    public maxQueue: number,
  ) {}

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** 'run': the caller proceeds now and must call release() when done. 'queued': item.start() runs later. */
  acquire(item: T): AcquireResult {
    if (this.maxConcurrent === 0 || this.#active < this.maxConcurrent) {
      this.#active++;
      return 'run';
    }
    if (this.#waiting.length >= this.maxQueue) return 'rejected';
    this.#waiting.push(item);
    return 'queued';
  }

  /** Frees a slot and hands it to the oldest waiter. */
  release(): void {
    this.#active--;
    this.#admitWaiters();
  }

  /** Removes a waiter that gave up (client went away). Returns false if it was not waiting. */
  cancel(item: T): boolean {
    const index = this.#waiting.indexOf(item);
    if (index === -1) return false;
    this.#waiting.splice(index, 1);
    return true;
  }

  /** Applies a new bound (labels changed) and admits waiters the wider bound now allows. */
  resize(maxConcurrent: number, maxQueue: number): void {
    this.maxConcurrent = maxConcurrent;
    this.maxQueue = maxQueue;
    this.#admitWaiters();
  }

  #admitWaiters(): void {
    while (this.#waiting.length > 0 && (this.maxConcurrent === 0 || this.#active < this.maxConcurrent)) {
      const next = this.#waiting.shift() as T;
      this.#active++;
      next.start();
    }
  }
}
