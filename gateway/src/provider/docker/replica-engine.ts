/**
 * Engine operations on replica containers, each with a deadline and errors mapped once: list a function's
 * containers, launch one (create + start + read its IP), pause/unpause one, and stop/remove one. No state lives here.
 */
import type Docker from 'dockerode';
import type { FunctionDeployment } from '@funtainer/core/contracts';
import type { QualifiedName } from '@funtainer/core/names';
import { engineStatus, isConflict, isNotFound, isNotModified, mapDockerError, replicaRefusal, withDeadline } from './docker-errors.js';
import { buildContainerCreateOptions, type ContainerSettings } from './container-spec.js';
import { WATCHDOG_PORT, type ImageFacts } from '../replica-rules.js';
import { functionNetworkName } from './functions-network.js';
import { CONTAINER_LABELS, parseReplicaLabels, type ReplicaIdentity } from './labels.js';
import type { Semaphore } from './concurrency.js';
import { scopeFilters } from './scope.js';

export interface ObservedReplica {
  readonly id: string;
  readonly identity: ReplicaIdentity;
  readonly running: boolean;
  /** `docker pause`d (cgroup frozen): alive, keeps its memory and IP, serves nothing until unpaused. */
  readonly paused: boolean;
  /** Watchdog base URL on the functions network; undefined when the container has no IP there. */
  readonly url: string | undefined;
}

export interface ReplicaEngineSettings extends ContainerSettings {
  readonly engineTimeoutMs: number;
  readonly stopGraceSeconds: number;
  /** Appended to container names so isolated scopes (test runs) on one engine never collide. */
  readonly nameSuffix: string;
}

export class ReplicaEngine {
  constructor(
    private readonly docker: Docker,
    private readonly settings: ReplicaEngineSettings,
    private readonly launches: Semaphore,
  ) {}

  /** Replica containers (any state) of one function, or of every function when `fn` is undefined. */
  async list(fn?: QualifiedName): Promise<ObservedReplica[]> {
    const label = [...scopeFilters(this.settings.extraLabels), fn ? `${CONTAINER_LABELS.function}=${fn.name}` : CONTAINER_LABELS.function];
    if (fn) label.push(`${CONTAINER_LABELS.namespace}=${fn.namespace}`);
    const containers = await this.#call('list containers', () => this.docker.listContainers({ all: true, filters: { label } }));
    const observed: ObservedReplica[] = [];
    for (const c of containers) {
      const identity = parseReplicaLabels(c.Labels);
      if (!identity) continue;
      const ip = c.NetworkSettings?.Networks?.[this.#networkOf(identity)]?.IPAddress;
      observed.push({ id: c.Id, identity, running: c.State === 'running', paused: c.State === 'paused', url: ip ? `http://${ip}:${WATCHDOG_PORT}` : undefined });
    }
    return observed;
  }

  /**
   * Creates and starts a replica; returns its id and URL. A name conflict means another gateway made it: adopt it.
   * A create or start the engine refuses (its 400, or 404 for a missing image) is REPLICA_REFUSED with its reason.
   */
  async launch(spec: FunctionDeployment, identity: ReplicaIdentity, image: ImageFacts): Promise<{ id: string; url: string | undefined }> {
    return this.launches.use(async () => {
      const options = buildContainerCreateOptions(spec, identity, image, { ...this.settings, network: this.#networkOf(identity) });
      options.name = `${options.name}${this.settings.nameSuffix}`;
      const id = await this.#createOrAdopt(options);
      try {
        await this.#call('start a container', () => this.docker.getContainer(id).start(), true);
      } catch (err) {
        if (!isNotModified(err)) throw replicaRefusal(err, [400]) ?? err;
      }
      const info = await this.#call('inspect a container', () => this.docker.getContainer(id).inspect());
      const ip = info.NetworkSettings?.Networks?.[this.#networkOf(identity)]?.IPAddress;
      return { id, url: ip ? `http://${ip}:${WATCHDOG_PORT}` : undefined };
    });
  }

  /**
   * A name conflict means the slot's container exists: a running one was made by another gateway and is adopted;
   * a dead or dying one (being removed) is removed and the create retried once.
   */
  async #createOrAdopt(options: Docker.ContainerCreateOptions): Promise<string> {
    const name = options.name as string;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.#call('create a container', () => this.docker.createContainer(options), true)).id;
      } catch (err) {
        if (!isConflict(err) || attempt > 0) throw replicaRefusal(err, [400, 404]) ?? err;
      }
      const existing = await this.#call('inspect a container', () => this.docker.getContainer(name).inspect()).catch(() => undefined);
      if (existing?.State?.Running && !existing.State.Dead) return existing.Id;
      if (existing) await this.remove(existing.Id);
      // removal of a dying container is asynchronous in the engine; give it a moment before the retry
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * `docker pause`. Idempotent: 409 (already paused, or not running: the reconciler deals with a dead one) and 404
   * (gone) are fine.
   */
  async pause(id: string): Promise<void> {
    await this.#idempotent('pause a container', () => this.docker.getContainer(id).pause());
  }

  /** `docker unpause`. Idempotent: 409 (not paused) and 404 (gone) are fine. */
  async unpause(id: string): Promise<void> {
    await this.#idempotent('unpause a container', () => this.docker.getContainer(id).unpause());
  }

  /** `docker stop` with the grace period (the watchdog drains on SIGTERM), then remove. Missing is fine. */
  async stopAndRemove(id: string): Promise<void> {
    const container = this.docker.getContainer(id);
    const graceMs = this.settings.stopGraceSeconds * 1000;
    try {
      await withDeadline(graceMs + this.settings.engineTimeoutMs, 'stop a container', (signal) =>
        container.stop({ t: this.settings.stopGraceSeconds, abortSignal: signal }));
    } catch (err) {
      if (!isNotFound(err) && !isNotModified(err)) throw mapDockerError(err, 'stop a container');
    }
    await this.remove(id);
  }

  async remove(id: string): Promise<void> {
    try {
      await this.#call('remove a container', () => this.docker.getContainer(id).remove({ force: true }));
    } catch (err) {
      // 409 = the engine is already removing it (another pass or gateway got there first)
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  async #idempotent(what: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await this.#call(what, run);
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  /** The function's own network (functions-network.ts): `settings.network` is its name prefix. */
  #networkOf(identity: ReplicaIdentity): string {
    return functionNetworkName(this.settings.network, identity, this.settings.nameSuffix);
  }

  /** Runs an engine call with the deadline; 304/404/409 (and 400 when `rawRefusal`) stay raw so callers can branch on them. */
  async #call<T>(what: string, run: () => Promise<T>, rawRefusal = false): Promise<T> {
    try {
      return await withDeadline(this.settings.engineTimeoutMs, what, () => run());
    } catch (err) {
      if (isNotFound(err) || isConflict(err) || isNotModified(err) || (rawRefusal && engineStatus(err) === 400)) throw err;
      throw mapDockerError(err, what);
    }
  }
}
