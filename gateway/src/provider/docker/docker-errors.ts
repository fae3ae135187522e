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
  const code: ErrorCode = 'FUNTAINER_ERR_ENGINE';
  return new FuntainerError(code, `the container engine failed to ${what}`, { cause: err, details: { engineStatus: shape.statusCode } });
}

export function imagePullError(image: string, err: unknown): FuntainerError {
  return new FuntainerError('FUNTAINER_ERR_IMAGE_PULL', `image "${image}" could not be pulled: ${engineMessage(err)}`, { cause: err, details: { image } });
}

/** Rejects with ENGINE after `ms` (the underlying call is aborted through `controller` when given). */
export async function withDeadline<T>(ms: number, what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new FuntainerError('FUNTAINER_ERR_ENGINE', `the container engine did not ${what} within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
