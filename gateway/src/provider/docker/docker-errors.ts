/**
 * The one place dockerode failures become FuntainerErrors. docker-modem reports HTTP failures as plain Errors
 * with `statusCode` (and `json.message`); transport failures carry an errno `code`. Engine messages are kept as
 * the error's cause for logs, never in the client-facing message of a 5xx.
 */
import { FuntainerError, type ErrorCode } from '@funtainer/core/errors';

interface EngineErrorShape {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  message?: string;
}

export function engineStatus(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null ? (err as EngineErrorShape).statusCode : undefined;
}

export function isNotFound(err: unknown): boolean {
  return engineStatus(err) === 404;
}

export function isConflict(err: unknown): boolean {
  return engineStatus(err) === 409;
}

/** 304 = "container already started/stopped": harmless for idempotent stop/start. */
export function isNotModified(err: unknown): boolean {
  return engineStatus(err) === 304;
}

/** Engine-side text of the failure, for logs and for pull errors (which name the image and are the user's fault). */
export function engineMessage(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const shape = err as EngineErrorShape;
  return shape.json?.message ?? shape.message ?? 'unknown engine error';
}

/**
 * Maps a failed engine call. `what` names the operation for the message (e.g. `create container`).
 * ECONNREFUSED/ENOENT on the socket → ENGINE "unreachable"; anything else unknown → ENGINE.
 */
export function mapDockerError(err: unknown, what: string): FuntainerError {
  if (err instanceof FuntainerError) return err;
  const shape = (typeof err === 'object' && err !== null ? err : {}) as EngineErrorShape;
  if (shape.code === 'ECONNREFUSED' || shape.code === 'ENOENT' || shape.code === 'EACCES') {
    return new FuntainerError('FUNTAINER_ERR_ENGINE', `the container engine is unreachable (${what})`, { cause: err });
  }
  // The Engine API answers 503 on its swarm endpoints (services, tasks, secrets, configs, nodes) exactly when the
  // engine is not a manager of an active swarm, e.g. one that left the swarm after the gateway started.
  if (shape.statusCode === 503) {
    return new FuntainerError('FUNTAINER_ERR_SWARM_NOT_MANAGER', `the container engine is not a swarm manager (${what}): run "docker swarm init" on it, or point docker_host at a manager`, { cause: err });
  }
  const code: ErrorCode = 'FUNTAINER_ERR_ENGINE';
  return new FuntainerError(code, `the container engine failed to ${what}`, { cause: err, details: { engineStatus: shape.statusCode } });
}

/**
 * The engine refused to create or start a replica: 400 (a setting it rejects, e.g. "Minimum memory limit allowed
 * is 6MB", or more CPUs than the host has) or 404 on create (the image is gone). Retrying the same definition
 * cannot help, so the reason is kept, for the function's status and for callers that would otherwise wait.
 */
export function replicaRefusal(err: unknown, refusing: readonly number[]): FuntainerError | undefined {
  const status = engineStatus(err);
  if (status === undefined || !refusing.includes(status)) return undefined;
  const reason = engineMessage(err);
  return new FuntainerError('FUNTAINER_ERR_REPLICA_REFUSED', `the container engine refused the replica: ${reason}`, { cause: err, details: { reason } });
}

/** Why a pull failed, from the failure's type and status (never its text): what the deployer can act on. */
export type PullFailure = 'timeout' | 'not-found-or-denied' | 'failed';

export function pullFailureOf(err: unknown): PullFailure {
  if (err instanceof EngineDeadlineError) return 'timeout';
  const status = engineStatus(err);
  return status === 404 || status === 401 || status === 403 ? 'not-found-or-denied' : 'failed';
}

const PULL_FAILURE_TEXT: Record<PullFailure, string> = {
  timeout: 'the pull did not finish in time',
  'not-found-or-denied': 'the registry has no such image or refused access',
  failed: 'the pull failed (the gateway log has the engine\'s reason)',
};

/**
 * A failed pull names the image and the registry the operator configured, never the engine's text: that
 * carries host details (resolver addresses, proxy URLs). The engine's text stays the cause, for the log.
 */
export function imagePullError(image: string, registry: string, err: unknown): FuntainerError {
  const reason = pullFailureOf(err);
  return new FuntainerError('FUNTAINER_ERR_IMAGE_PULL', `image "${image}" could not be pulled from registry "${registry}": ${PULL_FAILURE_TEXT[reason]}`, {
    cause: err, details: { image, registry, reason },
  });
}

/** An engine call that did not finish within its deadline: a type of its own, so callers never match text. */
export class EngineDeadlineError extends FuntainerError {
  constructor(readonly what: string, readonly deadlineMs: number) {
    super('FUNTAINER_ERR_ENGINE', `the container engine did not ${what} within ${deadlineMs} ms`, { details: { deadlineMs } });
  }
}

/** Rejects with EngineDeadlineError after `ms` (the underlying call is aborted through the signal it gets). */
export async function withDeadline<T>(ms: number, what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new EngineDeadlineError(what, ms));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** One bounded engine call, its failure mapped once; a not-found is left as it is for the caller to read. */
export async function engineCall<T>(timeoutMs: number, what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await withDeadline(timeoutMs, what, run);
  } catch (err) {
    throw isNotFound(err) ? err : mapDockerError(err, what);
  }
}
