/**
 * Counts invocations in progress across the gateway so SIGTERM can wait for them (bounded by write_timeout),
 * and tells the proxy to answer with `Connection: close` once draining so keep-alive clients move on.
 */

export class InvocationTracker {
  #active = 0;
  #draining = false;
  #idleWaiters: Array<() => void> = [];

  get active(): number {
    return this.#active;
  }

  get draining(): boolean {
    return this.#draining;
  }

  begin(): void {
    this.#active++;
  }

  end(): void {
    this.#active--;
    if (this.#active === 0 && this.#idleWaiters.length > 0) {
      for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  /** Marks the gateway as draining and resolves when no invocation is active or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    this.#draining = true;
    if (this.#active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
