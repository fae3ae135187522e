/**
 * Collapses concurrent calls with the same key into one: while a call for `key` is pending, later callers get
 * the same promise. This is what makes "100 requests arrive for a function at zero" cause exactly one
 * scale-up (the faas gateway uses Go's singleflight for the same reason).
 */
export class SingleFlight<T> {
  readonly #pending = new Map<string, Promise<T>>();

  /** Runs `work` unless a call for `key` is already pending; either way returns the pending call's promise. */
  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.#pending.get(key);
    if (existing) return existing;
    const call = (async () => {
      try {
        return await work();
      } finally {
        this.#pending.delete(key);
      }
    })();
    this.#pending.set(key, call);
    return call;
  }

  isPending(key: string): boolean {
    return this.#pending.has(key);
  }

  get size(): number {
    return this.#pending.size;
  }
}
