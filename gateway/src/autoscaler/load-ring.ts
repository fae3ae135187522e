/**
 * A fixed-size ring of (time, requests-so-far, in-flight) samples for one function, from which the local
 * metrics source computes windowed rates and averages. Bounded by construction: the oldest sample is
 * overwritten, so memory per function never grows.
 */
export interface LoadSample {
  readonly atMs: number;
  /** Monotonic count of requests started (a counter). */
  readonly requestsTotal: number;
  readonly inFlight: number;
}

export class LoadRing {
  readonly #samples: (LoadSample | undefined)[];
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError('LoadRing capacity must be an integer ≥ 2');
    this.#samples = new Array<LoadSample | undefined>(capacity).fill(undefined);
  }

  push(sample: LoadSample): void {
    this.#samples[this.#next] = sample;
    this.#next = (this.#next + 1) % this.#samples.length;
    this.#size = Math.min(this.#size + 1, this.#samples.length);
  }

  /** Requests per second over the last `windowMs` (or the whole history if shorter); 0 with < 2 samples. */
  ratePerSecond(windowMs: number): number {
    const inWindow = this.#window(windowMs);
    const first = inWindow[0];
    const last = inWindow[inWindow.length - 1];
    if (!first || !last || last.atMs <= first.atMs) return 0;
    // A counter that went down was reset (gateway registry rebuilt): count from zero, as PromQL rate() does.
    const delta = last.requestsTotal >= first.requestsTotal ? last.requestsTotal - first.requestsTotal : last.requestsTotal;
    return delta / ((last.atMs - first.atMs) / 1000);
  }

  /** Mean in-flight over the samples in the last `windowMs`; 0 without samples. */
  averageInFlight(windowMs: number): number {
    const inWindow = this.#window(windowMs);
    if (inWindow.length === 0) return 0;
    return inWindow.reduce((sum, s) => sum + s.inFlight, 0) / inWindow.length;
  }

  /** Samples oldest first whose time is within `windowMs` of the newest sample. */
  #window(windowMs: number): LoadSample[] {
    const ordered: LoadSample[] = [];
    for (let i = 0; i < this.#size; i++) {
      const index = (this.#next - this.#size + i + this.#samples.length) % this.#samples.length;
      const sample = this.#samples[index];
      if (sample) ordered.push(sample);
    }
    const newest = ordered[ordered.length - 1];
    return newest ? ordered.filter((s) => s.atMs >= newest.atMs - windowMs) : [];
  }
}
