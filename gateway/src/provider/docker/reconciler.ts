/**
 * Desired vs actual for one function, run under that function's lock. One pass:
 *  1. observe the function's containers; forget replicas that are gone, remove exited/crashed ones (paused ones
 *     are alive), and follow pauses/unpauses made elsewhere;
 *  2. adopt containers this process does not know yet (restart, second gateway): running ones once they answer
 *     ready, paused ones as paused;
 *  3. unless the function is paused, prepare the generation's secrets directory and launch every missing slot of
 *     the current generation; its readiness is awaited in the background, off the function's lock (a deploy or
 *     scale arriving during a slow start is answered, not queued behind it), and a replica turning ready asks for
 *     another pass, which retires what it replaces;
 *  4. retire what is no longer wanted (extra slots; older generations once the new one is fully ready):
 *     out of the endpoints first, then drain, then `docker stop` with a grace period, then remove.
 * Failures of single replicas are logged and left for the next pass (events and the sweep trigger one).
 */
import type { FunctionDeployment } from '@funtainer/core/contracts';
import type { QualifiedName } from '@funtainer/core/names';
import type { ProviderLogger } from './docker-provider-options.js';
import type { ImageFacts } from '../replica-rules.js';
import type { ImageResolver } from './image-resolver.js';
import type { ObservedReplica, ReplicaEngine } from './replica-engine.js';
import type { Replica, ReplicaSet } from './replica-set.js';
import { sleep, waitReady } from './readiness.js';
import type { ReplicaIdentity } from './labels.js';
import { errorMessage, FuntainerError } from '@funtainer/core/errors';

export interface ReconcilerSettings {
  readonly readyTimeoutMs: number;
  readonly readyPollMs: number;
  readonly drainMs: number;
  readonly drainTimeoutMs: number;
  readonly inFlight?: ((endpointId: string) => number) | undefined;
  /** Runs before a generation's replicas are created (its secrets directory); a failure skips the launches. */
  readonly prepareLaunch?: (spec: FunctionDeployment, fn: QualifiedName & { readonly generation: number }) => Promise<void>;
  /** Asks for another pass (the provider's converge queue): a replica became ready and may replace others. */
  readonly requestPass?: (set: ReplicaSet) => void;
}

/** The engine and image operations a pass uses (narrow, so unit tests can hand in a fake engine). */
export type ReconcilerEngine = Pick<ReplicaEngine, 'list' | 'launch' | 'remove' | 'stopAndRemove'>;
export type ReconcilerImages = Pick<ImageResolver, 'ensure'>;

export class Reconciler {
  constructor(
    private readonly engine: ReconcilerEngine,
    private readonly images: ReconcilerImages,
    private readonly settings: ReconcilerSettings,
    /** Called after every change of a set's ready endpoints. */
    private readonly changed: (set: ReplicaSet) => void,
    private readonly logger: ProviderLogger,
    private readonly signal: AbortSignal,
  ) {}

  /**
   * One pass. Resolves once containers are launched and retired; `settled` resolves when the replicas this pass
   * started have answered ready (or given up), so a caller can wait for them without holding the lock.
   */
  async converge(set: ReplicaSet): Promise<{ readonly settled: Promise<void> }> {
    const waits: Promise<unknown>[] = [];
    const listed = await this.engine.list(set.fn);
    set.pruneDead(new Set(listed.map((o) => o.id)));
    const observed = listed.map((o) => (set.isDead(o.id) ? { ...o, running: false, paused: false } : o));
    // Paused containers are alive (frozen by the scale-to-zero policy, possibly by another gateway): never dead.
    const alive = new Map(observed.filter((o) => o.running || o.paused).map((o) => [o.id, o]));
    for (const replica of set.replicas()) {
      if (!alive.has(replica.id) && replica.state !== 'draining') this.#apply(set, set.delete(replica.id));
    }
    await Promise.all(observed.filter((o) => !alive.has(o.id)).map((o) => this.engine.remove(o.id).catch((err) => this.#warn(set, 'remove exited replica', err))));
    const thawed = this.#mirrorPauses(set, alive);

    const definition = set.definition;
    const desired = definition?.replicas ?? 0;
    const generation = definition?.generation ?? -1;
    const adopt = [...alive.values()].filter((o) => !set.get(o.id) && o.identity.generation === generation && o.identity.slot < desired);
    // Paused containers found by a restarted or second gateway stay paused: the first request unpauses them.
    for (const o of adopt.filter((a) => a.paused)) set.put({ id: o.id, identity: o.identity, url: o.url, state: 'paused' });
    for (const replica of thawed) waits.push(this.#readyInBackground(set, replica));
    for (const o of adopt.filter((a) => a.running)) waits.push(this.#readyInBackground(set, { id: o.id, identity: o.identity, url: o.url, state: 'starting' }));

    // While paused, a missing slot is not relaunched: it would take traffic the policy wants at zero. Unpause does.
    if (definition && !set.isPaused()) {
      const taken = new Set(set.replicas().filter((r) => r.identity.generation === generation && r.state !== 'draining').map((r) => r.identity.slot));
      const missing = [...Array(desired).keys()].filter((slot) => !taken.has(slot));
      if (missing.length > 0 && (await this.#prepare(set, definition.spec, generation))) {
        const image = await this.#image(set, definition.spec.image);
        const launched = await Promise.all(missing.map((slot) => this.#launch(set, { ...set.fn, generation, slot }, image)));
        waits.push(...launched.map((l) => l.ready));
      }
    }

    const currentReady = set.replicas().filter((r) => r.identity.generation === generation && r.state === 'ready').length;
    const untracked = [...alive.values()].filter((o) => !set.get(o.id))
      .map((o): Replica => ({ id: o.id, identity: o.identity, url: o.url, state: o.paused ? 'paused' : 'starting' }));
    const unwanted = [...untracked, ...set.replicas()]
      .filter((r) => r.state !== 'draining')
      .filter((r) => r.identity.slot >= desired || (r.identity.generation !== generation && currentReady >= desired));
    await Promise.all(unwanted.map((r) => this.#retire(set, r)));
    return { settled: Promise.all(waits).then(() => undefined) };
  }

  /**
   * Makes tracked replicas follow a pause or unpause done elsewhere (another gateway, `docker pause` by hand):
   * newly frozen ones leave the endpoints; thawed ones are returned, to be probed before they get traffic.
   */
  #mirrorPauses(set: ReplicaSet, alive: ReadonlyMap<string, ObservedReplica>): Replica[] {
    const thawed: Replica[] = [];
    for (const replica of set.replicas()) {
      const o = alive.get(replica.id);
      if (o?.paused && (replica.state === 'ready' || replica.state === 'starting')) {
        this.#apply(set, set.setState(replica.id, 'paused'));
      } else if (o?.running && replica.state === 'paused') {
        set.setState(replica.id, 'starting');
        thawed.push(replica);
      }
    }
    return thawed;
  }

  /** False (logged) when the generation cannot start yet, e.g. a secret it lists was deleted: the next pass retries. */
  async #prepare(set: ReplicaSet, spec: FunctionDeployment, generation: number): Promise<boolean> {
    try {
      await this.settings.prepareLaunch?.(spec, { ...set.fn, generation });
      return true;
    } catch (err) {
      this.#warn(set, 'prepare the secrets of new replicas', err);
      return false;
    }
  }

  /** Launches one replica; resolves (wrapped: an async function would flatten it) to its background readiness wait. */
  async #launch(set: ReplicaSet, identity: ReplicaIdentity, image: { user: string }): Promise<{ readonly ready: Promise<unknown> }> {
    const none = { ready: Promise.resolve() };
    const spec = set.definition?.spec;
    if (!spec) return none;
    try {
      const { id, url } = await this.engine.launch(spec, identity, image);
      set.refusal = undefined;
      return { ready: this.#readyInBackground(set, { id, identity, url, state: 'starting' }) };
    } catch (err) {
      this.#warn(set, 'launch replica', err);
      if (err instanceof FuntainerError && err.code === 'FUNTAINER_ERR_REPLICA_REFUSED') {
        set.refusal = { error: err, at: new Date() };
        // listeners learn of it now: requests waiting for a replica fail fast instead of at ready_timeout
        this.changed(set);
      }
      return none;
    }
  }

  /**
   * The image facts (its user) of the function's image, checked with the engine once per image reference: the
   * deploy or update that named it already did, and every later pass reuses that answer.
   */
  async #image(set: ReplicaSet, ref: string): Promise<ImageFacts> {
    if (set.image?.ref !== ref) set.image = { ref, facts: await this.images.ensure(ref) };
    return set.image.facts;
  }

  /** Tracks the replica as starting at once; its readiness is awaited off the pass, then another pass is asked for. */
  #readyInBackground(set: ReplicaSet, replica: Replica): Promise<void> {
    return this.becomeReady(set, replica).then(
      (ready) => { if (ready) this.settings.requestPass?.(set); },
      (err: unknown) => this.#warn(set, 'wait for readiness', err),
    );
  }

  /** Tracks the replica as starting and waits for its watchdog (true once ready); one never ready is removed. */
  async becomeReady(set: ReplicaSet, replica: Replica): Promise<boolean> {
    set.put(replica);
    const started = Date.now();
    const ready = replica.url !== undefined &&
      (await waitReady(replica.url, {
        pollMs: this.settings.readyPollMs, deadlineMs: this.settings.readyTimeoutMs, signal: this.signal,
        abandoned: () => set.get(replica.id)?.state !== 'starting',
      }));
    if (set.get(replica.id)?.state !== 'starting') return false; // gone or retired meanwhile
    if (ready) {
      this.#apply(set, set.setState(replica.id, 'ready'));
      this.logger.info({ fn: set.fn, replica: replica.id.slice(0, 12), readyMs: Date.now() - started }, 'replica ready');
      return true;
    }
    if (this.signal.aborted) return false;
    this.#warn(set, 'wait for readiness', new Error(`not ready within ${this.settings.readyTimeoutMs} ms`));
    set.delete(replica.id);
    await this.engine.remove(replica.id).catch((err) => this.#warn(set, 'remove unready replica', err));
    return false;
  }

  /** Out of rotation first, so no new request reaches it; then drain, stop (watchdog drains on SIGTERM), remove. */
  async #retire(set: ReplicaSet, replica: Replica): Promise<void> {
    const wasReady = replica.state === 'ready';
    const frozen = replica.state === 'paused';
    if (!set.get(replica.id)) set.put(replica);
    this.#apply(set, set.setState(replica.id, 'draining'));
    if (wasReady) await this.#drain(replica.id);
    try {
      // A frozen replica has nothing in flight and could not run its SIGTERM drain anyway: remove it at once.
      await (frozen ? this.engine.remove(replica.id) : this.engine.stopAndRemove(replica.id));
    } catch (err) {
      this.#warn(set, 'stop replica', err);
    } finally {
      set.delete(replica.id);
    }
  }

  async #drain(id: string): Promise<void> {
    const inFlight = this.settings.inFlight;
    if (!inFlight) return sleep(this.settings.drainMs, this.signal);
    const until = Date.now() + this.settings.drainTimeoutMs;
    while (inFlight(id) > 0 && Date.now() < until && !this.signal.aborted) await sleep(10, this.signal);
  }

  #apply(set: ReplicaSet, endpointsChanged: boolean): void {
    if (endpointsChanged) this.changed(set);
  }

  #warn(set: ReplicaSet, what: string, err: unknown): void {
    // the engine's own words (the cause) belong in the operator's log, even when the client message omits them
    const cause = err instanceof Error && err.cause !== undefined ? errorMessage(err.cause) : undefined;
    this.logger.warn({ fn: set.fn, err: errorMessage(err), ...(cause ? { cause } : {}) }, `could not ${what}`);
  }
}
