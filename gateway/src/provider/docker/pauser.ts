/**
 * Pausing and unpausing a function's replicas (`docker pause`: the cgroup freezer, no CPU, memory and IP kept),
 * run by the provider under the function's lock, so it never interleaves with a reconcile pass.
 *
 * Pause: replicas leave the endpoints first (listeners are told at once, so no new request picks them), the
 * gateway's requests already open to them finish (bounded by `drainTimeoutMs`), then they are frozen. Without
 * `inFlight` there is no wait: a request caught mid-flight is frozen with its replica and completes on unpause.
 *
 * Unpause: replicas are marked `starting` before the engine call (so `isPaused()` turns false at once and the
 * engine's own `unpause` event is a no-op), thawed, then put back through the reconciler's readiness wait, whose
 * first probe is immediate: a thawed watchdog answers it at once, so it costs one HTTP round trip, not a poll.
 */
import type { ProviderLogger } from './docker-provider-options.js';
import { sleep } from './readiness.js';
import type { ReplicaEngine } from './replica-engine.js';
import type { Replica, ReplicaSet } from './replica-set.js';
import { errorMessage } from '@funtainer/core/errors';

export interface PauserSettings {
  readonly drainTimeoutMs: number;
  readonly inFlight?: ((endpointId: string) => number) | undefined;
}

export interface PauserDeps {
  readonly engine: ReplicaEngine;
  readonly settings: PauserSettings;
  /** Called after every change of a set's ready endpoints. */
  readonly changed: (set: ReplicaSet) => void;
  /** The reconciler's readiness wait: `ready` on success; the replica is removed if it never answers. */
  readonly becomeReady: (set: ReplicaSet, replica: Replica) => Promise<unknown>;
  readonly logger: ProviderLogger;
  readonly signal: AbortSignal;
}

export class Pauser {
  constructor(private readonly deps: PauserDeps) {}

  /** Pauses every running replica of the set. Idempotent (nothing to do when none is running). */
  async pause(set: ReplicaSet): Promise<void> {
    const targets = set.replicas().filter((r) => r.state === 'ready' || r.state === 'starting');
    if (targets.length === 0) return;
    let endpointsChanged = false;
    for (const replica of targets) endpointsChanged = set.setState(replica.id, 'paused') || endpointsChanged;
    if (endpointsChanged) this.deps.changed(set);
    await this.#drained(targets.map((r) => r.id));
    const started = Date.now();
    // A replica that fails to pause stays running in Docker; the next reconcile pass sees it and puts it back.
    await Promise.all(targets.map((r) => this.deps.engine.pause(r.id).catch((err: unknown) => this.#warn(set, 'pause replica', err))));
    this.deps.logger.info({ fn: set.fn, replicas: targets.length, pauseMs: Date.now() - started }, 'function paused');
  }

  /** Unpauses every paused replica and waits until they are back in the endpoints. Idempotent. */
  async unpause(set: ReplicaSet): Promise<void> {
    const targets = set.replicas().filter((r) => r.state === 'paused');
    if (targets.length === 0) return;
    for (const replica of targets) set.setState(replica.id, 'starting');
    const started = Date.now();
    const failures: unknown[] = [];
    await Promise.all(targets.map(async (replica) => {
      try {
        await this.deps.engine.unpause(replica.id);
      } catch (err) {
        // Still frozen: keep it paused (a readiness wait would only time out) and report the failure.
        set.setState(replica.id, 'paused');
        failures.push(err);
        return;
      }
      await this.deps.becomeReady(set, replica);
    }));
    this.deps.logger.info({ fn: set.fn, replicas: targets.length, failed: failures.length, unpauseMs: Date.now() - started }, 'function unpaused');
    if (failures.length === targets.length) throw failures[0];
  }

  /** Until the gateway has no request open to any of `ids`, bounded by drainTimeoutMs. */
  async #drained(ids: readonly string[]): Promise<void> {
    const inFlight = this.deps.settings.inFlight;
    if (!inFlight) return;
    const until = Date.now() + this.deps.settings.drainTimeoutMs;
    while (ids.some((id) => inFlight(id) > 0) && Date.now() < until && !this.deps.signal.aborted) await sleep(10, this.deps.signal);
  }

  #warn(set: ReplicaSet, what: string, err: unknown): void {
    this.deps.logger.warn({ fn: set.fn, err: errorMessage(err) }, `could not ${what}`);
  }
}
