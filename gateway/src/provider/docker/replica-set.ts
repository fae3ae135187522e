/**
 * The provider's in-memory view of one function: its definition (desired state) and the replicas it knows of
 * (actual state), with the ready endpoint list cached because `endpoints()` runs per request.
 * A replica gets traffic only in state `ready`; `draining` replicas are out of rotation but still running;
 * `paused` replicas are frozen by `docker pause` (out of rotation, memory kept) until unpaused.
 */
import type { FunctionPhase } from '@funtainer/core/contracts';
import type { FuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import type { Endpoint } from '../provider.js';
import type { ImageFacts } from '../replica-rules.js';
import type { ReplicaIdentity, StoredDefinition } from './labels.js';

export type ReplicaState = 'starting' | 'ready' | 'draining' | 'paused';

export interface Replica {
  readonly id: string;
  readonly identity: ReplicaIdentity;
  readonly url: string | undefined;
  state: ReplicaState;
}

export class ReplicaSet {
  readonly fn: QualifiedName;
  /** undefined while the function is being removed. */
  definition: StoredDefinition | undefined;
  readonly #replicas = new Map<string, Replica>();
  /**
   * Containers the engine reported dead (event `die`). `docker ps` can still list one as running for a moment
   * after the event; without this a reconcile pass would adopt it and wait for a readiness that never comes.
   */
  readonly #dead = new Set<string>();
  #endpoints: readonly Endpoint[] = [];
  /** The engine's last refusal of a replica of this definition; cleared by a successful launch or a new definition. */
  refusal: { readonly error: FuntainerError; readonly at: Date } | undefined;
  /** The engine's answer for the definition's image, so a deploy checks it once (reconciler.ts). */
  image: { readonly ref: string; readonly facts: ImageFacts } | undefined;

  constructor(fn: QualifiedName, definition: StoredDefinition) {
    this.fn = fn;
    this.definition = definition;
  }

  get endpoints(): readonly Endpoint[] {
    return this.#endpoints;
  }

  replicas(): Replica[] {
    return [...this.#replicas.values()];
  }

  get(id: string): Replica | undefined {
    return this.#replicas.get(id);
  }

  /**
   * Paused = at least one replica is paused and none is starting or ready. Derived from the replicas' states,
   * which mirror Docker's (a reconcile pass adopts containers Docker reports `paused`), so a restarted or second
   * gateway sees the same answer; a partly paused function (someone is waking it) counts as running.
   */
  isPaused(): boolean {
    let paused = false;
    for (const replica of this.#replicas.values()) {
      if (replica.state === 'starting' || replica.state === 'ready') return false;
      if (replica.state === 'paused') paused = true;
    }
    return paused;
  }

  /** Where the function stands, from the definition and the replicas' states (see FunctionPhase). */
  phase(): FunctionPhase {
    const definition = this.definition;
    if (!definition || definition.replicas === 0) return 'scaled-to-zero';
    if (this.isPaused()) return 'paused';
    let ready = 0;
    for (const r of this.#replicas.values()) if (r.state === 'ready' && r.identity.generation === definition.generation) ready++;
    if (ready >= definition.replicas) return 'ready';
    return this.refusal ? 'failing' : 'starting';
  }

  readyCount(): number {
    return this.#endpoints.length;
  }

  /** Adds or replaces a replica; returns true when the ready endpoints changed. */
  put(replica: Replica): boolean {
    this.#replicas.set(replica.id, replica);
    return this.#refresh();
  }

  setState(id: string, state: ReplicaState): boolean {
    const replica = this.#replicas.get(id);
    if (!replica || replica.state === state) return false;
    replica.state = state;
    return this.#refresh();
  }

  delete(id: string): boolean {
    if (!this.#replicas.delete(id)) return false;
    return this.#refresh();
  }

  markDead(id: string): void {
    this.#dead.add(id);
  }

  isDead(id: string): boolean {
    return this.#dead.has(id);
  }

  /** Forgets dead ids the engine no longer lists, so the set stays bounded. */
  pruneDead(listed: ReadonlySet<string>): void {
    for (const id of this.#dead) if (!listed.has(id)) this.#dead.delete(id);
  }

  /** Recomputes the cached endpoint list (ready replicas, by slot); true when it changed. */
  #refresh(): boolean {
    const next = [...this.#replicas.values()]
      .filter((r): r is Replica & { url: string } => r.state === 'ready' && r.url !== undefined)
      .sort((a, b) => b.identity.generation - a.identity.generation || a.identity.slot - b.identity.slot)
      .map((r) => Object.freeze({ id: r.id, url: r.url }));
    const same = next.length === this.#endpoints.length && next.every((e, i) => e.id === this.#endpoints[i]?.id);
    if (same) return false;
    this.#endpoints = Object.freeze(next);
    return true;
  }
}
