/**
 * The subscriber list behind `onEndpointsChanged`. A throwing listener must not stop the others nor break the
 * provider operation that triggered the change, so errors go to a reporter instead of up the stack.
 */
import type { QualifiedName } from '@funtainer/core/names';
import type { Endpoint, EndpointsListener } from './provider.js';

export class EndpointListeners {
  readonly #listeners = new Set<EndpointsListener>();
  readonly #onListenerError: (err: unknown) => void;

  constructor(onListenerError: (err: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  add(listener: EndpointsListener): () => void {
    // Wrapped so the same function can subscribe twice and unsubscribe each registration independently.
    const entry: EndpointsListener = (fn, endpoints) => listener(fn, endpoints);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(fn: QualifiedName, endpoints: readonly Endpoint[]): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(fn, endpoints);
      } catch (err) {
        this.#onListenerError(err);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
