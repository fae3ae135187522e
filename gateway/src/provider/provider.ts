/**
 * The seam between the gateway and a container engine (faas-provider's handlers, folded into one in-process
 * interface). Routes, the invocation path and the autoscaler depend on this, never on dockerode.
 *
 * Errors: implementations throw FuntainerError with FUNCTION_NOT_FOUND, FUNCTION_EXISTS, SECRET_NOT_FOUND,
 * SECRET_EXISTS, NAMESPACE_NOT_FOUND, NAMESPACE_EXISTS, NAMESPACE_NOT_EMPTY, IMAGE_PULL, INVALID_SPEC or ENGINE; foreign errors are mapped once inside the implementation.
 */
import type { FunctionDeployment, FunctionNamespace, FunctionStatus } from '@funtainer/core/contracts';
import type { FuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';

/** A ready replica the gateway may send traffic to. */
export interface Endpoint {
  /** Stable replica id (container id for Docker). */
  readonly id: string;
  /** Base URL of the replica's watchdog, e.g. `http://172.18.0.5:8080`. */
  readonly url: string;
}

export interface LogQuery {
  readonly name: string;
  readonly namespace: string;
  /** Only lines at or after this time. */
  readonly since?: Date;
  /** Last N lines (per replica); undefined = all. */
  readonly tail?: number;
  readonly follow: boolean;
  /** Aborted when the client goes away; implementations must stop streaming promptly. */
  readonly signal: AbortSignal;
}

/** One log line, OpenFaaS `/system/logs` NDJSON shape. */
export interface LogEntry {
  readonly name: string;
  readonly namespace: string;
  readonly instance: string;
  readonly timestamp: string;
  readonly text: string;
}

export interface SecretValue {
  readonly name: string;
  readonly namespace: string;
  /** Raw bytes of the secret. */
  readonly value: Buffer;
}

/** Called whenever the set of ready endpoints of a function changes (replica ready, drained, removed). */
export type EndpointsListener = (fn: QualifiedName, endpoints: readonly Endpoint[]) => void;

export interface FunctionProvider {
  /** Short name reported by /system/info (e.g. `funtainer-docker`). */
  readonly name: string;
  /** Creates the function and starts its replicas (1 unless `com.openfaas.scale.min` says otherwise). */
  deploy(spec: FunctionDeployment): Promise<void>;
  /** Rolling replacement: new replicas ready before old ones are drained and removed. */
  update(spec: FunctionDeployment): Promise<void>;
  remove(fn: QualifiedName): Promise<void>;
  list(namespace: string): Promise<FunctionStatus[]>;
  get(fn: QualifiedName): Promise<FunctionStatus | undefined>;
  /** Sets the desired replica count (0 allowed: the definition is kept). Returns once the change is applied. */
  scale(fn: QualifiedName, replicas: number): Promise<void>;
  /**
   * Ready endpoints from the provider's in-memory view; synchronous because the invocation hot path calls it
   * per request. `undefined` means the function does not exist; `[]` means it exists with no ready replica.
   * Return one array until the endpoints change and a new one after (never mutate it in place): the gateway
   * then skips its comparison by identity.
   */
  endpoints(fn: QualifiedName): readonly Endpoint[] | undefined;
  /**
   * Optional, synchronous: why the function cannot get a ready replica right now (e.g. the engine refuses its
   * containers), so a request finding none fails at once with that error instead of waiting for ready_timeout.
   * Providers call endpoints listeners when it appears, so parked requests re-check it.
   */
  startFailure?(fn: QualifiedName): FuntainerError | undefined;
  /** Subscribe to endpoint changes (used to wake requests waiting for a replica). Returns an unsubscribe. */
  onEndpointsChanged(listener: EndpointsListener): () => void;
  logs(query: LogQuery): AsyncIterable<LogEntry>;
  namespaces(): Promise<string[]>;
  /** The multi-namespace API (namespaces.ts has the rules both providers share). */
  getNamespace(name: string): Promise<FunctionNamespace | undefined>;
  /** NAMESPACE_EXISTS when it exists (configured ones included). */
  createNamespace(namespace: FunctionNamespace): Promise<void>;
  /** Replaces labels and annotations; NAMESPACE_NOT_FOUND when missing. */
  updateNamespace(namespace: FunctionNamespace): Promise<void>;
  /** NAMESPACE_NOT_EMPTY while functions remain; the namespace's secrets go with it. */
  deleteNamespace(name: string): Promise<void>;
  /** Secrets: values are write-only through the API; list returns names. */
  createSecret(secret: SecretValue): Promise<void>;
  updateSecret(secret: SecretValue): Promise<void>;
  deleteSecret(ref: { name: string; namespace: string }): Promise<void>;
  listSecrets(namespace: string): Promise<string[]>;
  /** Loads existing state (after a restart) and starts background reconciliation. */
  start(): Promise<void>;
  /** Stops background work; never removes functions. Idempotent. */
  close(): Promise<void>;
}
