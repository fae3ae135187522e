/**
 * Where function definitions live: in Docker itself, one small labelled volume per definition revision
 * (`funtainer-def-<namespace>-<name>-r<revision>`), the spec JSON and desired replicas in its labels.
 *
 * Why Docker and not a file or Redis: the definition then lives exactly as long and as far as the containers do.
 * A restarted gateway, or a second gateway on the same engine, finds every function (including those scaled to 0,
 * which have no container to read a spec back from) with nothing else to share. Labels are immutable, so a change
 * writes the next revision and then deletes older ones; readers take the highest revision, which also makes a
 * crash between the two steps harmless. The volume's contents are never used.
 */
import type Docker from 'dockerode';
import type { QualifiedName } from '@funtainer/core/names';
import { functionKey } from '../function-spec.js';
import { removeVolumeIfPresent, volumeCall } from './volume-calls.js';
import { DEFINITION_LABELS, definitionLabels, parseDefinitionLabels, type StoredDefinition } from './labels.js';
import type { ProviderLogger } from './docker-provider-options.js';
import { scopeFilters } from './scope.js';

interface DefinitionVolume {
  readonly volume: string;
  readonly definition: StoredDefinition;
}

export class FunctionStore {
  constructor(
    private readonly docker: Docker,
    private readonly extraLabels: Readonly<Record<string, string>>,
    /** Scope suffix of volume names, so isolated scopes (test runs) on one engine never share a definition. */
    private readonly nameSuffix: string,
    private readonly engineTimeoutMs: number,
    private readonly logger: ProviderLogger,
  ) {}

  /** Every function's newest definition, keyed by `functionKey`. */
  async loadAll(): Promise<Map<string, StoredDefinition>> {
    const grouped = await this.#list([DEFINITION_LABELS.definition]);
    const result = new Map<string, StoredDefinition>();
    for (const [key, versions] of grouped) {
      const newest = versions[0];
      if (newest) result.set(key, newest.definition);
      for (const stale of versions.slice(1)) await removeVolumeIfPresent(this.docker, stale.volume, this.engineTimeoutMs, 'remove a function definition');
    }
    return result;
  }

  async load(fn: QualifiedName): Promise<StoredDefinition | undefined> {
    const grouped = await this.#list([`${DEFINITION_LABELS.definition}=${fn.name}.${fn.namespace}`]);
    return grouped.get(functionKey(fn))?.[0]?.definition;
  }

  /** Writes `definition` (whose revision must be higher than the stored one), then drops older revisions. */
  async save(definition: StoredDefinition): Promise<void> {
    const fn = { name: definition.spec.service, namespace: definition.spec.namespace ?? '' };
    const name = `${volumeName(fn, definition.revision)}${this.nameSuffix}`;
    await volumeCall(this.engineTimeoutMs, 'store the function definition', () =>
      this.docker.createVolume({ Name: name, Labels: definitionLabels(definition, this.extraLabels) }));
    const grouped = await this.#list([`${DEFINITION_LABELS.definition}=${fn.name}.${fn.namespace}`]);
    for (const old of grouped.get(functionKey(fn)) ?? []) {
      if (old.volume !== name && old.definition.revision < definition.revision) await removeVolumeIfPresent(this.docker, old.volume, this.engineTimeoutMs, 'remove a function definition');
    }
  }

  async delete(fn: QualifiedName): Promise<void> {
    const grouped = await this.#list([`${DEFINITION_LABELS.definition}=${fn.name}.${fn.namespace}`]);
    for (const version of grouped.get(functionKey(fn)) ?? []) await removeVolumeIfPresent(this.docker, version.volume, this.engineTimeoutMs, 'remove a function definition');
  }

  /** Definition volumes matching the label filters, grouped by function, newest revision first. */
  async #list(labelFilters: string[]): Promise<Map<string, DefinitionVolume[]>> {
    const response = await volumeCall(this.engineTimeoutMs, 'list function definitions', () => this.docker.listVolumes({ filters: { label: [...labelFilters, ...scopeFilters(this.extraLabels)] } }));
    const grouped = new Map<string, DefinitionVolume[]>();
    for (const volume of response.Volumes ?? []) {
      const definition = parseDefinitionLabels(volume.Labels ?? undefined);
      if (!definition) {
        this.logger.warn({ volume: volume.Name }, 'ignoring a function definition volume with invalid labels');
        continue;
      }
      const key = functionKey({ name: definition.spec.service, namespace: definition.spec.namespace ?? '' });
      const versions = grouped.get(key) ?? [];
      versions.push({ volume: volume.Name, definition });
      grouped.set(key, versions);
    }
    for (const versions of grouped.values()) versions.sort((a, b) => b.definition.revision - a.definition.revision);
    return grouped;
  }
}

export function volumeName(fn: QualifiedName, revision: number): string {
  return `funtainer-def-${fn.namespace}-${fn.name}-r${revision}`;
}
