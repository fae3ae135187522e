/**
 * NamespaceRecords on Swarm: one labelled Swarm config per namespace, its labels and annotations encoded as the
 * Docker provider encodes them (docker/namespace-volumes.ts). Configs live in the swarm's raft store, so every
 * gateway on any manager sees the same namespaces; a config's labels can be updated in place (its data cannot,
 * and carries nothing), so an update is one versioned write.
 */
import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import type { FunctionNamespace } from '@funtainer/core/contracts';
import type { NamespaceRecords } from '../namespaces.js';
import { engineCall, isNotFound } from '../docker/docker-errors.js';
import { NAMESPACE_LABELS, namespaceLabels, parseNamespaceLabels } from '../docker/namespace-volumes.js';

interface ConfigInfo {
  readonly ID: string;
  readonly Version?: { readonly Index?: number };
  readonly Spec?: { readonly Name?: string; readonly Labels?: Record<string, string>; readonly Data?: string };
}

export class NamespaceConfigs implements NamespaceRecords {
  constructor(
    private readonly docker: Docker,
    private readonly extraLabels: Readonly<Record<string, string>>,
    private readonly scope: string,
    private readonly timeoutMs: number,
  ) {}

  async load(): Promise<Map<string, FunctionNamespace>> {
    const result = new Map<string, FunctionNamespace>();
    for (const config of await this.#list()) {
      const namespace = parseNamespaceLabels(config.Spec?.Labels ?? {});
      if (namespace) result.set(namespace.name, namespace);
    }
    return result;
  }

  async save(namespace: FunctionNamespace): Promise<void> {
    const labels = { ...this.extraLabels, ...namespaceLabels(namespace) };
    const existing = (await this.#list()).find((c) => c.Spec?.Labels?.[NAMESPACE_LABELS.namespace] === namespace.name);
    if (!existing) {
      const hash = createHash('sha256').update(`${this.scope}/${namespace.name}`).digest('hex').slice(0, 16);
      const Data = Buffer.from(namespace.name).toString('base64');
      await engineCall(this.timeoutMs, 'store the namespace', (abortSignal) => this.docker.createConfig({ Name: `fns-${hash}`, Labels: labels, Data, abortSignal }));
      return;
    }
    // Only labels may change; the rest of the spec must be sent back as it is.
    const body = { ...existing.Spec, Labels: labels };
    await engineCall(this.timeoutMs, 'store the namespace', (abortSignal) =>
      this.docker.getConfig(existing.ID).update({ _query: { version: existing.Version?.Index ?? 0 }, _body: body, abortSignal }));
  }

  async remove(name: string): Promise<void> {
    for (const config of await this.#list()) {
      if (config.Spec?.Labels?.[NAMESPACE_LABELS.namespace] !== name) continue;
      try {
        await engineCall(this.timeoutMs, 'remove a namespace record', (abortSignal) => this.docker.getConfig(config.ID).remove({ abortSignal }));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  async #list(): Promise<ConfigInfo[]> {
    const filters = { label: [NAMESPACE_LABELS.namespace, ...Object.entries(this.extraLabels).map(([k, v]) => `${k}=${v}`)] };
    return (await engineCall(this.timeoutMs, 'list namespaces', (abortSignal) => this.docker.listConfigs({ filters, abortSignal }))) as unknown as ConfigInfo[];
  }
}
