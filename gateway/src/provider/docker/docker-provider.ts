/**
 * FunctionProvider on a Docker engine. Definitions (desired state) live in Docker as labelled volumes
 * (function-store.ts); replicas are labelled containers converged towards them by the reconciler, per function
 * under a lock. Engine events (a replica died or was paused) and a periodic sweep (another gateway changed
 * something, a missed event) request reconcile passes; `endpoints()` answers from memory. Each function has its
 * own network (functions-network.ts). Also a PausableProvider (pauser.ts); "paused" mirrors Docker's container
 * state, so a restarted gateway keeps it.
 */
import type { FunctionDeployment, FunctionNamespace, FunctionStatus } from '@funtainer/core/contracts';
import type { FuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import { EndpointListeners } from '../endpoint-listeners.js';
import {
  assertDeployable, assertReplicaCount, functionExists, functionKey, functionNotFound, initialReplicas, qualifiedNameOf,
} from '../function-spec.js';
import type { Endpoint, EndpointsListener, FunctionProvider, LogEntry, LogQuery, SecretValue } from '../provider.js';
import { Namespaces } from '../namespaces.js';
import type { PausableProvider } from '../pausable-provider.js';
import { KeyedLock, Semaphore } from './concurrency.js';
import { handleContainerEvent } from './container-event-handler.js';
import { followContainerEvents } from './container-events.js';
import { ConvergeQueue } from './converge-queue.js';
import { functionTimeoutMs } from '../replica-rules.js';
import { resolveDockerProviderOptions, type DockerProviderOptions, type ResolvedDockerProviderOptions } from './docker-provider-options.js';
import { FunctionStore } from './function-store.js';
import { functionStatus, startFailure } from './function-health.js';
import { FunctionNetworks } from './functions-network.js';
import { ImageResolver } from './image-resolver.js';
import type { StoredDefinition } from './labels.js';
import { functionLogs } from './log-stream.js';
import { NamespaceVolumes } from './namespace-volumes.js';
import { Pauser } from './pauser.js';
import { ProviderSecrets } from './provider-secrets.js';
import { Reconciler } from './reconciler.js';
import { ReplicaEngine } from './replica-engine.js';
import { ReplicaSet } from './replica-set.js';
import { scopeOf, SCOPE_LABEL } from './scope.js';
import { selfContainerResolver } from './self-container.js';
import { Sweeper } from './sweeper.js';

export class DockerProvider implements FunctionProvider, PausableProvider {
  readonly name = 'funtainer-docker';
  readonly #options: ResolvedDockerProviderOptions;
  readonly #sets = new Map<string, ReplicaSet>();
  readonly #lock = new KeyedLock();
  readonly #listeners: EndpointListeners;
  readonly #store: FunctionStore;
  readonly #engine: ReplicaEngine;
  readonly #images: ImageResolver;
  readonly #secrets: ProviderSecrets;
  readonly #namespaces: Namespaces;
  readonly #networks: FunctionNetworks;
  readonly #reconciler: Reconciler;
  readonly #sweeper: Sweeper;
  readonly #pauser: Pauser;
  readonly #converges: ConvergeQueue;
  readonly #lifetime = new AbortController();
  #events: Promise<void> | undefined;

  static async create(options: DockerProviderOptions = {}): Promise<DockerProvider> {
    return new DockerProvider(await resolveDockerProviderOptions(options));
  }

  private constructor(options: ResolvedDockerProviderOptions) {
    const { id: scope, nameSuffix } = scopeOf(options.extraLabels);
    // Every resource carries its scope and every query filters on it, so a production gateway and test runs
    // on the same engine never see (adopt, converge or remove as orphans) each other's functions.
    const extraLabels = { ...options.extraLabels, [SCOPE_LABEL]: scope };
    this.#options = options = { ...options, extraLabels };
    const { docker, logger, engineTimeoutMs } = options;
    this.#listeners = new EndpointListeners((err) => logger.error({ err }, 'endpoints listener failed'));
    this.#store = new FunctionStore(docker, extraLabels, nameSuffix, engineTimeoutMs, logger);
    this.#engine = new ReplicaEngine(docker, { ...options, nameSuffix, scope }, new Semaphore(options.launchConcurrency));
    this.#images = new ImageResolver(docker, engineTimeoutMs, options.pullTimeoutMs, logger, options.imagePolicy);
    this.#namespaces = new Namespaces(new NamespaceVolumes(docker, extraLabels, nameSuffix, engineTimeoutMs, logger), options.namespaces);
    this.#secrets = new ProviderSecrets({ ...options, scope, namespaceExists: (ns) => this.#namespaces.has(ns) });
    const self = selfContainerResolver(docker, options.gatewayContainer, engineTimeoutMs, logger); // joins every function network
    this.#networks = new FunctionNetworks(docker, { prefix: options.network, nameSuffix, extraLabels, timeoutMs: engineTimeoutMs, self, logger });
    // A function's network and its generation's secrets directory are made (or remade, after a restart) before any of its replicas.
    const prepareLaunch = (spec: FunctionDeployment, fn: QualifiedName & { readonly generation: number }): Promise<void> =>
      this.#networks.ensure(fn).then(() => this.#secrets.prepare(spec, fn));
    this.#reconciler = new Reconciler(this.#engine, this.#images, { ...options, prepareLaunch, requestPass: (set: ReplicaSet) => void this.#converges.request(functionKey(set.fn)) }, (set) => this.#emit(set), logger, this.#lifetime.signal);
    this.#pauser = new Pauser({
      engine: this.#engine, settings: options, changed: (set) => this.#emit(set), logger, signal: this.#lifetime.signal,
      becomeReady: (set, replica) => this.#reconciler.becomeReady(set, replica),
    });
    this.#converges = new ConvergeQueue({ lock: this.#lock, sets: this.#sets, store: this.#store, reconciler: this.#reconciler, logger, signal: this.#lifetime.signal });
    this.#sweeper = new Sweeper({
      store: this.#store, engine: this.#engine, sets: this.#sets, intervalMs: options.sweepIntervalMs, logger, signal: this.#lifetime.signal,
      converge: (key) => this.#converges.request(key),
      observed: (definitions, replicas) => this.#secrets.maintain(definitions, replicas)
        .then(() => this.#networks.maintain(definitions, (key) => definitions.has(key) || this.#sets.get(key)?.definition !== undefined)),
    });
  }

  async deploy(spec: FunctionDeployment): Promise<void> {
    const fn = qualifiedNameOf(spec);
    await this.#validate(spec);
    const pass = await this.#lock.run(functionKey(fn), async () => {
      if (this.#sets.get(functionKey(fn))?.definition || (await this.#store.load(fn))) throw functionExists(fn);
      const facts = await this.#images.ensure(spec.image);
      const definition: StoredDefinition = { spec: { ...spec, namespace: fn.namespace }, replicas: initialReplicas(spec), generation: 1, revision: 1, createdAt: new Date() };
      await this.#store.save(definition);
      const set = new ReplicaSet(fn, definition);
      set.image = { ref: spec.image, facts };
      this.#sets.set(functionKey(fn), set);
      return this.#reconciler.converge(set);
    });
    await this.#settle(functionKey(fn), pass);
  }

  async update(spec: FunctionDeployment): Promise<void> {
    const fn = qualifiedNameOf(spec);
    await this.#change(fn, async (current, set) => {
      await this.#validate(spec);
      const facts = await this.#images.ensure(spec.image);
      if (set) set.image = { ref: spec.image, facts };
      return { ...current, spec: { ...spec, namespace: fn.namespace }, generation: current.generation + 1 };
    });
  }

  async scale(fn: QualifiedName, replicas: number): Promise<void> {
    assertReplicaCount(replicas);
    await this.#change(fn, async (current) => ({ ...current, replicas }));
  }

  /** Out of the endpoints at once, then `docker pause` every replica. The desired count is kept. Idempotent. */
  async pause(fn: QualifiedName): Promise<void> {
    await this.#withSet(fn, (set) => this.#pauser.pause(set));
  }

  /** Thaws the paused replicas, resolves once they answer ready, then queues a pass (a slot lost while paused). */
  async unpause(fn: QualifiedName): Promise<void> {
    await this.#withSet(fn, (set) => this.#pauser.unpause(set));
    void this.#converges.request(functionKey(fn));
  }

  readonly isPaused = (fn: QualifiedName): boolean => this.#sets.get(functionKey(fn))?.isPaused() ?? false;

  async remove(fn: QualifiedName): Promise<void> {
    const key = functionKey(fn);
    await this.#lock.run(key, async () => {
      const definition = this.#sets.get(key)?.definition ?? (await this.#store.load(fn));
      if (!definition) throw functionNotFound(fn);
      const set = this.#sets.get(key) ?? new ReplicaSet(fn, definition);
      set.definition = undefined;
      this.#emit(set);
      await this.#store.delete(fn);
      try {
        await this.#reconciler.converge(set);
        await this.#secrets.removeFunction(fn); // once its replicas are gone; if this fails, the sweep prunes it
        await this.#networks.release(fn); // never rejects: a network it could not remove is the sweep's
      } finally {
        this.#sets.delete(key);
      }
    });
  }

  async list(namespace: string): Promise<FunctionStatus[]> {
    const definitions = await this.#store.loadAll();
    return [...definitions.values()].filter((d) => d.spec.namespace === namespace).map((d) => this.#status(d));
  }

  async get(fn: QualifiedName): Promise<FunctionStatus | undefined> {
    const definition = await this.#store.load(fn);
    return definition ? this.#status(definition) : undefined;
  }

  endpoints(fn: QualifiedName): readonly Endpoint[] | undefined {
    const set = this.#sets.get(functionKey(fn));
    return set?.definition ? set.endpoints : undefined;
  }

  /** Why calls fail at once instead of waiting for a replica (function-health.ts). */
  startFailure(fn: QualifiedName): FuntainerError | undefined {
    return startFailure(fn, this.#sets.get(functionKey(fn)));
  }

  onEndpointsChanged(listener: EndpointsListener): () => void {
    return this.#listeners.add(listener);
  }

  async *logs(query: LogQuery): AsyncIterable<LogEntry> {
    if (!(await this.#store.load(query))) throw functionNotFound(query);
    yield* functionLogs(this.#options.docker, this.#engine, query, (listener) => this.#listeners.add(listener));
  }

  async namespaces(): Promise<string[]> {
    return this.#namespaces.names();
  }

  getNamespace(name: string): Promise<FunctionNamespace | undefined> {
    return this.#namespaces.get(name);
  }

  createNamespace(namespace: FunctionNamespace): Promise<void> {
    return this.#namespaces.create(namespace);
  }

  updateNamespace(namespace: FunctionNamespace): Promise<void> {
    return this.#namespaces.update(namespace);
  }

  async deleteNamespace(name: string): Promise<void> {
    const inUse = async (): Promise<boolean> => [...(await this.#store.loadAll()).values()].some((d) => d.spec.namespace === name);
    await this.#namespaces.delete(name, inUse);
    await this.#secrets.removeNamespace(name);
  }

  /** Running replicas read a created or updated value at once, without a restart (provider-secrets.ts). */
  async createSecret(secret: SecretValue): Promise<void> {
    await this.#secrets.create(secret);
  }

  async updateSecret(secret: SecretValue): Promise<void> {
    await this.#secrets.update(secret);
  }

  async deleteSecret(ref: { name: string; namespace: string }): Promise<void> {
    await this.#secrets.delete(ref);
  }

  async listSecrets(namespace: string): Promise<string[]> {
    return this.#secrets.list(namespace);
  }

  async start(): Promise<void> {
    const { docker, extraLabels, logger } = this.#options;
    const eventDeps = { sets: this.#sets, emit: (set: ReplicaSet) => this.#emit(set), requestConverge: (key: string) => void this.#converges.request(key) };
    this.#events ??= followContainerEvents(docker, extraLabels, (e) => handleContainerEvent(eventDeps, functionKey(e.identity), e.action, e.id), logger, this.#lifetime.signal);
    await this.#sweeper.start();
  }

  async close(): Promise<void> {
    this.#lifetime.abort();
    this.#sweeper.stop();
    await this.#events;
  }

  /** Read-modify-write of a stored definition under the function's lock, then converge to it. */
  async #change(fn: QualifiedName, next: (current: StoredDefinition, set: ReplicaSet | undefined) => Promise<StoredDefinition>): Promise<void> {
    const key = functionKey(fn);
    const pass = await this.#lock.run(key, async () => {
      const stored = await this.#store.load(fn);
      if (!stored) throw functionNotFound(fn);
      const local = this.#sets.get(key)?.definition;
      const current = local && local.revision > stored.revision ? local : stored;
      const definition = { ...(await next(current, this.#sets.get(key))), revision: current.revision + 1 };
      await this.#store.save(definition);
      const set = this.#sets.get(key) ?? new ReplicaSet(fn, definition);
      set.definition = definition;
      set.refusal = undefined; // a new definition (or count) gets a fresh attempt in the pass below
      this.#sets.set(key, set);
      // Scaling (or updating) a paused function ends the pause; scaling it to 0 removes the frozen replicas.
      if (definition.replicas > 0) await this.#pauser.unpause(set);
      return this.#reconciler.converge(set);
    });
    await this.#settle(key, pass);
  }

  /**
   * Waits, off the function's lock, for the replicas a pass started to answer ready, then for the pass their
   * readiness asked for (it retires what they replace): callers still get "deployed means serving", while a
   * deploy or scale arriving meanwhile is answered instead of queueing behind a slow start.
   */
  async #settle(key: string, pass: { readonly settled: Promise<void> }): Promise<void> {
    await pass.settled;
    await this.#converges.request(key, false);
  }

  async #validate(spec: FunctionDeployment): Promise<void> {
    const { namespace } = qualifiedNameOf(spec);
    const existing = await this.#secrets.names(namespace);
    assertDeployable(spec, await this.#namespaces.names(), (name) => existing.has(name));
    functionTimeoutMs(spec, this.#options.defaultTimeoutMs);
  }

  /** Runs `task` on the function's set under its lock; FUNCTION_NOT_FOUND when it is not deployed. */
  #withSet(fn: QualifiedName, task: (set: ReplicaSet) => Promise<void>): Promise<void> {
    return this.#lock.run(functionKey(fn), async () => {
      const set = this.#sets.get(functionKey(fn));
      if (!set?.definition) throw functionNotFound(fn);
      await task(set);
    });
  }

  #emit(set: ReplicaSet): void {
    this.#listeners.emit(set.fn, set.definition ? set.endpoints : []);
  }

  #status(definition: StoredDefinition): FunctionStatus {
    return functionStatus(definition, this.#sets.get(functionKey(qualifiedNameOf(definition.spec))));
  }
}
