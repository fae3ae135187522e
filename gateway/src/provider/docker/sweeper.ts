/**
 * The periodic pass that makes the in-memory view follow what is in Docker: definitions written or deleted by
 * another gateway, replicas whose death event was missed, containers left behind by a crashed remove. It reloads
 * every definition, adjusts the replica sets, removes orphan containers and requests a reconcile per function.
 * Runs once at start (that is how a restarted gateway recovers its functions) and then every `intervalMs`.
 */
import { functionKey } from '../function-spec.js';
import type { ProviderLogger } from './docker-provider-options.js';
import type { FunctionStore } from './function-store.js';
import type { StoredDefinition } from './labels.js';
import type { ObservedReplica, ReplicaEngine } from './replica-engine.js';
import { ReplicaSet } from './replica-set.js';
import { errorMessage } from '@funtainer/core/errors';

export interface SweeperDeps {
  readonly store: FunctionStore;
  readonly engine: ReplicaEngine;
  readonly sets: Map<string, ReplicaSet>;
  readonly intervalMs: number;
  readonly logger: ProviderLogger;
  readonly signal: AbortSignal;
  /** Queues a reconcile pass for a function key; resolves when it ran (never rejects). */
  readonly converge: (key: string) => Promise<void>;
  /** Housekeeping that needs the same observation (secret directories); must not reject. */
  readonly observed?: (definitions: ReadonlyMap<string, StoredDefinition>, replicas: readonly ObservedReplica[]) => Promise<void>;
}

export class Sweeper {
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(private readonly deps: SweeperDeps) {}

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    // The first pass is awaited so a restarted gateway serves its functions as soon as start() returns.
    await Promise.all(await this.sweep());
    this.#schedule();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  /** Returns the queued reconcile passes. */
  async sweep(): Promise<Promise<void>[]> {
    const { store, engine, sets, converge } = this.deps;
    const definitions = await store.loadAll();
    for (const [key, definition] of definitions) {
      const set = sets.get(key);
      if (!set) sets.set(key, new ReplicaSet({ name: definition.spec.service, namespace: definition.spec.namespace ?? '' }, definition));
      else if (set.definition && definition.revision > set.definition.revision) set.definition = definition;
    }
    for (const [key, set] of sets) {
      if (set.definition && !definitions.has(key)) set.definition = undefined; // removed by another gateway
    }
    const replicas = await engine.list();
    for (const replica of replicas) {
      const key = functionKey(replica.identity);
      if (!definitions.has(key) && !sets.has(key)) {
        this.deps.logger.info({ fn: key, replica: replica.id.slice(0, 12) }, 'removing orphan replica');
        // A paused orphan has nothing to drain and would only sit out the stop grace period frozen.
        await (replica.paused ? engine.remove(replica.id) : engine.stopAndRemove(replica.id)).catch(() => undefined);
      }
    }
    await this.deps.observed?.(definitions, replicas);
    return [...sets.keys()].map((key) => converge(key));
  }

  #schedule(): void {
    if (!this.#running || this.deps.signal.aborted) return;
    this.#timer = setTimeout(() => {
      this.sweep()
        .catch((err: unknown) => this.deps.logger.warn({ err: errorMessage(err) }, 'sweep failed'))
        .finally(() => this.#schedule());
    }, this.deps.intervalMs);
    this.#timer.unref();
  }
}
