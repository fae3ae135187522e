/**
 * An in-memory FunctionProvider for route and invocation unit tests: no engine, replicas are "ready" as soon
 * as they exist (or when the test says so), endpoint URLs come from a callback so a test can point them at a
 * real local HTTP server. It passes the same contract suite as the Docker provider.
 */
import type { FunctionDeployment, FunctionNamespace, FunctionStatus } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import { DEFAULT_NAMESPACE, type QualifiedName } from '@funtainer/core/names';
import { EndpointListeners } from '../provider/endpoint-listeners.js';
import {
  assertDeployable, assertReplicaCount, functionExists, functionKey, functionNotFound, initialReplicas, qualifiedNameOf, toFunctionStatus,
} from '../provider/function-spec.js';
import { MemoryNamespaceRecords, Namespaces } from '../provider/namespaces.js';
import { MemoryLogBook } from './memory-log-book.js';
import type { Endpoint, EndpointsListener, FunctionProvider, LogEntry, LogQuery, SecretValue } from '../provider/provider.js';

export interface MemoryProviderOptions {
  /** URL of a replica; default `http://<name>.<namespace>.invalid:8080/<replica id>` (unreachable on purpose). */
  readonly endpointUrl?: (fn: QualifiedName, replicaId: string, index: number) => string;
  /** false → new replicas stay unready until `markReady`; lets tests exercise "waiting for a replica". */
  readonly autoReady?: boolean;
  readonly namespaces?: readonly string[];
}

interface Replica {
  readonly endpoint: Endpoint;
  ready: boolean;
}

interface StoredFunction {
  spec: FunctionDeployment;
  replicas: Replica[];
  readonly createdAt: Date;
  /** The ready endpoints, one array until the replicas change (as the Docker provider does: the gateway reads it per request). */
  readyCache?: readonly Endpoint[] | undefined;
}

export class MemoryProvider implements FunctionProvider {
  readonly name = 'funtainer-memory';
  readonly #functions = new Map<string, StoredFunction>();
  readonly #secrets = new Map<string, Buffer>();
  readonly #listeners = new EndpointListeners();
  readonly #logs = new MemoryLogBook();
  readonly #options: Required<MemoryProviderOptions>;
  readonly #namespaces: Namespaces;
  #nextReplica = 0;
  #closed = false;

  constructor(options: MemoryProviderOptions = {}) {
    this.#options = {
      endpointUrl: options.endpointUrl ?? ((fn, id) => `http://${fn.name}.${fn.namespace}.invalid:8080/${id}`),
      autoReady: options.autoReady ?? true,
      namespaces: options.namespaces ?? [DEFAULT_NAMESPACE],
    };
    this.#namespaces = new Namespaces(new MemoryNamespaceRecords(), this.#options.namespaces);
  }

  async deploy(spec: FunctionDeployment): Promise<void> {
    const fn = qualifiedNameOf(spec);
    await this.#assertDeployable(spec);
    if (this.#functions.has(functionKey(fn))) throw functionExists(fn);
    const stored: StoredFunction = { spec, replicas: [], createdAt: new Date() };
    this.#functions.set(functionKey(fn), stored);
    this.#resize(fn, stored, initialReplicas(spec));
  }

  async update(spec: FunctionDeployment): Promise<void> {
    const fn = qualifiedNameOf(spec);
    if (!this.#functions.has(functionKey(fn))) throw functionNotFound(fn);
    await this.#assertDeployable(spec);
    const stored = this.#functions.get(functionKey(fn));
    if (!stored) throw functionNotFound(fn);
    // A rolling update in one step: every replica is replaced by a new-generation one.
    const count = stored.replicas.length;
    stored.spec = spec;
    stored.replicas = [];
    this.#resize(fn, stored, count);
  }

  async remove(fn: QualifiedName): Promise<void> {
    if (!this.#functions.delete(functionKey(fn))) throw functionNotFound(fn);
    this.#logs.forget(fn);
    this.#listeners.emit(fn, []);
  }

  async list(namespace: string): Promise<FunctionStatus[]> {
    return [...this.#functions.values()].filter((f) => qualifiedNameOf(f.spec).namespace === namespace).map((f) => this.#status(f));
  }

  async get(fn: QualifiedName): Promise<FunctionStatus | undefined> {
    const stored = this.#functions.get(functionKey(fn));
    return stored ? this.#status(stored) : undefined;
  }

  async scale(fn: QualifiedName, replicas: number): Promise<void> {
    assertReplicaCount(replicas);
    const stored = this.#functions.get(functionKey(fn));
    if (!stored) throw functionNotFound(fn);
    this.#resize(fn, stored, replicas);
  }

  endpoints(fn: QualifiedName): readonly Endpoint[] | undefined {
    const stored = this.#functions.get(functionKey(fn));
    return stored ? readyEndpoints(stored) : undefined;
  }

  onEndpointsChanged(listener: EndpointsListener): () => void {
    return this.#listeners.add(listener);
  }

  /** Unknown function → the first `next()` rejects with FUNCTION_NOT_FOUND (as the Docker provider does). */
  async *logs(query: LogQuery): AsyncIterable<LogEntry> {
    if (!this.#functions.has(functionKey(query))) throw functionNotFound(query);
    yield* this.#logs.query(query, () => !this.#closed);
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
    await this.#namespaces.delete(name, async () => (await this.list(name)).length > 0);
    for (const secret of await this.listSecrets(name)) this.#secrets.delete(functionKey({ name: secret, namespace: name }));
  }

  async createSecret(secret: SecretValue): Promise<void> {
    await this.#assertNamespace(secret.namespace);
    const key = functionKey(secret);
    if (this.#secrets.has(key)) throw new FuntainerError('FUNTAINER_ERR_SECRET_EXISTS', `secret "${secret.name}" already exists`);
    this.#secrets.set(key, Buffer.from(secret.value));
  }

  async updateSecret(secret: SecretValue): Promise<void> {
    const key = functionKey(secret);
    if (!this.#secrets.has(key)) throw secretNotFound(secret.name);
    this.#secrets.set(key, Buffer.from(secret.value));
  }

  async deleteSecret(ref: { name: string; namespace: string }): Promise<void> {
    if (!this.#secrets.delete(functionKey(ref))) throw secretNotFound(ref.name);
  }

  async listSecrets(namespace: string): Promise<string[]> {
    const prefix = `${namespace}/`;
    return [...this.#secrets.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort();
  }

  async start(): Promise<void> {
    this.#closed = false;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#logs.wakeAll();
  }

  // ---- test helpers ----

  /** Adds a log line as if a replica had printed it; `instance` defaults to the first replica's id. */
  appendLog(fn: QualifiedName, text: string, options: { instance?: string; timestamp?: Date } = {}): void {
    const stored = this.#functions.get(functionKey(fn));
    const instance = options.instance ?? stored?.replicas[0]?.endpoint.id ?? `${fn.name}-0`;
    this.#logs.append({ name: fn.name, namespace: fn.namespace, instance, timestamp: (options.timestamp ?? new Date()).toISOString(), text });
  }

  /** Makes every unready replica of `fn` ready (with `autoReady: false`). */
  markReady(fn: QualifiedName): void {
    const stored = this.#functions.get(functionKey(fn));
    if (!stored) throw functionNotFound(fn);
    const pending = stored.replicas.filter((r) => !r.ready);
    if (pending.length === 0) return;
    for (const replica of pending) replica.ready = true;
    stored.readyCache = undefined;
    this.#listeners.emit(fn, readyEndpoints(stored));
  }

  /** The stored secret bytes; tests use it to check what a route wrote (the real API never returns values). */
  secretValue(ref: { name: string; namespace: string }): Buffer | undefined {
    return this.#secrets.get(functionKey(ref));
  }

  #resize(fn: QualifiedName, stored: StoredFunction, replicas: number): void {
    while (stored.replicas.length > replicas) stored.replicas.pop();
    while (stored.replicas.length < replicas) {
      const index = stored.replicas.length;
      const id = `${fn.namespace}-${fn.name}-${this.#nextReplica++}`;
      stored.replicas.push({ endpoint: { id, url: this.#options.endpointUrl(fn, id, index) }, ready: this.#options.autoReady });
    }
    stored.readyCache = undefined;
    this.#listeners.emit(fn, readyEndpoints(stored));
  }

  #status(stored: StoredFunction): FunctionStatus {
    return toFunctionStatus(stored.spec, {
      replicas: stored.replicas.length,
      availableReplicas: stored.replicas.filter((r) => r.ready).length,
      createdAt: stored.createdAt,
      readOnlyRootFilesystem: stored.spec.readOnlyRootFilesystem !== false,
    });
  }

  async #assertDeployable(spec: FunctionDeployment): Promise<void> {
    const namespace = qualifiedNameOf(spec).namespace;
    assertDeployable(spec, await this.#namespaces.names(), (name) => this.#secrets.has(functionKey({ name, namespace })));
  }

  async #assertNamespace(namespace: string): Promise<void> {
    if (!(await this.#namespaces.has(namespace))) {
      throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', `namespace "${namespace}" is not available`);
    }
  }
}

function readyEndpoints(stored: StoredFunction): readonly Endpoint[] {
  stored.readyCache ??= stored.replicas.filter((r) => r.ready).map((r) => r.endpoint);
  return stored.readyCache;
}

function secretNotFound(name: string): FuntainerError {
  return new FuntainerError('FUNTAINER_ERR_SECRET_NOT_FOUND', `secret "${name}" not found`);
}
