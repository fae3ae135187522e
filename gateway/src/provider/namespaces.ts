/**
 * Namespaces as OpenFaaS's multi-namespace API has them (faas-provider's NamespaceMutator): the gateway's
 * configured namespaces always exist; others are created, labelled, annotated and deleted through the API.
 * The rules live here once; where records are kept is the provider's (Docker: labelled volumes, namespace-volumes.ts;
 * the memory provider: a Map), behind NamespaceRecords. Both providers pass the same contract (provider.contract.ts).
 */
import type { FunctionNamespace } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';

/** Where a provider keeps the namespaces created through the API. */
export interface NamespaceRecords {
  load(): Promise<Map<string, FunctionNamespace>>;
  /** Creates or replaces the record. */
  save(namespace: FunctionNamespace): Promise<void>;
  remove(name: string): Promise<void>;
}

/** faasd only serves namespaces labelled `openfaas=1|true`; ours carry it so tools that check see them as ours. */
const OPENFAAS_LABEL = 'openfaas';

export class Namespaces {
  constructor(
    private readonly records: NamespaceRecords,
    /** The gateway's own namespaces (function_namespace): always present, never deleted. */
    private readonly configured: readonly string[],
  ) {}

  async names(): Promise<string[]> {
    const stored = await this.records.load();
    return [...new Set([...this.configured, ...[...stored.keys()].sort()])];
  }

  async has(name: string): Promise<boolean> {
    return this.configured.includes(name) || (await this.records.load()).has(name);
  }

  async get(name: string): Promise<FunctionNamespace | undefined> {
    const stored = (await this.records.load()).get(name);
    if (stored !== undefined) return stored;
    return this.configured.includes(name) ? { name, labels: { [OPENFAAS_LABEL]: '1' }, annotations: {} } : undefined;
  }

  async create(namespace: FunctionNamespace): Promise<void> {
    if (await this.has(namespace.name)) {
      throw new FuntainerError('FUNTAINER_ERR_NAMESPACE_EXISTS', `namespace "${namespace.name}" already exists`);
    }
    await this.records.save(withOpenfaasLabel(namespace));
  }

  async update(namespace: FunctionNamespace): Promise<void> {
    if (!(await this.has(namespace.name))) throw namespaceNotFound(namespace.name);
    await this.records.save(withOpenfaasLabel(namespace));
  }

  /** `inUse` says whether functions remain in it (checked here, so every provider refuses alike). */
  async delete(name: string, inUse: () => Promise<boolean>): Promise<void> {
    if (this.configured.includes(name)) {
      throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', `namespace "${name}" is the gateway's function_namespace and cannot be deleted`);
    }
    if (!(await this.records.load()).has(name)) throw namespaceNotFound(name);
    if (await inUse()) {
      throw new FuntainerError('FUNTAINER_ERR_NAMESPACE_NOT_EMPTY', `namespace "${name}" still has functions; remove them first`);
    }
    await this.records.remove(name);
  }
}

export function namespaceNotFound(name: string): FuntainerError {
  return new FuntainerError('FUNTAINER_ERR_NAMESPACE_NOT_FOUND', `namespace "${name}" not found`);
}

function withOpenfaasLabel(namespace: FunctionNamespace): FunctionNamespace {
  return { ...namespace, labels: { [OPENFAAS_LABEL]: '1', ...namespace.labels } };
}

/** NamespaceRecords in memory: the memory provider's, and a provider's cache in tests. */
export class MemoryNamespaceRecords implements NamespaceRecords {
  readonly #records = new Map<string, FunctionNamespace>();

  async load(): Promise<Map<string, FunctionNamespace>> {
    return new Map(this.#records);
  }

  async save(namespace: FunctionNamespace): Promise<void> {
    this.#records.set(namespace.name, structuredClone(namespace));
  }

  async remove(name: string): Promise<void> {
    this.#records.delete(name);
  }
}
