/**
 * The error model shared by every Funtainer process: one base class with a stable code and an HTTP status.
 * Codes are never reused or renamed: clients branch on them. Each package registers its own codes here so the
 * registry is the single list a user can look a code up in (gateway, queue-worker, CLI and watchdog alike).
 */

export const ERROR_CODES = {
  // request validation
  FUNTAINER_ERR_BAD_REQUEST: { status: 400, message: 'The request is invalid' },
  FUNTAINER_ERR_BAD_JSON: { status: 400, message: 'The request body is not valid JSON' },
  FUNTAINER_ERR_INVALID_SPEC: { status: 400, message: 'The function definition is invalid' },
  FUNTAINER_ERR_INVALID_NAME: { status: 400, message: 'The name is not a valid DNS-1123 label' },
  FUNTAINER_ERR_BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than the configured limit' },
  FUNTAINER_ERR_UNAUTHORIZED: { status: 401, message: 'Invalid credentials' },
  FUNTAINER_ERR_CROSS_SITE: { status: 403, message: 'Cross-site requests that change state are refused' },
  FUNTAINER_ERR_URI_TOO_LONG: { status: 414, message: 'A path segment is longer than the gateway accepts' },
  // functions
  FUNTAINER_ERR_FUNCTION_NOT_FOUND: { status: 404, message: 'No such function' },
  FUNTAINER_ERR_FUNCTION_EXISTS: { status: 409, message: 'The function already exists' },
  FUNTAINER_ERR_SECRET_NOT_FOUND: { status: 404, message: 'No such secret' },
  FUNTAINER_ERR_SECRET_EXISTS: { status: 409, message: 'The secret already exists' },
  FUNTAINER_ERR_SECRET_IN_USE: { status: 409, message: 'The secret is listed by functions (Swarm provider)' },
  FUNTAINER_ERR_NAMESPACE_NOT_FOUND: { status: 404, message: 'No such namespace' },
  FUNTAINER_ERR_NAMESPACE_EXISTS: { status: 409, message: 'The namespace already exists' },
  FUNTAINER_ERR_NAMESPACE_NOT_EMPTY: { status: 409, message: 'The namespace still has functions' },
  FUNTAINER_ERR_IMAGE_PULL: { status: 400, message: 'The image could not be pulled' },
  FUNTAINER_ERR_NOT_FOUND: { status: 404, message: 'Not found' },
  FUNTAINER_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  // invocation
  FUNTAINER_ERR_NO_REPLICA: { status: 503, message: 'No ready replica within the deadline' },
  FUNTAINER_ERR_UPSTREAM_UNREACHABLE: { status: 502, message: 'The function replica could not be reached' },
  FUNTAINER_ERR_UPSTREAM_TIMEOUT: { status: 504, message: 'The function did not answer within its timeout' },
  FUNTAINER_ERR_TOO_MANY_REQUESTS: { status: 429, message: 'The function is at its concurrency limit' },
  // async
  FUNTAINER_ERR_QUEUE_UNAVAILABLE: { status: 503, message: 'The queue is unavailable; the request was not stored' },
  FUNTAINER_ERR_JOB_NOT_FOUND: { status: 404, message: 'No such async call' },
  FUNTAINER_ERR_JOB_STATE: { status: 409, message: 'The async call is not in a state that allows this' },
  FUNTAINER_ERR_INVALID_TOPIC: { status: 400, message: 'The topic name is invalid (letters, digits and . _ -, at most 100 characters)' },
  FUNTAINER_ERR_CALLBACK_URL_DENIED: { status: 400, message: 'X-Callback-Url points to an address the callback policy does not allow' },
  // platform
  FUNTAINER_ERR_ENGINE: { status: 500, message: 'The container engine failed' },
  FUNTAINER_ERR_INTERNAL: { status: 500, message: 'Internal error' },
  FUNTAINER_ERR_CONFIG_INVALID: { status: 500, message: 'The configuration is invalid' },
  // images and replicas
  FUNTAINER_ERR_IMAGE_NOT_PULLABLE: { status: 400, message: 'The image is not present and the pull policy does not allow pulling it' },
  FUNTAINER_ERR_REPLICA_REFUSED: { status: 503, message: 'The container engine refused to start a replica of the function' },
  FUNTAINER_ERR_IMAGE_NOT_IN_REGISTRY: { status: 400, message: 'The registry the image reference names has no such image (tag or digest)' },
  FUNTAINER_ERR_REGISTRY_UNREACHABLE: { status: 502, message: 'The image registry could not be asked for the image' },
  // Swarm provider
  FUNTAINER_ERR_SWARM_NOT_MANAGER: { status: 503, message: 'The engine is not a manager of an active swarm' },
  FUNTAINER_ERR_CONSTRAINT_UNSATISFIABLE: { status: 400, message: 'No node of the swarm satisfies the placement constraints' },
  // watchdog (inside function containers). These keep the FAAS_ERR_ names they have always had in watchdog logs;
  // the watchdog answers callers with OpenFaaS's plain-text bodies, so the status here is the one it sends.
  FAAS_ERR_CONFIG_INVALID: { status: 500, message: 'The watchdog configuration is invalid' },
  FAAS_ERR_EXEC_TIMEOUT: { status: 504, message: 'The function did not finish within exec_timeout' },
  // 500, not 502: of-watchdog's answer to a failed upstream call (docs/openfaas-compat.md, http mode).
  FAAS_ERR_UPSTREAM_UNAVAILABLE: { status: 500, message: 'The function process refused or dropped the connection' },
  FAAS_ERR_CHILD_EXITED: { status: 502, message: 'The function process exited' },
  FAAS_ERR_HANDLER_INVALID: { status: 500, message: 'The handler could not be loaded' },
  FAAS_ERR_BODY_INVALID: { status: 400, message: 'The request body does not match its content type' },
  FAAS_ERR_BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than the watchdog accepts' },
  FAAS_ERR_LOCK_FILE: { status: 500, message: 'The lock file could not be written' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class FuntainerError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  /** Extra machine-readable facts (e.g. which timeout was hit); returned to clients, so never secrets. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message ?? ERROR_CODES[code].message, { cause: options?.cause });
    this.name = 'FuntainerError';
    this.code = code;
    this.statusCode = ERROR_CODES[code].status;
    this.details = options?.details;
  }

  /** The JSON body every component returns for a platform error. 5xx messages from foreign errors never leak. */
  toBody(callId?: string): { code: ErrorCode; message: string; statusCode: number; callId?: string } & Record<string, unknown> {
    return { code: this.code, message: this.message, statusCode: this.statusCode, ...this.details, ...(callId ? { callId } : {}) };
  }
}

export function isFuntainerError(err: unknown): err is FuntainerError {
  return err instanceof FuntainerError;
}

/** Wraps anything thrown into a FuntainerError; unknown errors become INTERNAL with a generic message. */
export function toFuntainerError(err: unknown): FuntainerError {
  if (err instanceof FuntainerError) return err;
  return new FuntainerError('FUNTAINER_ERR_INTERNAL', undefined, { cause: err });
}

/** The message of anything thrown, for logs and one-line reports (a non-Error is stringified). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
