/**
 * NamespaceRecords on Docker: one small labelled volume per namespace revision (`funtainer-ns-<name>-r<rev>`),
 * labels and annotations as JSON in its labels, for the reason function definitions live there too
 * (function-store.ts): a restarted or second gateway on the engine finds them with nothing else to share.
 * Labels are immutable, so an update writes the next revision, then removes older ones; readers take the newest.
 */
import type Docker from 'dockerode';
import type { FunctionNamespace } from '@funtainer/core/contracts';
import type { NamespaceRecords } from '../namespaces.js';
import { removeVolumeIfPresent, volumeCall } from './volume-calls.js';
import type { ProviderLogger } from './docker-provider-options.js';
import { scopeFilters } from './scope.js';

/** Shared with the Swarm provider's records (swarm/namespace-configs.ts): one encoding of a namespace in labels. */
export const NAMESPACE_LABELS = Object.freeze({
  /** Marks a volume as a namespace record; value = namespace name. */
  namespace: 'com.funtainer.internal.namespace',
  spec: 'com.funtainer.internal.namespace-spec',
  revision: 'com.funtainer.internal.revision',
});

interface NamespaceVolume {
  readonly volume: string;
  readonly revision: number;
  readonly namespace: FunctionNamespace;
}

export class NamespaceVolumes implements NamespaceRecords {
  constructor(
    private readonly docker: Docker,
    private readonly extraLabels: Readonly<Record<string, string>>,
    private readonly nameSuffix: string,
    private readonly engineTimeoutMs: number,
    private readonly logger: ProviderLogger,
  ) {}

  async load(): Promise<Map<string, FunctionNamespace>> {
    const result = new Map<string, FunctionNamespace>();
    for (const [name, versions] of await this.#list()) {
      const newest = versions[0];
      if (newest !== undefined) result.set(name, newest.namespace);
    }
    return result;
  }

  async save(namespace: FunctionNamespace): Promise<void> {
    const versions = (await this.#list()).get(namespace.name) ?? [];
    const revision = (versions[0]?.revision ?? 0) + 1;
    const volume = `funtainer-ns-${namespace.name}-r${revision}${this.nameSuffix}`;
    const labels = { ...this.extraLabels, ...namespaceLabels(namespace), [NAMESPACE_LABELS.revision]: String(revision) };
    await volumeCall(this.engineTimeoutMs, 'store the namespace', () => this.docker.createVolume({ Name: volume, Labels: labels }));
    for (const old of versions) await removeVolumeIfPresent(this.docker, old.volume, this.engineTimeoutMs, 'remove a namespace record');
  }

  async remove(name: string): Promise<void> {
    for (const version of (await this.#list()).get(name) ?? []) await removeVolumeIfPresent(this.docker, version.volume, this.engineTimeoutMs, 'remove a namespace record');
  }

  /** Namespace volumes of this scope, grouped by name, newest revision first. */
  async #list(): Promise<Map<string, NamespaceVolume[]>> {
    const filters = { label: [NAMESPACE_LABELS.namespace, ...scopeFilters(this.extraLabels)] };
    const response = await volumeCall(this.engineTimeoutMs, 'list namespaces', () => this.docker.listVolumes({ filters }));
    const grouped = new Map<string, NamespaceVolume[]>();
    for (const volume of response.Volumes ?? []) {
      const parsed = parseNamespaceVolume(volume.Name, volume.Labels ?? {});
      if (parsed === undefined) {
        this.logger.warn({ volume: volume.Name }, 'ignoring a namespace volume with invalid labels');
        continue;
      }
      const versions = grouped.get(parsed.namespace.name) ?? [];
      versions.push(parsed);
      grouped.set(parsed.namespace.name, versions);
    }
    for (const versions of grouped.values()) versions.sort((a, b) => b.revision - a.revision);
    return grouped;
  }
}

function parseNamespaceVolume(volume: string, labels: Record<string, string>): NamespaceVolume | undefined {
  const namespace = parseNamespaceLabels(labels);
  const revision = Number(labels[NAMESPACE_LABELS.revision]);
  if (!namespace || !Number.isInteger(revision)) return undefined;
  return { volume, revision, namespace };
}

export function namespaceLabels(namespace: FunctionNamespace): Record<string, string> {
  return {
    [NAMESPACE_LABELS.namespace]: namespace.name,
    [NAMESPACE_LABELS.spec]: JSON.stringify({ labels: namespace.labels, annotations: namespace.annotations }),
  };
}

/** undefined when the labels are not a (valid) namespace record. */
export function parseNamespaceLabels(labels: Record<string, string>): FunctionNamespace | undefined {
  const name = labels[NAMESPACE_LABELS.namespace];
  if (!name) return undefined;
  try {
    const spec = JSON.parse(labels[NAMESPACE_LABELS.spec] ?? '{}') as Partial<FunctionNamespace>;
    return { name, labels: { ...spec.labels }, annotations: { ...spec.annotations } };
  } catch {
    return undefined;
  }
}
