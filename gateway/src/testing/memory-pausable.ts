/**
 * An in-memory PausableProvider for unit tests, layered over a provider that can scale (normally the shared
 * MemoryProvider). Pausing remembers the replica count and scales to 0, so endpoints empty and listeners fire as
 * with a real `docker pause`; unpausing scales back. Its `scale` follows the PausableProvider contract: scaling
 * a paused function ends the pause. `calls` records every engine-side operation for assertions.
 */
import type { QualifiedName } from '@funtainer/core/names';
import type { PausableProvider } from '../provider/pausable-provider.js';
import type { EndpointWatch, ReplicaQuery } from '../autoscaler/provider-views.js';

type Inner = ReplicaQuery & EndpointWatch;

export class MemoryPausableProvider implements PausableProvider, Inner {
  readonly calls: Array<{ op: 'pause' | 'unpause' | 'scale'; fn: string; replicas?: number }> = [];
  readonly #inner: Inner;
  /** Replica count each paused function had, keyed by `name.namespace`. */
  readonly #paused = new Map<string, number>();

  constructor(inner: Inner) {
    this.#inner = inner;
  }

  get: Inner['get'] = async (fn) => {
    const status = await this.#inner.get(fn);
    // A paused function keeps its desired count, as paused containers still exist.
    const paused = this.#paused.get(keyOf(fn));
    return status && paused !== undefined ? { ...status, replicas: paused, availableReplicas: 0 } : status;
  };

  scale: Inner['scale'] = async (fn, replicas) => {
    this.calls.push({ op: 'scale', fn: keyOf(fn), replicas });
    this.#paused.delete(keyOf(fn));
    await this.#inner.scale(fn, replicas);
  };

  endpoints: Inner['endpoints'] = (fn) => this.#inner.endpoints(fn);
  onEndpointsChanged: Inner['onEndpointsChanged'] = (listener) => this.#inner.onEndpointsChanged(listener);

  async pause(fn: QualifiedName): Promise<void> {
    const key = keyOf(fn);
    this.calls.push({ op: 'pause', fn: key });
    if (this.#paused.has(key)) return;
    const status = await this.#inner.get(fn);
    this.#paused.set(key, Math.max(status?.replicas ?? 1, 1));
    await this.#inner.scale(fn, 0);
  }

  async unpause(fn: QualifiedName): Promise<void> {
    const key = keyOf(fn);
    this.calls.push({ op: 'unpause', fn: key });
    const replicas = this.#paused.get(key);
    if (replicas === undefined) return;
    this.#paused.delete(key);
    await this.#inner.scale(fn, replicas);
  }

  isPaused(fn: QualifiedName): boolean {
    return this.#paused.has(keyOf(fn));
  }
}

function keyOf(fn: QualifiedName): string {
  return `${fn.name}.${fn.namespace}`;
}
