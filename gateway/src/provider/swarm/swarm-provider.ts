/**
 * FunctionProvider on Docker Swarm: a function is a replicated service (service-spec.ts) whose labels are its
 * definition, so state lives in the swarm and any gateway on a manager sees it. Swarm places, replaces and rolls
 * the tasks (start-first); the gateway routes to the tasks' own overlay addresses once their watchdog answers
 * ready (task-view.ts), never through Swarm's VIP. Secrets are Swarm secrets (swarm-secrets.ts), namespaces
 * Swarm configs (namespace-configs.ts). What the service spec cannot express is reported (sandbox-gaps.ts).
 */
import type Docker from 'dockerode';
import type { FunctionDeployment, FunctionNamespace, FunctionStatus } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import { EndpointListeners } from '../endpoint-listeners.js';
import { assertDeployable, assertReplicaCount, functionKey, functionNotFound, initialReplicas, qualifiedNameOf, toFunctionStatus } from '../function-spec.js';
import { Namespaces } from '../namespaces.js';
import type { Endpoint, EndpointsListener, FunctionProvider, LogEntry, LogQuery, SecretValue } from '../provider.js';
import { functionTimeoutMs } from '../replica-rules.js';
import { KeyedLock } from '../docker/concurrency.js';
import { ImageResolver } from '../docker/image-resolver.js';
import { DEFINITION_LABELS, type StoredDefinition } from '../docker/labels.js';
import { scopeOf, SCOPE_LABEL } from '../docker/scope.js';
import { NamespaceConfigs } from './namespace-configs.js';
import { assertInRegistry } from './registry-manifests.js';
import { describeGaps, sandboxGaps, type SandboxGap } from './sandbox-gaps.js';
import { buildServiceSpec, type ObservedService, type SecretBinding, type ServiceSettings } from './service-spec.js';
import { ServiceStore } from './service-store.js';
import { ensureOverlay } from './overlay-network.js';
import { resolveSwarmProviderOptions, type ResolvedSwarmProviderOptions, type SwarmProviderOptions } from './swarm-provider-options.js';
import { serviceLogs } from './swarm-logs.js';
import { rebindSecret } from './secret-rebind.js';
import { assertManager, assertPlaceable } from './swarm-manager.js';
import { SwarmSecrets } from './swarm-secrets.js';
import { TaskView } from './task-view.js';

export class SwarmProvider implements FunctionProvider {
  readonly name = 'funtainer-swarm';
  readonly #options: ResolvedSwarmProviderOptions;
  readonly #settings: ServiceSettings;
  readonly #lock = new KeyedLock();
  readonly #listeners: EndpointListeners;
  readonly #services: ServiceStore;
  readonly #images: ImageResolver;
  readonly #namespaces: Namespaces;
  readonly #secrets: SwarmSecrets;
  readonly #view: TaskView;
  readonly #lifetime = new AbortController();
  #gaps: readonly SandboxGap[] = [];
  #poller: Promise<void> | undefined;

  static async create(options: SwarmProviderOptions = {}): Promise<SwarmProvider> {
    return new SwarmProvider(await resolveSwarmProviderOptions(options));
  }

  private constructor(options: ResolvedSwarmProviderOptions) {
    // Scoped as the Docker provider is (docker/scope.ts): test runs and a production gateway on one swarm never meet.
    const { id: scope, nameSuffix } = scopeOf(options.extraLabels);
    const extraLabels = { ...options.extraLabels, [SCOPE_LABEL]: scope };
    this.#options = options = { ...options, extraLabels };
    const { docker, engineTimeoutMs, logger } = options;
    this.#settings = { ...options, nameSuffix };
    this.#listeners = new EndpointListeners((err) => logger.error({ err }, 'endpoints listener failed'));
    this.#services = new ServiceStore(docker, extraLabels, nameSuffix, engineTimeoutMs);
    this.#images = new ImageResolver(docker, engineTimeoutMs, options.pullTimeoutMs, logger, options.imagePolicy);
    this.#namespaces = new Namespaces(new NamespaceConfigs(docker, extraLabels, scope, engineTimeoutMs), options.namespaces);
    this.#secrets = new SwarmSecrets({
      docker, extraLabels, scope, timeoutMs: engineTimeoutMs, logger,
      namespaceExists: (ns) => this.#namespaces.has(ns),
      users: async (ref) => (await this.#services.list()).filter((s) => s.definition.spec.namespace === ref.namespace && s.definition.spec.secrets.includes(ref.name)).map((s) => s.definition.spec.service),
      rebind: (ref, binding) => this.#rebind(ref, binding),
    });
    this.#view = new TaskView({
      listServices: () => this.#services.list(), listTasks: (ids) => this.#services.tasks(ids), network: options.network,
      changed: (fn, endpoints) => this.#listeners.emit(fn, endpoints), timing: options, logger, signal: this.#lifetime.signal,
    });
  }

  async deploy(spec: FunctionDeployment): Promise<void> {
    const fn = qualifiedNameOf(spec);
    await this.#validate(spec);
    await this.#lock.run(functionKey(fn), async () => {
      const definition: StoredDefinition = { spec: { ...spec, namespace: fn.namespace }, replicas: initialReplicas(spec), generation: 1, revision: 1, createdAt: new Date() };
      const serviceSpec = await this.#serviceSpec(definition);
      const id = await this.#services.create(fn, serviceSpec);
      this.#view.track(fn, { id, version: 0, definition });
    });
    await this.#settle(fn);
  }

  async update(spec: FunctionDeployment): Promise<void> {
    const fn = qualifiedNameOf(spec);
    await this.#change(fn, async (current) => {
      await this.#validate(spec);
      const definition = { ...current.definition, spec: { ...spec, namespace: fn.namespace }, generation: current.definition.generation + 1, revision: current.definition.revision + 1 };
      return { definition, spec: await this.#serviceSpec(definition) };
    });
  }

  async scale(fn: QualifiedName, replicas: number): Promise<void> {
    assertReplicaCount(replicas);
    // Only the count changes: the task template stays as it is, so Swarm adds or stops tasks and replaces none.
    await this.#change(fn, async (current) => {
      const definition = { ...current.definition, replicas, revision: current.definition.revision + 1 };
      const labels = { ...current.spec.Labels, [DEFINITION_LABELS.replicas]: String(replicas), [DEFINITION_LABELS.revision]: String(definition.revision) };
      return { definition, spec: { ...current.spec, Labels: labels, Mode: { Replicated: { Replicas: replicas } } } };
    });
  }

  async remove(fn: QualifiedName): Promise<void> {
    await this.#lock.run(functionKey(fn), async () => {
      const current = await this.#services.load(fn);
      if (!current) throw functionNotFound(fn);
      this.#view.forget(fn); // out of the endpoints before Swarm stops the tasks
      await this.#services.remove(current.id);
    });
  }

  async list(namespace: string): Promise<FunctionStatus[]> {
    return (await this.#services.list()).filter((s) => s.definition.spec.namespace === namespace).map((s) => this.#status(s));
  }

  async get(fn: QualifiedName): Promise<FunctionStatus | undefined> {
    const current = await this.#services.load(fn);
    return current ? this.#status(current) : undefined;
  }

  endpoints(fn: QualifiedName): readonly Endpoint[] | undefined {
    return this.#view.get(fn)?.endpoints;
  }

  /** Swarm's reason why the function's newest tasks do not start, while none serves. */
  startFailure(fn: QualifiedName): FuntainerError | undefined {
    const failure = this.#view.get(fn)?.failure;
    if (!failure) return undefined;
    return new FuntainerError('FUNTAINER_ERR_REPLICA_REFUSED', `function "${fn.name}" cannot start a replica: ${failure.message}`, {
      details: { function: fn.name, namespace: fn.namespace, reason: failure.message },
    });
  }

  onEndpointsChanged(listener: EndpointsListener): () => void {
    return this.#listeners.add(listener);
  }

  async *logs(query: LogQuery): AsyncIterable<LogEntry> {
    const current = await this.#services.load(query);
    if (!current) throw functionNotFound(query);
    yield* serviceLogs(this.#options.docker, current.id, query);
  }

  namespaces(): Promise<string[]> {
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
    await this.#namespaces.delete(name, async () => (await this.#services.list()).some((s) => s.definition.spec.namespace === name));
    await this.#secrets.removeNamespace(name);
  }

  /** A created secret is mounted by tasks started after a deploy or update listing it. */
  createSecret(secret: SecretValue): Promise<void> {
    return this.#secrets.create(secret);
  }

  /** A new version; the functions listing it roll onto it (their new tasks read the new value). */
  updateSecret(secret: SecretValue): Promise<void> {
    return this.#secrets.update(secret);
  }

  deleteSecret(ref: { name: string; namespace: string }): Promise<void> {
    return this.#secrets.delete(ref);
  }

  listSecrets(namespace: string): Promise<string[]> {
    return this.#secrets.list(namespace);
  }

  async start(): Promise<void> {
    const { docker, network, extraLabels, engineTimeoutMs, logger } = this.#options;
    if (this.#poller) return;
    await assertManager(docker, engineTimeoutMs);
    await ensureOverlay(docker, network, extraLabels, engineTimeoutMs, logger);
    const version = (await docker.version()) as { ApiVersion?: string };
    this.#gaps = sandboxGaps(version.ApiVersion ?? '');
    logger.warn({ apiVersion: version.ApiVersion, gaps: describeGaps(this.#gaps) }, 'swarm: parts of the sandbox this swarm cannot express (docs/swarm.md)');
    await this.#view.refresh();
    this.#poller = this.#view.run();
  }

  async close(): Promise<void> {
    this.#lifetime.abort();
    await this.#poller;
  }

  /** Read-modify-write of the function's service under its lock, then wait until it serves as wanted. */
  async #change(fn: QualifiedName, next: (current: ObservedService & { spec: Docker.ServiceSpec }) => Promise<{ definition: StoredDefinition; spec: Docker.ServiceSpec }>): Promise<void> {
    await this.#lock.run(functionKey(fn), async () => {
      const current = await this.#services.load(fn);
      if (!current) throw functionNotFound(fn);
      const { definition, spec } = await next(current);
      await this.#services.update(current.id, current.version, spec);
      this.#view.track(fn, { id: current.id, version: current.version + 1, definition });
    });
    await this.#settle(fn);
  }

  /** "Deployed means serving", bounded: past the deadline the call returns and the status says `starting`/`failing`. */
  async #settle(fn: QualifiedName): Promise<void> {
    if (!(await this.#view.waitSettled(fn, this.#options.settleTimeoutMs))) {
      this.#options.logger.warn({ function: fn.name, namespace: fn.namespace }, 'swarm: the function is not serving as wanted yet; returning');
    }
  }

  async #serviceSpec(definition: StoredDefinition): Promise<Docker.ServiceSpec> {
    const { imagePolicy, insecureRegistries, registryTimeoutMs } = this.#options;
    // Every node pulls from the registry: an image only the manager has would fail on the others.
    await assertInRegistry(definition.spec.image, { registries: imagePolicy.registries, insecureRegistries, timeoutMs: registryTimeoutMs });
    const facts = await this.#images.ensure(definition.spec.image);
    const bindings = await this.#secrets.bindings(definition.spec.namespace ?? '', definition.spec.secrets);
    if (this.#gaps.length > 0) this.#options.logger.warn({ function: definition.spec.service, gaps: describeGaps(this.#gaps) }, 'swarm: deployed with a weaker sandbox');
    return buildServiceSpec(definition, facts, bindings, this.#settings);
  }

  async #validate(spec: FunctionDeployment): Promise<void> {
    const { namespace } = qualifiedNameOf(spec);
    const existing = await this.#secrets.names(namespace);
    assertDeployable(spec, await this.#namespaces.names(), (name) => existing.has(name));
    functionTimeoutMs(spec, this.#options.defaultTimeoutMs);
    await assertPlaceable(this.#options.docker, this.#options.engineTimeoutMs, spec.constraints);
  }

  /** Moves every function of the namespace listing the secret onto its new version: a rolling update each. */
  async #rebind(ref: { name: string; namespace: string }, binding: SecretBinding): Promise<void> {
    const users = (await this.#services.list()).filter((s) => s.definition.spec.namespace === ref.namespace && s.definition.spec.secrets.includes(ref.name));
    for (const user of users) {
      const fn = qualifiedNameOf(user.definition.spec);
      await this.#lock.run(functionKey(fn), async () => {
        const current = await this.#services.load(fn);
        if (current) await this.#services.update(current.id, current.version, rebindSecret(current.spec, binding));
      });
    }
  }

  #status(service: ObservedService): FunctionStatus {
    const { definition } = service;
    const view = this.#view.get(qualifiedNameOf(definition.spec));
    const available = view?.endpoints.length ?? 0;
    const status = toFunctionStatus(definition.spec, {
      replicas: definition.replicas, availableReplicas: available, createdAt: definition.createdAt,
      readOnlyRootFilesystem: definition.spec.readOnlyRootFilesystem !== false,
    });
    status.status = definition.replicas === 0 ? 'scaled-to-zero' : view?.failure ? 'failing' : available >= definition.replicas ? 'ready' : 'starting';
    if (view?.failure) status.lastError = { code: 'FUNTAINER_ERR_REPLICA_REFUSED', message: view.failure.message, at: view.failure.at.toISOString() };
    if (this.#gaps.length > 0) status.warnings = describeGaps(this.#gaps);
    return status;
  }
}
