/**
 * What the provider's secret operations mean on Docker, in one place: the namespace check, the store (values,
 * secret-store.ts) and the copies replicas mount (secret-mounts.ts), kept in step. The rule for each operation:
 * - create/update: the store is written, then every mounted copy of that secret is replaced, so running
 *   replicas read the new value within milliseconds, without a restart (also a re-created secret's kept copies);
 * - delete: allowed while functions use the secret, as before. Running replicas keep their copy; new replicas of
 *   a function listing it cannot start, and deploy/update with it fail validation, until it exists again.
 */
import type { FunctionDeployment } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import type { SecretValue } from '../provider.js';
import type { ProviderLogger } from './docker-provider-options.js';
import type { StoredDefinition } from './labels.js';
import type { ObservedReplica } from './replica-engine.js';
import { liveGenerations } from './secret-layout.js';
import { SecretMounts } from './secret-mounts.js';
import { SecretStore, type SecretRef } from './secret-store.js';

export interface ProviderSecretsOptions {
  readonly secretsDir: string;
  /** Secrets live in existing namespaces only (configured or created through the API, namespaces.ts). */
  readonly namespaceExists: (namespace: string) => Promise<boolean>;
  readonly logger: ProviderLogger;
  /** The provider's scope id (scope.ts): mounted copies are kept per scope. */
  readonly scope: string;
}

export class ProviderSecrets {
  readonly #store: SecretStore;
  readonly #mounts: SecretMounts;
  readonly #namespaceExists: (namespace: string) => Promise<boolean>;

  constructor(options: ProviderSecretsOptions) {
    this.#store = new SecretStore(options.secretsDir);
    this.#mounts = new SecretMounts(this.#store, options.secretsDir, options.scope, options.logger);
    this.#namespaceExists = options.namespaceExists;
  }

  async create(secret: SecretValue): Promise<void> {
    await this.#assertNamespace(secret.namespace);
    await this.#store.create(secret, secret.value);
    await this.#mounts.refresh(secret);
  }

  async update(secret: SecretValue): Promise<void> {
    await this.#assertNamespace(secret.namespace);
    await this.#store.update(secret, secret.value);
    await this.#mounts.refresh(secret);
  }

  async delete(ref: SecretRef): Promise<void> {
    await this.#assertNamespace(ref.namespace);
    await this.#store.delete(ref);
  }

  async list(namespace: string): Promise<string[]> {
    await this.#assertNamespace(namespace);
    return this.#store.list(namespace);
  }

  /** The namespace's secret names for deploy validation; none for a namespace the provider does not serve. */
  async names(namespace: string): Promise<Set<string>> {
    return new Set((await this.#namespaceExists(namespace)) ? await this.#store.list(namespace) : []);
  }

  /** Before a generation's first replicas start: its directory with exactly its secrets (SECRET_NOT_FOUND if one is gone). */
  readonly prepare = (spec: FunctionDeployment, fn: QualifiedName & { readonly generation: number }): Promise<void> =>
    this.#mounts.prepare(spec, fn);

  /** After a removed function's replicas are gone. */
  removeFunction(fn: QualifiedName): Promise<void> {
    return this.#mounts.removeFunction(fn);
  }

  /** The sweep's observation: prune directories nothing uses and repair stale copies. Never rejects. */
  readonly maintain = (definitions: ReadonlyMap<string, StoredDefinition>, replicas: readonly ObservedReplica[]): Promise<void> =>
    this.#mounts.maintain(liveGenerations(definitions, replicas));

  /** A deleted namespace's secrets go with it (as Kubernetes deletes a namespace's secrets). */
  async removeNamespace(namespace: string): Promise<void> {
    for (const name of await this.#store.list(namespace)) await this.#store.delete({ name, namespace });
  }

  async #assertNamespace(namespace: string): Promise<void> {
    if (!(await this.#namespaceExists(namespace))) throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', `namespace "${namespace}" is not available`);
  }
}
