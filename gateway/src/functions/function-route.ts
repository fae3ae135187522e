/**
 * Everything the invocation path keeps per function between requests: settings from its labels, its ready
 * replicas (with their pools), the concurrency limiter, requests waiting for a replica, and its metric
 * children. One instance per function, owned by the FunctionTable.
 */
import { FuntainerError, isFuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import type { FunctionMetrics } from '../metrics/gateway-metrics.js';
import type { Endpoint } from '../provider/provider.js';
import { ConcurrencyLimiter, type Startable } from './concurrency-limiter.js';
import type { ReplicaPools, ReplicaSlot } from './replica-pools.js';
import { pickLeastInFlight } from './replica-picker.js';
import type { FunctionSettings } from './function-settings.js';

/** A request parked until the function has a ready replica (its own ready_timeout timer is its deadline). */
export interface ReplicaWaiter {
  replicasAvailable(): void;
  /** The wake-up failed: answer `error` now rather than at the deadline. */
  replicaWaitFailed(error: FuntainerError): void;
}

/** Starts a function at zero (the autoscaler's waker); rejects when the wake-up cannot be done. */
export type WakeFunction = (fn: QualifiedName) => Promise<void>;

/** Requests parked per function when scale_from_zero_max_waiting is not given (no autoscaler). */
export const DEFAULT_MAX_WAITING_PER_FUNCTION = 1000;

export class FunctionRoute {
  settings: FunctionSettings;
  /** False until the function's labels have been read once; requests wait for that (private functions!). */
  settingsLoaded = false;
  settingsLoading: Promise<void> | undefined;
  readonly limiter: ConcurrencyLimiter<Startable>;
  replicas: ReplicaSlot[] = [];
  readonly waiters: ReplicaWaiter[] = [];
  /** Completed invocations, reported as invocationCount by the system API. */
  invocations = 0;
  /** Set when the function was removed; parked requests then answer 404 instead of waiting. */
  retired = false;
  #rotation = 0;
  /** How many of `replicas` carry an unreachable mark (0 keeps pickReplica on its allocation-free path). */
  #unreachable = 0;
  #endpoints: readonly Endpoint[] | undefined;

  constructor(
    readonly fn: QualifiedName,
    /** `name.namespace`, the metrics label. */
    readonly label: string,
    settings: FunctionSettings,
    maxQueue: number,
    readonly metrics: FunctionMetrics,
    private readonly pools: ReplicaPools,
    /** The provider's reason no replica can start (see FunctionProvider.startFailure); undefined = just wait. */
    readonly startFailure: () => FuntainerError | undefined = () => undefined,
    /** Bound on `waiters` (scale_from_zero_max_waiting): the one hold path for requests at zero is bounded. */
    readonly maxWaiting = DEFAULT_MAX_WAITING_PER_FUNCTION,
  ) {
    this.settings = settings;
    this.limiter = new ConcurrencyLimiter(settings.maxConcurrency, maxQueue);
  }

  applySettings(settings: FunctionSettings, maxQueue: number): void {
    this.settings = settings;
    this.settingsLoaded = true;
    this.limiter.resize(settings.maxConcurrency, maxQueue);
  }

  /**
   * Least-in-flight ready replica, or undefined when none is ready. Replicas marked unreachable are skipped
   * while others remain (when all are marked, all are tried again rather than stalling). `except` (the replica
   * a retry just failed on) is never returned: then undefined means "wait for another replica".
   */
  pickReplica(except?: ReplicaSlot): ReplicaSlot | undefined {
    if (this.#unreachable === 0 && except === undefined) return pickLeastInFlight(this.replicas, this.#rotation++);
    const now = performance.now();
    const eligible = this.replicas.filter((slot) => slot !== except && !this.#isUnreachable(slot, now));
    if (eligible.length === 0 && except === undefined) return pickLeastInFlight(this.replicas, this.#rotation++);
    return pickLeastInFlight(eligible, this.#rotation++);
  }

  /** A connect to `slot` failed: keep it out of rotation for `forMs` or until the provider drops it. */
  markUnreachable(slot: ReplicaSlot, forMs: number): void {
    if (slot.unreachableUntil === 0) this.#unreachable++;
    slot.unreachableUntil = performance.now() + forMs;
  }

  /**
   * Brings the replica list in line with the provider's ready endpoints. Cheap when nothing changed (the
   * common case on the hot path): a length and id comparison, no allocation.
   */
  syncEndpoints(endpoints: readonly Endpoint[]): void {
    // Providers hand out one array until the endpoints change, so the per-request check is usually this one.
    if (endpoints === this.#endpoints) return;
    this.#endpoints = endpoints;
    if (sameEndpoints(this.replicas, endpoints)) return;
    const previous = this.replicas;
    this.replicas = this.pools.slotsFor(endpoints);
    this.pools.retireMissing(previous, this.replicas);
    this.#unreachable = this.replicas.reduce((n, slot) => n + (slot.unreachableUntil === 0 ? 0 : 1), 0);
    if (this.replicas.length > 0 && this.waiters.length > 0) this.#wakeWaiters();
  }

  /** The provider reported a start failure: parked requests re-check (and fail fast) instead of waiting. */
  recheckWaiters(): void {
    if (this.replicas.length === 0 && this.startFailure() !== undefined) this.#wakeWaiters();
  }

  #isUnreachable(slot: ReplicaSlot, now: number): boolean {
    if (slot.unreachableUntil === 0) return false;
    if (slot.unreachableUntil > now) return true;
    slot.unreachableUntil = 0;
    this.#unreachable--;
    return false;
  }

  /**
   * Parks `waiter` until a replica is ready, or returns the error to answer at once when `maxWaiting` requests
   * already wait. The first waiter of an empty queue asks `wake` to start the function; if that fails, every
   * parked request fails with it instead of waiting out its deadline.
   */
  park(waiter: ReplicaWaiter, wake: WakeFunction | undefined): FuntainerError | undefined {
    if (this.waiters.length >= this.maxWaiting) {
      return new FuntainerError('FUNTAINER_ERR_NO_REPLICA', `function ${this.label} already has ${this.maxWaiting} requests waiting for a replica (scale_from_zero_max_waiting)`, {
        details: { function: this.label, reason: 'wait-queue-full' },
      });
    }
    if (this.waiters.length === 0 && wake !== undefined) wake(this.fn).catch((err: unknown) => this.#wakeFailed(err));
    this.waiters.push(waiter);
    return undefined;
  }

  #wakeFailed(err: unknown): void {
    // A replica that became ready meanwhile already released the waiters; later ones just wait for it.
    if (this.replicas.length > 0) return;
    const error = isFuntainerError(err) && err.code === 'FUNTAINER_ERR_FUNCTION_NOT_FOUND'
      ? err
      : new FuntainerError('FUNTAINER_ERR_NO_REPLICA', `function ${this.label} could not be started from zero`, { cause: err, details: { function: this.label, reason: 'scale-up-failed' } });
    const waiting = this.waiters.splice(0, this.waiters.length);
    for (const waiter of waiting) waiter.replicaWaitFailed(error);
  }

  removeWaiter(waiter: ReplicaWaiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index !== -1) this.waiters.splice(index, 1);
  }

  /** The function was removed: close its pools. Waiters find out when they retry or time out. */
  retire(): void {
    this.retired = true;
    this.pools.retireMissing(this.replicas, []);
    this.replicas = [];
    this.#unreachable = 0;
    this.#wakeWaiters();
  }

  #wakeWaiters(): void {
    const waiting = this.waiters.splice(0, this.waiters.length);
    for (const waiter of waiting) waiter.replicasAvailable();
  }
}

function sameEndpoints(slots: readonly ReplicaSlot[], endpoints: readonly Endpoint[]): boolean {
  if (slots.length !== endpoints.length) return false;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as ReplicaSlot;
    const endpoint = endpoints[i] as Endpoint;
    if (slot.id !== endpoint.id || slot.url !== endpoint.url) return false;
  }
  return true;
}
