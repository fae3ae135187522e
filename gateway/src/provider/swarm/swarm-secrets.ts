/**
 * Function secrets as Swarm secrets, mounted in each task at /var/openfaas/secrets/<name> (service-spec.ts).
 * Swarm secrets are immutable, so a value lives in a versioned Swarm secret (`fs-<hash>-v<n>`, labelled with its
 * namespace, name, version and the provider's scope) and an update writes version n+1, moves every function that
 * lists the secret onto it (a rolling update: new tasks read the new value, running ones keep theirs until they
 * are replaced), then removes the older versions. Deleting a secret a function still lists is refused
 * (SECRET_IN_USE): Swarm could not start that function's tasks any more.
 */
import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { FuntainerError } from '@funtainer/core/errors';
import type { SecretValue } from '../provider.js';
import type { ProviderLogger } from '../docker/docker-provider-options.js';
import { engineCall, isNotFound } from '../docker/docker-errors.js';
import type { SecretBinding } from './service-spec.js';

const SECRET_LABELS = Object.freeze({
  name: 'com.funtainer.secret',
  namespace: 'com.funtainer.namespace',
  version: 'com.funtainer.internal.secret-version',
});

interface StoredSecret {
  readonly id: string;
  readonly swarmName: string;
  readonly version: number;
}

export interface SwarmSecretsDeps {
  readonly docker: Docker;
  readonly extraLabels: Readonly<Record<string, string>>;
  readonly scope: string;
  readonly timeoutMs: number;
  readonly namespaceExists: (namespace: string) => Promise<boolean>;
  /** Functions of `namespace` listing `name`: moved onto a new version, or the reason a delete is refused. */
  readonly users: (ref: { name: string; namespace: string }) => Promise<string[]>;
  readonly rebind: (ref: { name: string; namespace: string }, binding: SecretBinding) => Promise<void>;
  readonly logger: ProviderLogger;
}

type Ref = { readonly name: string; readonly namespace: string };

export class SwarmSecrets {
  constructor(private readonly deps: SwarmSecretsDeps) {}

  async create(secret: SecretValue): Promise<void> {
    await this.#assertNamespace(secret.namespace);
    if ((await this.#versions(secret)).length > 0) {
      throw new FuntainerError('FUNTAINER_ERR_SECRET_EXISTS', `secret "${secret.name}" already exists in namespace "${secret.namespace}"`);
    }
    await this.#write(secret, 1);
  }

  async update(secret: SecretValue): Promise<void> {
    await this.#assertNamespace(secret.namespace);
    const versions = await this.#versions(secret);
    const current = versions[0];
    if (!current) throw secretNotFound(secret);
    const next = await this.#write(secret, current.version + 1);
    await this.deps.rebind(secret, { name: secret.name, secretId: next.id, secretName: next.swarmName });
    for (const old of versions) await this.#remove(old, true);
  }

  async delete(ref: Ref): Promise<void> {
    await this.#assertNamespace(ref.namespace);
    const versions = await this.#versions(ref);
    if (versions.length === 0) throw secretNotFound(ref);
    const users = await this.deps.users(ref);
    if (users.length > 0) {
      throw new FuntainerError('FUNTAINER_ERR_SECRET_IN_USE', `secret "${ref.name}" is used by ${users.map((u) => `"${u}"`).join(', ')}; update or remove them first`, {
        details: { functions: users },
      });
    }
    for (const version of versions) await this.#remove(version, false);
  }

  async list(namespace: string): Promise<string[]> {
    await this.#assertNamespace(namespace);
    return [...(await this.#all(namespace)).keys()].sort();
  }

  /** The namespace's secret names for deploy validation; none for a namespace the provider does not serve. */
  async names(namespace: string): Promise<Set<string>> {
    return new Set((await this.deps.namespaceExists(namespace)) ? (await this.#all(namespace)).keys() : []);
  }

  /** The Swarm secrets holding the current values of `names`; SECRET_NOT_FOUND names one that is gone. */
  async bindings(namespace: string, names: readonly string[]): Promise<SecretBinding[]> {
    const all = await this.#all(namespace);
    return names.map((name) => {
      const current = all.get(name)?.[0];
      if (!current) throw secretNotFound({ name, namespace });
      return { name, secretId: current.id, secretName: current.swarmName };
    });
  }

  /** A deleted namespace's secrets go with it (its functions are gone by then). */
  async removeNamespace(namespace: string): Promise<void> {
    for (const versions of (await this.#all(namespace)).values()) for (const version of versions) await this.#remove(version, false);
  }

  async #write(ref: SecretValue, version: number): Promise<StoredSecret> {
    const hash = createHash('sha256').update(`${this.deps.scope}/${ref.namespace}/${ref.name}`).digest('hex').slice(0, 16);
    const swarmName = `fs-${hash}-v${version}`;
    const labels = { ...this.deps.extraLabels, [SECRET_LABELS.name]: ref.name, [SECRET_LABELS.namespace]: ref.namespace, [SECRET_LABELS.version]: String(version) };
    const created = await engineCall(this.deps.timeoutMs, 'create a secret', (abortSignal) =>
      this.deps.docker.createSecret({ Name: swarmName, Labels: labels, Data: ref.value.toString('base64'), abortSignal }));
    return { id: (created as Docker.Secret).id, swarmName, version };
  }

  /** Older versions may still be in use by a rollout another gateway started: left for the next update, logged. */
  async #remove(secret: StoredSecret, tolerateInUse: boolean): Promise<void> {
    try {
      await engineCall(this.deps.timeoutMs, 'remove a secret', (abortSignal) => this.deps.docker.getSecret(secret.id).remove({ abortSignal }));
    } catch (err) {
      if (isNotFound(err)) return;
      if (!tolerateInUse) throw err;
      this.deps.logger.warn({ err, secret: secret.swarmName }, 'swarm: an older secret version is still in use; left in place');
    }
  }

  /** The namespace's secrets, by name, newest version first. */
  async #all(namespace: string): Promise<Map<string, StoredSecret[]>> {
    const scope = Object.entries(this.deps.extraLabels).map(([k, v]) => `${k}=${v}`);
    const filters = { label: [...scope, SECRET_LABELS.name, `${SECRET_LABELS.namespace}=${namespace}`] };
    const listed = (await engineCall(this.deps.timeoutMs, 'list secrets', (abortSignal) =>
      this.deps.docker.listSecrets({ filters, abortSignal }))) as unknown as { ID: string; Spec?: { Name?: string; Labels?: Record<string, string> } }[];
    const grouped = new Map<string, StoredSecret[]>();
    for (const s of listed) {
      const name = s.Spec?.Labels?.[SECRET_LABELS.name];
      const version = Number(s.Spec?.Labels?.[SECRET_LABELS.version]);
      if (!name || !Number.isInteger(version)) continue;
      grouped.set(name, [...(grouped.get(name) ?? []), { id: s.ID, swarmName: s.Spec?.Name ?? s.ID, version }]);
    }
    for (const versions of grouped.values()) versions.sort((a, b) => b.version - a.version);
    return grouped;
  }

  async #versions(ref: Ref): Promise<StoredSecret[]> {
    return (await this.#all(ref.namespace)).get(ref.name) ?? [];
  }

  async #assertNamespace(namespace: string): Promise<void> {
    if (!(await this.deps.namespaceExists(namespace))) throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', `namespace "${namespace}" is not available`);
  }
}

function secretNotFound(ref: Ref): FuntainerError {
  return new FuntainerError('FUNTAINER_ERR_SECRET_NOT_FOUND', `secret "${ref.name}" not found in namespace "${ref.namespace}"`);
}
