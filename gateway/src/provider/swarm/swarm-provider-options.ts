/**
 * Options of the Swarm provider, with every default in one place. The sandbox defaults are the Docker provider's
 * (docker-provider-options.ts), so a function gets the same limits whichever engine runs it. Durations end in `Ms`.
 */
import type Docker from 'dockerode';
import { DEFAULT_NAMESPACE } from '@funtainer/core/names';
import type { ProviderLogger } from '../docker/docker-provider-options.js';
import { LOCAL_ONLY_IMAGE_POLICY, type ImagePolicy } from '../docker/image-policy.js';

export interface SwarmProviderOptions {
  /** A manager's API. @defaultValue `new Docker()` (DOCKER_HOST or /var/run/docker.sock) */
  readonly docker?: Docker;
  /**
   * The attachable overlay network every function's tasks join and the gateway reaches them on; created
   * (attachable, labelled) when missing. @defaultValue 'funtainer-functions'
   */
  readonly network?: string;
  /** Function timeout when the `com.funtainer.timeout` label is absent; passed to the watchdog. @defaultValue 30000 */
  readonly defaultTimeoutMs?: number;
  /** @defaultValue '256Mi' */
  readonly defaultMemory?: string;
  /** @defaultValue '1' */
  readonly defaultCpu?: string;
  /** @defaultValue 256 */
  readonly pidsLimit?: number;
  /** Size of the `/tmp` tmpfs. @defaultValue 64 MiB */
  readonly tmpfsBytes?: number;
  /** User for tasks whose image runs as root, sets no USER or is not on the manager. @defaultValue '1000:1000' */
  readonly user?: string;
  /** Deadline for a new task's watchdog to answer `/_/ready` 200 once Swarm reports it running. @defaultValue 30000 */
  readonly readyTimeoutMs?: number;
  /** Readiness probe interval for a starting task. @defaultValue 15 */
  readonly readyPollMs?: number;
  /** How long deploy/update/scale wait for the wanted tasks to serve before returning anyway. @defaultValue 60000 */
  readonly settleTimeoutMs?: number;
  /** Task polling while a function is starting, scaling or rolling. @defaultValue 250 */
  readonly fastPollMs?: number;
  /** Task polling while every function is steady. @defaultValue 2000 */
  readonly steadyPollMs?: number;
  /** Deadline for one engine call. @defaultValue 20000 */
  readonly engineTimeoutMs?: number;
  /** Deadline for pulling a missing image onto the manager. @defaultValue 120000 */
  readonly pullTimeoutMs?: number;
  /** When images are pulled (onto the manager, to read their USER), and from which registries only. @defaultValue local images only */
  readonly imagePolicy?: ImagePolicy;
  /** Registries of `imagePolicy.registries` asked over plain HTTP (as an engine's `--insecure-registry`). @defaultValue [] */
  readonly insecureRegistries?: readonly string[];
  /** Deadline for asking a registry whether it has a deployed image (registry-manifests.ts). @defaultValue 5000 */
  readonly registryTimeoutMs?: number;
  /** Task stop grace period: the watchdog's own SIGTERM drain runs inside it. @defaultValue 10 */
  readonly stopGraceSeconds?: number;
  /** Extra labels on everything the provider creates (tests label their resources for cleanup). */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** @defaultValue ['openfaas-fn'] */
  readonly namespaces?: readonly string[];
  readonly logger?: ProviderLogger;
}

export type ResolvedSwarmProviderOptions = Required<SwarmProviderOptions>;

const silentLogger: ProviderLogger = { info() {}, warn() {}, error() {} };

export async function resolveSwarmProviderOptions(options: SwarmProviderOptions): Promise<ResolvedSwarmProviderOptions> {
  // Imported lazily so modules that only need the types do not load dockerode.
  const docker = options.docker ?? new (await import('dockerode')).default();
  return {
    docker,
    network: options.network ?? 'funtainer-functions',
    defaultTimeoutMs: options.defaultTimeoutMs ?? 30_000,
    defaultMemory: options.defaultMemory ?? '256Mi',
    defaultCpu: options.defaultCpu ?? '1',
    pidsLimit: options.pidsLimit ?? 256,
    tmpfsBytes: options.tmpfsBytes ?? 64 * 1024 * 1024,
    user: options.user ?? '1000:1000',
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    readyPollMs: options.readyPollMs ?? 15,
    settleTimeoutMs: options.settleTimeoutMs ?? 60_000,
    fastPollMs: options.fastPollMs ?? 250,
    steadyPollMs: options.steadyPollMs ?? 2_000,
    engineTimeoutMs: options.engineTimeoutMs ?? 20_000,
    pullTimeoutMs: options.pullTimeoutMs ?? 120_000,
    imagePolicy: options.imagePolicy ?? LOCAL_ONLY_IMAGE_POLICY,
    insecureRegistries: options.insecureRegistries ?? [],
    registryTimeoutMs: options.registryTimeoutMs ?? 5_000,
    stopGraceSeconds: options.stopGraceSeconds ?? 10,
    extraLabels: { ...options.extraLabels },
    namespaces: options.namespaces ?? [DEFAULT_NAMESPACE],
    logger: options.logger ?? silentLogger,
  };
}
