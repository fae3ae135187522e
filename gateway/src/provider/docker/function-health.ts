/**
 * How a function stands, as the Docker provider reports it: the OpenFaaS status plus Funtainer's additive
 * `status` and `lastError`, and the error a call gets at once while the engine refuses every replica.
 * Derived from the stored definition and the in-memory ReplicaSet, so one place decides what "failing" means.
 */
import type { FunctionStatus } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import { toFunctionStatus } from '../function-spec.js';
import type { StoredDefinition } from './labels.js';
import type { ReplicaSet } from './replica-set.js';

export function functionStatus(definition: StoredDefinition, set: ReplicaSet | undefined): FunctionStatus {
  const status = toFunctionStatus(definition.spec, {
    replicas: definition.replicas, availableReplicas: set?.readyCount() ?? 0, createdAt: definition.createdAt,
    readOnlyRootFilesystem: definition.spec.readOnlyRootFilesystem !== false,
  });
  // not converged here yet (another gateway's deploy, seen before this one's sweep): on its way
  status.status = set?.definition ? set.phase() : definition.replicas === 0 ? 'scaled-to-zero' : 'starting';
  const refusal = set?.refusal;
  if (refusal && status.status === 'failing') {
    status.lastError = { code: refusal.error.code, message: refusal.error.message, at: refusal.at.toISOString() };
  }
  return status;
}

/** REPLICA_REFUSED naming the engine's reason while no replica serves and the engine refuses new ones. */
export function startFailure(fn: QualifiedName, set: ReplicaSet | undefined): FuntainerError | undefined {
  const refusal = set?.definition && set.endpoints.length === 0 && !set.isPaused() ? set.refusal : undefined;
  if (!refusal) return undefined;
  return new FuntainerError('FUNTAINER_ERR_REPLICA_REFUSED', `function "${fn.name}" cannot start a replica: ${refusal.error.message}`, {
    details: { function: fn.name, namespace: fn.namespace, reason: refusal.error.details?.['reason'] },
  });
}
