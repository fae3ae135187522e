/**
 * Reconcile passes per function: each runs under the function's lock, and requests arriving while one is queued
 * (engine events, the sweep, an unpause) share it, so a burst of events costs one pass. Every pass first reloads
 * the stored definition: another gateway may have changed it since our last sweep, and converging to a stale
 * one would undo that change.
 */
import type { KeyedLock } from './concurrency.js';
import type { ProviderLogger } from './docker-provider-options.js';
import type { FunctionStore } from './function-store.js';
import type { Reconciler } from './reconciler.js';
import type { ReplicaSet } from './replica-set.js';
import { errorMessage } from '@funtainer/core/errors';

export interface ConvergeQueueDeps {
  readonly lock: KeyedLock;
  readonly sets: Map<string, ReplicaSet>;
  readonly store: FunctionStore;
  readonly reconciler: Reconciler;
  readonly logger: ProviderLogger;
  readonly signal: AbortSignal;
}

export class ConvergeQueue {
  readonly #pending = new Map<string, Promise<void>>();

  constructor(private readonly deps: ConvergeQueueDeps) {}

  /** Queues one pass for the function key; resolves when it ran. Never rejects (failures are logged). */
  request(key: string): Promise<void> {
    const { lock, sets, store, reconciler, logger, signal } = this.deps;
    if (signal.aborted) return Promise.resolve();
    const queued = this.#pending.get(key);
    if (queued) return queued;
    const pass = lock.run(key, async () => {
      this.#pending.delete(key);
      const set = sets.get(key);
      if (!set) return;
      const fresh = await store.load(set.fn);
      if (!fresh) set.definition = undefined;
      else if (!set.definition || fresh.revision > set.definition.revision) set.definition = fresh;
      await reconciler.converge(set);
      if (!set.definition) sets.delete(key);
    }).catch((err: unknown) => logger.warn({ fn: key, err: errorMessage(err) }, 'reconcile failed'));
    this.#pending.set(key, pass);
    return pass;
  }
}
