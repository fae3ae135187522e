/**
 * Least-in-flight replica choice. Ties rotate through the replicas (the caller passes a counter) so idle
 * replicas share light traffic instead of the first one taking all of it. Pure; O(replicas) per request.
 */

export interface InFlightCounted {
  readonly inFlight: number;
}

export function pickLeastInFlight<T extends InFlightCounted>(replicas: readonly T[], rotation: number): T | undefined {
  const n = replicas.length;
  if (n === 0) return undefined;
  if (n === 1) return replicas[0];
  const offset = rotation % n;
  let best = replicas[offset] as T;
  for (let i = 1; i < n; i++) {
    const candidate = replicas[(offset + i) % n] as T;
    if (candidate.inFlight < best.inFlight) best = candidate;
  }
  return best;
}
