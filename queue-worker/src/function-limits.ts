/**
 * Per-function concurrency bound, so one slow function cannot take every worker slot.
 *
 * Why "park the job" and not "wait on a semaphore": a semaphore wait would hold the BullMQ slot the job was
 * fetched into. With a backlog of a slow function's jobs, the worker would fetch `concurrency` of them, run
 * `max_per_function`, and leave the rest blocked in their slots — the other functions would starve exactly as
 * without a bound. Instead, a job whose function is at its bound is moved back to the delayed set for a short,
 * jittered pause (BullMQ `moveToDelayed` + `DelayedError`), which frees the slot at once and does not count
 * as an attempt. The cost is one Redis round trip per parked job, paid only while a function is saturated.
 *
 * The bound is per worker process; with N workers a function runs at most N × max_per_function at once.
 */

export interface FunctionLimits {
  /** Takes a slot for `fn`; returns the release function, or undefined when `fn` is at its bound. */
  tryAcquire(fn: string): (() => void) | undefined;
  /** Jobs of `fn` running in this process now. */
  running(fn: string): number;
}

export function createFunctionLimits(maxPerFunction: number): FunctionLimits {
  const inFlight = new Map<string, number>();
  return {
    tryAcquire(fn) {
      const current = inFlight.get(fn) ?? 0;
      if (current >= maxPerFunction) return undefined;
      inFlight.set(fn, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (inFlight.get(fn) ?? 1) - 1;
        if (left === 0) inFlight.delete(fn);
        else inFlight.set(fn, left);
      };
    },
    running: (fn) => inFlight.get(fn) ?? 0,
  };
}

/** Pause before a parked job is eligible again: long enough to let a slot free up, jittered to avoid herds. */
export function parkDelayMs(random: () => number, baseMs = 100): number {
  return Math.round(baseMs + random() * baseMs);
}
