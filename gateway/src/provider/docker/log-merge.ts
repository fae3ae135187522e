/**
 * Interleaves async sources that can join at any time into one stream, in arrival order, for `logs --follow`
 * (replicas come and go while a client follows). The buffer between the sources and the reader is bounded: a
 * source waits while it is full, so a slow client holds the engine's log streams back (their sockets stop being
 * read) instead of growing the gateway's memory without limit.
 */

/** Enough to absorb a burst from a few replicas; each waiting source holds at most one more value. */
export const DEFAULT_MERGE_BUFFER = 256;

export class LogMerge<T> {
  readonly #signal: AbortSignal;
  readonly #limit: number;
  readonly #queue: T[] = [];
  readonly #sources = new Set<AsyncGenerator<T>>();
  #failure: { error: unknown } | undefined;
  #done = false;
  #wakeReader: (() => void) | undefined;
  #wakeSources: (() => void)[] = [];

  /** Stops (and ends every source) when `signal` aborts; sources should be opened with the same signal. */
  constructor(signal: AbortSignal, limit = DEFAULT_MERGE_BUFFER) {
    this.#signal = signal;
    this.#limit = Math.max(1, limit);
  }

  /** Starts reading `source` into the merge; ignored (and ended) once the merge is over. */
  add(source: AsyncGenerator<T>): void {
    if (this.#done || this.#signal.aborted) {
      void source.return(undefined).catch(() => undefined);
      return;
    }
    this.#sources.add(source);
    void this.#pump(source);
  }

  /**
   * The merged values until the signal aborts or a source fails (that error is thrown). Sources ending is not the
   * end: more may be added later. Yields each value once, to one reader.
   */
  async *values(): AsyncGenerator<T> {
    const onAbort = (): void => this.#wake();
    this.#signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!this.#signal.aborted) {
        if (this.#queue.length > 0) {
          const value = this.#queue.shift() as T;
          this.#releaseSources();
          yield value;
          continue;
        }
        if (this.#failure) throw this.#failure.error;
        await new Promise<void>((resolve) => {
          this.#wakeReader = resolve;
          if (this.#signal.aborted) resolve();
        });
      }
    } finally {
      this.#signal.removeEventListener('abort', onAbort);
      this.#done = true;
      this.#queue.length = 0;
      this.#releaseSources();
      // Not awaited: a source blocked on the engine ends when its request is aborted through the signal.
      for (const source of this.#sources) void source.return(undefined).catch(() => undefined);
    }
  }

  async #pump(source: AsyncGenerator<T>): Promise<void> {
    try {
      for await (const value of source) {
        while (this.#queue.length >= this.#limit && !this.#stopped()) await new Promise<void>((resolve) => this.#wakeSources.push(resolve));
        if (this.#stopped()) return;
        this.#queue.push(value);
        this.#wakeReader?.();
        this.#wakeReader = undefined;
      }
    } catch (err) {
      if (!this.#stopped()) this.#failure ??= { error: err };
    } finally {
      this.#sources.delete(source);
      this.#wake();
    }
  }

  #stopped(): boolean {
    return this.#done || this.#signal.aborted;
  }

  #releaseSources(): void {
    const waiting = this.#wakeSources;
    this.#wakeSources = [];
    for (const resolve of waiting) resolve();
  }

  #wake(): void {
    this.#wakeReader?.();
    this.#wakeReader = undefined;
    this.#releaseSources();
  }
}
