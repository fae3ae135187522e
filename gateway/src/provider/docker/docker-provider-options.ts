/**
 * Options of the Docker provider, with every default in one place. Durations end in `Ms`; all of them are
 * deadlines or intervals, so nothing the provider waits for is unbounded.
 */
import type Docker from 'dockerode';
import { DEFAULT_NAMESPACE } from '@funtainer/core/names';
import { LOCAL_ONLY_IMAGE_POLICY, type ImagePolicy } from './image-policy.js';

export interface ProviderLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DockerProviderOptions {
  /** @defaultValue `new Docker()` (DOCKER_HOST or /var/run/docker.sock) */
  readonly docker?: Docker;
  /**
   * Prefix of the per-function bridge networks (`<network>-<namespace>-<name>`, functions-network.ts); each is
   * created (labelled) before the function's first replica and removed with the function. @defaultValue 'funtainer-functions'
   */
  readonly network?: string;
  /** Where the gateway writes secret files. @defaultValue '/var/lib/funtainer/secrets' */
  readonly secretsDir?: string;
  /** The same directory as the Docker daemon sees it (differs when the gateway itself runs in a container). @defaultValue secretsDir */
  readonly secretsHostDir?: string;
  /** Function timeout when the `com.funtainer.timeout` label is absent; passed to the watchdog. @defaultValue 30000 */
  readonly defaultTimeoutMs?: number;
  /** @defaultValue '256Mi' */
  readonly defaultMemory?: string;
  /** @defaultValue '1' */
  readonly defaultCpu?: string;
  /** @defaultValue 256 */
  readonly pidsLimit?: number;
  /** @defaultValue '64m' */
  readonly tmpfsSize?: string;
  /** User for containers whose image runs as root (or sets no USER). @defaultValue '1000:1000' */
  readonly user?: string;
  /** Max replica create/start operations in flight at once. @defaultValue 4 */
  readonly launchConcurrency?: number;
  /** Deadline for a new replica's watchdog to answer `/_/ready` 200. @defaultValue 30000 */
  readonly readyTimeoutMs?: number;
  /** Readiness poll interval. @defaultValue 15 */
  readonly readyPollMs?: number;
  /** Deadline for one engine call (create, start, inspect, remove…). @defaultValue 20000 */
  readonly engineTimeoutMs?: number;
  /** Deadline for pulling a missing image. @defaultValue 120000 */
  readonly pullTimeoutMs?: number;
  /** When images are pulled, and from which registries only. @defaultValue local images only, no pulls */
  readonly imagePolicy?: ImagePolicy;
  /** Wait after taking a replica out of the endpoints before stopping it, when `inFlight` is not given. @defaultValue 1000 */
  readonly drainMs?: number;
  /** Upper bound for the drain when `inFlight` is given (waits until it reports 0). @defaultValue 30000 */
  readonly drainTimeoutMs?: number;
  /** Requests the gateway still has open to an endpoint id; lets a drain finish as soon as they are done. */
  readonly inFlight?: (endpointId: string) => number;
  /** `docker stop` grace period: the watchdog's own SIGTERM drain runs inside it. @defaultValue 10 */
  readonly stopGraceSeconds?: number;
  /** Periodic sweep that reloads definitions and converges every function. @defaultValue 3000 */
  readonly sweepIntervalMs?: number;
  /** Extra labels on everything the provider creates (tests label their resources for cleanup). */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** @defaultValue ['openfaas-fn'] */
  readonly namespaces?: readonly string[];
  readonly logger?: ProviderLogger;
  /**
   * The gateway's own container (id or name) when it runs in one on this engine: it joins every function network.
   * 'none' never joins. @defaultValue detected (self-container.ts)
   */
  readonly gatewayContainer?: string;
}

export type ResolvedDockerProviderOptions = Required<Omit<DockerProviderOptions, 'inFlight' | 'gatewayContainer'>> & Pick<DockerProviderOptions, 'inFlight' | 'gatewayContainer'>;

const silentLogger: ProviderLogger = { info() {}, warn() {}, error() {} };

export async function resolveDockerProviderOptions(options: DockerProviderOptions): Promise<ResolvedDockerProviderOptions> {
  // Imported lazily so modules that only need the types do not load dockerode.
  const docker = options.docker ?? new (await import('dockerode')).default();
  const secretsDir = options.secretsDir ?? '/var/lib/funtainer/secrets';
  return {
    docker,
    network: options.network ?? 'funtainer-functions',
    secretsDir,
    secretsHostDir: options.secretsHostDir ?? secretsDir,
    defaultTimeoutMs: options.defaultTimeoutMs ?? 30_000,
    defaultMemory: options.defaultMemory ?? '256Mi',
    defaultCpu: options.defaultCpu ?? '1',
    pidsLimit: options.pidsLimit ?? 256,
    tmpfsSize: options.tmpfsSize ?? '64m',
    user: options.user ?? '1000:1000',
    launchConcurrency: options.launchConcurrency ?? 4,
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    readyPollMs: options.readyPollMs ?? 15,
    engineTimeoutMs: options.engineTimeoutMs ?? 20_000,
    pullTimeoutMs: options.pullTimeoutMs ?? 120_000,
    imagePolicy: options.imagePolicy ?? LOCAL_ONLY_IMAGE_POLICY,
    drainMs: options.drainMs ?? 1_000,
    drainTimeoutMs: options.drainTimeoutMs ?? 30_000,
    inFlight: options.inFlight,
    stopGraceSeconds: options.stopGraceSeconds ?? 10,
    sweepIntervalMs: options.sweepIntervalMs ?? 3_000,
    extraLabels: { ...options.extraLabels },
    namespaces: options.namespaces ?? [DEFAULT_NAMESPACE],
    logger: options.logger ?? silentLogger,
    gatewayContainer: options.gatewayContainer,
  };
}
