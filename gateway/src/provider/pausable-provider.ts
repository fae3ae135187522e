/**
 * The optional provider capability scale-to-zero needs for its first, cheap step: pausing a function's
 * replicas (`docker pause`: cgroup freezer, no CPU, memory kept) so that waking them takes tens of
 * milliseconds instead of a container start. Providers that cannot pause simply do not implement it; the
 * idle policy then goes straight to removal (scale to 0).
 *
 * Contract for implementers:
 * - `pause(fn)` pauses every replica of `fn`; paused replicas are NOT returned by `endpoints(fn)` and the
 *   provider emits `onEndpointsChanged(fn, [])`. Idempotent.
 * - `unpause(fn)` resumes them; once a replica answers ready again it is back in `endpoints(fn)` and the
 *   provider emits `onEndpointsChanged`. Idempotent; a no-op for a function that is not paused.
 * - `isPaused(fn)` is synchronous (from the provider's in-memory view) because the invocation path asks it.
 * - `scale(fn, n)` on a paused function must unpause first (or replace the paused replicas).
 */
import type { QualifiedName } from '@funtainer/core/names';

export interface PausableProvider {
  pause(fn: QualifiedName): Promise<void>;
  unpause(fn: QualifiedName): Promise<void>;
  isPaused(fn: QualifiedName): boolean;
}

/** Narrow type guard so a provider object that also implements pausing can be passed as both. */
export function isPausableProvider(value: unknown): value is PausableProvider {
  const candidate = value as Partial<PausableProvider> | null;
  return typeof candidate?.pause === 'function' && typeof candidate.unpause === 'function' && typeof candidate.isPaused === 'function';
}
