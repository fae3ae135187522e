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

interface QueuedPass {
  /** The replicas the pass started or adopted answering ready (or giving up). */
  readonly settled: Promise<void>;
}

export class ConvergeQueue {
  readonly #pending = new Map<string, Promise<QueuedPass>>();

  constructor(private readonly deps: ConvergeQueueDeps) {}

  /**
   * Queues one pass for the function key; resolves when it ran and, unless `waitReady` is false, once the
   * replicas it started or adopted answered ready (awaited off the lock). Never rejects (failures are logged).
   */
  async request(key: string, waitReady = true): Promise<void> {
    const pass = await (this.#pending.get(key) ?? this.#queue(key));
    if (waitReady) await pass.settled;
  }

  #queue(key: string): Promise<QueuedPass> {
    const { lock, sets, store, reconciler, logger, signal } = this.deps;
    const none: QueuedPass = { settled: Promise.resolve() };
    if (signal.aborted) return Promise.resolve(none);
    const pass = lock.run(key, async (): Promise<QueuedPass> => {
      this.#pending.delete(key);
      const set = sets.get(key);
      if (!set) return none;
      const fresh = await store.load(set.fn);
      if (!fresh) set.definition = undefined;
      else if (!set.definition || fresh.revision > set.definition.revision) set.definition = fresh;
      const result = await reconciler.converge(set);
      if (!set.definition) sets.delete(key);
      return result;
    }).catch((err: unknown) => {
      logger.warn({ fn: key, err: errorMessage(err) }, 'reconcile failed');
      return none;
    });
    this.#pending.set(key, pass);
    return pass;
  }
}
