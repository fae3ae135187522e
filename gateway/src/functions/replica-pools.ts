/**
 * One keep-alive undici Pool per ready replica, shared by every request to it, plus the replica's in-flight
 * count (read by the picker, and by the provider through `inFlight(id)` to drain a replica before stopping
 * it). Pools of replicas that leave the ready set are closed gracefully: in-flight requests finish first.
 */
import { Pool } from 'undici';
import type { Endpoint } from '../provider/provider.js';

export class ReplicaSlot {
  inFlight = 0;
  /**
   * performance.now() until which the picker skips this replica: a connect to it failed, so it is most likely
   * dead and the provider has not noticed yet. 0 = eligible.
   */
  unreachableUntil = 0;
  constructor(
    readonly id: string,
    readonly url: string,
    readonly pool: Pool,
  ) {}
}

export interface ReplicaPoolOptions {
  /** Upper bound of sockets per replica (OpenFaaS max_idle_conns_per_host). */
  readonly maxConnectionsPerReplica: number;
}

export class ReplicaPools {
  readonly #slots = new Map<string, ReplicaSlot>();
  #closed = false;

  constructor(private readonly options: ReplicaPoolOptions) {}

  /** Slots for a function's current endpoints, creating pools for new ones; reuses existing slots by id. */
  slotsFor(endpoints: readonly Endpoint[]): ReplicaSlot[] {
    const slots: ReplicaSlot[] = [];
    for (const endpoint of endpoints) {
      let slot = this.#slots.get(endpoint.id);
      if (slot !== undefined && slot.url !== endpoint.url) {
        this.#retire(slot);
        slot = undefined;
      }
      if (slot === undefined) {
        if (this.#closed) continue;
        slot = new ReplicaSlot(endpoint.id, endpoint.url, this.#createPool(endpoint.url));
        this.#slots.set(endpoint.id, slot);
      }
      slots.push(slot);
    }
    return slots;
  }

  /** Closes the pools of `previous` slots that are not in `current` any more. */
  retireMissing(previous: readonly ReplicaSlot[], current: readonly ReplicaSlot[]): void {
    for (const slot of previous) {
      if (!current.includes(slot)) this.#retire(slot);
    }
  }

  inFlight(endpointId: string): number {
    return this.#slots.get(endpointId)?.inFlight ?? 0;
  }

  get size(): number {
    return this.#slots.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#slots.values()].map((s) => s.pool);
    this.#slots.clear();
    await Promise.allSettled(pools.map((p) => p.close()));
  }

  #retire(slot: ReplicaSlot): void {
    if (this.#slots.get(slot.id) === slot) this.#slots.delete(slot.id);
    // close() lets queued and running requests complete; errors after that are of no interest.
    slot.pool.close().catch(() => undefined);
  }

  #createPool(url: string): Pool {
    return new Pool(url, {
      connections: this.options.maxConnectionsPerReplica,
      pipelining: 1,
      // The per-call deadline is enforced by the invocation itself; these only guard against a stuck socket.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }
}
