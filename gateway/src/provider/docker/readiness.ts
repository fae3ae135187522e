/**
 * Waits for a replica's watchdog to answer `GET /_/ready` with 200. Polls fast (default every 15 ms) because the
 * watchdog is usually ready within tens of milliseconds and every poll interval is added to cold-start latency;
 * each probe has its own short timeout and the whole wait has a deadline.
 */
export interface ReadinessOptions {
  readonly pollMs: number;
  readonly deadlineMs: number;
  /** Aborts the wait (provider closing). */
  readonly signal?: AbortSignal;
  /** Polled between probes: true ends the wait early (e.g. the replica died meanwhile). */
  readonly abandoned?: () => boolean;
}

const PROBE_TIMEOUT_MS = 1_000;

export async function probeReady(baseUrl: string, signal?: AbortSignal): Promise<boolean> {
  const probeSignal = signal ? AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)]) : AbortSignal.timeout(PROBE_TIMEOUT_MS);
  try {
    const response = await fetch(`${baseUrl}/_/ready`, { signal: probeSignal });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false; // connection refused while the watchdog starts, or the probe timed out: try again
  }
}

/** Resolves true once ready, false at the deadline or on abort. */
export async function waitReady(baseUrl: string, options: ReadinessOptions): Promise<boolean> {
  const until = Date.now() + options.deadlineMs;
  while (!options.signal?.aborted && !options.abandoned?.()) {
    if (await probeReady(baseUrl, options.signal)) return true;
    const left = until - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(options.pollMs, left), options.signal);
  }
  return false;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
