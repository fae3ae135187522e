/**
 * What the provider does with an engine event about one of its replicas, so the in-memory view follows Docker
 * within milliseconds instead of at the next sweep:
 * - `die` / `destroy`: the replica leaves the endpoints at once and a reconcile pass is queued (it replaces it);
 * - `pause`: a replica frozen elsewhere (another gateway's scale-to-zero, `docker pause` by hand) leaves the
 *   endpoints at once;
 * - `unpause`: a pass is queued; it probes the thawed replica before it gets traffic again.
 * Our own pause and unpause set the replica's state before calling the engine, so their echoes are no-ops here.
 */
import type { ReplicaSet } from './replica-set.js';

export interface ContainerEventDeps {
  readonly sets: ReadonlyMap<string, ReplicaSet>;
  /** Tells endpoint listeners about the set's current endpoints. */
  readonly emit: (set: ReplicaSet) => void;
  readonly requestConverge: (key: string) => void;
}

export function handleContainerEvent(deps: ContainerEventDeps, key: string, action: string, id: string): void {
  const set = deps.sets.get(key);
  if (!set) return;
  const replica = set.get(id);
  switch (action) {
    case 'pause':
      if ((replica?.state === 'ready' || replica?.state === 'starting') && set.setState(id, 'paused')) deps.emit(set);
      return;
    case 'unpause':
      if (replica?.state === 'paused') deps.requestConverge(key);
      return;
    default:
      set.markDead(id);
      if (!replica || replica.state === 'draining') return;
      if (set.delete(id)) deps.emit(set);
      deps.requestConverge(key);
  }
}
