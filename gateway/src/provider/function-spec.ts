/**
 * Provider-independent rules about a function definition: its namespace, how many replicas it starts with,
 * which labels are ours, and how a stored definition is reported back as an OpenFaaS FunctionStatus.
 * Every provider uses these so the memory fake and the Docker provider agree on what the API returns.
 */
import type { FunctionDeployment, FunctionStatus } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import { LABELS } from '@funtainer/core/labels';
import { DEFAULT_NAMESPACE, type QualifiedName } from '@funtainer/core/names';

/** Labels the provider writes on containers; a user label with one of these names would be overwritten. */
export const INTERNAL_LABEL_PREFIX = 'com.funtainer.internal.';

export function namespaceOf(spec: FunctionDeployment): string {
  return spec.namespace ?? DEFAULT_NAMESPACE;
}

export function qualifiedNameOf(spec: FunctionDeployment): QualifiedName {
  return { name: spec.service, namespace: namespaceOf(spec) };
}

/** Map key for a function; `/` cannot occur in a DNS-1123 label, so keys never collide. */
export function functionKey(fn: QualifiedName): string {
  return `${fn.namespace}/${fn.name}`;
}

/** Replicas a new function starts with: `com.openfaas.scale.min` when it is a positive integer, else 1 (as OpenFaaS). */
export function initialReplicas(spec: FunctionDeployment): number {
  const raw = spec.labels[LABELS.scaleMin];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return 1;
  const min = Number(raw.trim());
  return min >= 1 ? Math.min(min, 1000) : 1;
}

/** Rejects specs the provider cannot honour, before anything is created. */
export function assertDeployable(spec: FunctionDeployment, namespaces: readonly string[], secretExists: (name: string) => boolean): void {
  const namespace = namespaceOf(spec);
  if (!namespaces.includes(namespace)) {
    throw new FuntainerError('FUNTAINER_ERR_INVALID_SPEC', `namespace "${namespace}" is not available; use one of: ${namespaces.join(', ')}`);
  }
  const reserved = Object.keys(spec.labels).filter((k) => k.startsWith(INTERNAL_LABEL_PREFIX));
  if (reserved.length > 0) {
    throw new FuntainerError('FUNTAINER_ERR_INVALID_SPEC', `labels under "${INTERNAL_LABEL_PREFIX}" are reserved: ${reserved.join(', ')}`);
  }
  const missing = spec.secrets.filter((s) => !secretExists(s));
  if (missing.length > 0) {
    throw new FuntainerError('FUNTAINER_ERR_INVALID_SPEC', `unable to find secret: ${missing.join(', ')}`, { details: { secrets: missing } });
  }
}

export interface StatusFacts {
  readonly replicas: number;
  readonly availableReplicas: number;
  readonly createdAt: Date;
  readonly readOnlyRootFilesystem: boolean;
}

/** FunctionStatus as OpenFaaS clients expect it: user labels only, empty maps kept as `{}`. */
export function toFunctionStatus(spec: FunctionDeployment, facts: StatusFacts): FunctionStatus {
  const status: FunctionStatus = {
    name: spec.service,
    namespace: namespaceOf(spec),
    image: spec.image,
    envVars: { ...spec.envVars },
    constraints: [...spec.constraints],
    secrets: [...spec.secrets],
    labels: { ...spec.labels },
    annotations: { ...spec.annotations },
    readOnlyRootFilesystem: facts.readOnlyRootFilesystem,
    replicas: facts.replicas,
    availableReplicas: facts.availableReplicas,
    createdAt: facts.createdAt.toISOString(),
  };
  if (spec.envProcess !== undefined) status.envProcess = spec.envProcess;
  if (spec.limits !== undefined) status.limits = { ...spec.limits };
  if (spec.requests !== undefined) status.requests = { ...spec.requests };
  return status;
}

export function functionNotFound(fn: QualifiedName): FuntainerError {
  return new FuntainerError('FUNTAINER_ERR_FUNCTION_NOT_FOUND', `function "${fn.name}" not found in namespace "${fn.namespace}"`);
}

export function functionExists(fn: QualifiedName): FuntainerError {
  return new FuntainerError('FUNTAINER_ERR_FUNCTION_EXISTS', `function "${fn.name}" already exists in namespace "${fn.namespace}"`);
}

export function assertReplicaCount(replicas: number): void {
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > 1000) {
    throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', 'replicas must be an integer between 0 and 1000');
  }
}
