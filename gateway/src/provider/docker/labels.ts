/**
 * Docker labels Funtainer writes, and their pure round trips:
 * - replica containers: which function, namespace, generation and slot a container belongs to;
 * - definition volumes: the whole FunctionDeployment (JSON, parsed back with the zod schema so a hand-edited or
 *   older label cannot smuggle an invalid spec in), desired replicas, generation and a revision counter.
 * Internal keys live under `com.funtainer.internal.` except the four the brief names as the public container
 * contract (`com.funtainer.function`, `.namespace`, `.replica`, `.generation`).
 */
import { FunctionDeploymentSchema, type FunctionDeployment } from '@funtainer/core/contracts';
import { isValidName, type QualifiedName } from '@funtainer/core/names';
import { namespaceOf } from '../function-spec.js';

export const CONTAINER_LABELS = Object.freeze({
  function: 'com.funtainer.function',
  namespace: 'com.funtainer.namespace',
  replica: 'com.funtainer.replica',
  generation: 'com.funtainer.generation',
});

export const DEFINITION_LABELS = Object.freeze({
  /** Marks a volume as a function definition; value = qualified name. */
  definition: 'com.funtainer.internal.definition',
  spec: 'com.funtainer.internal.spec',
  replicas: 'com.funtainer.internal.replicas',
  generation: 'com.funtainer.internal.generation',
  revision: 'com.funtainer.internal.revision',
  createdAt: 'com.funtainer.internal.created-at',
});

/** The function definition as the provider keeps it: the spec plus the desired state that goes with it. */
export interface StoredDefinition {
  readonly spec: FunctionDeployment;
  readonly replicas: number;
  /** Bumped by every update; replicas of an older generation are rolled away. */
  readonly generation: number;
  /** Bumped by every write; the highest revision wins when two writers raced. */
  readonly revision: number;
  readonly createdAt: Date;
}

export interface ReplicaIdentity extends QualifiedName {
  readonly generation: number;
  readonly slot: number;
}

export function replicaLabels(identity: ReplicaIdentity, userLabels: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  return {
    ...userLabels,
    ...extra,
    [CONTAINER_LABELS.function]: identity.name,
    [CONTAINER_LABELS.namespace]: identity.namespace,
    [CONTAINER_LABELS.generation]: String(identity.generation),
    [CONTAINER_LABELS.replica]: String(identity.slot),
  };
}

export function parseReplicaLabels(labels: Record<string, string> | undefined): ReplicaIdentity | undefined {
  if (!labels) return undefined;
  const name = labels[CONTAINER_LABELS.function];
  const namespace = labels[CONTAINER_LABELS.namespace];
  const generation = parseCount(labels[CONTAINER_LABELS.generation]);
  const slot = parseCount(labels[CONTAINER_LABELS.replica]);
  if (!name || !namespace || !isValidName(name) || !isValidName(namespace) || generation === undefined || slot === undefined) return undefined;
  return { name, namespace, generation, slot };
}

export function definitionLabels(def: StoredDefinition, extra: Record<string, string>): Record<string, string> {
  return {
    ...extra,
    [DEFINITION_LABELS.definition]: `${def.spec.service}.${namespaceOf(def.spec)}`,
    [DEFINITION_LABELS.spec]: JSON.stringify(def.spec),
    [DEFINITION_LABELS.replicas]: String(def.replicas),
    [DEFINITION_LABELS.generation]: String(def.generation),
    [DEFINITION_LABELS.revision]: String(def.revision),
    [DEFINITION_LABELS.createdAt]: def.createdAt.toISOString(),
  };
}

/** undefined when the labels are not a (valid) definition; the caller logs and skips it. */
export function parseDefinitionLabels(labels: Record<string, string> | undefined): StoredDefinition | undefined {
  if (!labels?.[DEFINITION_LABELS.definition]) return undefined;
  const replicas = parseCount(labels[DEFINITION_LABELS.replicas]);
  const generation = parseCount(labels[DEFINITION_LABELS.generation]);
  const revision = parseCount(labels[DEFINITION_LABELS.revision]);
  const createdAt = new Date(labels[DEFINITION_LABELS.createdAt] ?? '');
  if (replicas === undefined || generation === undefined || revision === undefined || Number.isNaN(createdAt.getTime())) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(labels[DEFINITION_LABELS.spec] ?? '');
  } catch {
    return undefined;
  }
  const parsed = FunctionDeploymentSchema.safeParse(json);
  if (!parsed.success) return undefined;
  return { spec: { ...parsed.data, namespace: namespaceOf(parsed.data) }, replicas, generation, revision, createdAt };
}

function parseCount(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,9}$/.test(raw)) return undefined;
  return Number(raw);
}
