/**
 * PURE: a FunctionDeployment plus provider settings → dockerode create options for one replica container.
 * Everything security-relevant is decided here, in one testable place: read-only root (unless explicitly turned
 * off) with a size-limited tmpfs /tmp, no capabilities, no-new-privileges, a non-root user, memory/CPU/pids limits and the
 * generation's secrets directory mounted read-only at the OpenFaaS path (secret-layout.ts).
 */
import type Docker from 'dockerode';
import type { FunctionDeployment } from '@funtainer/core/contracts';
import { parseCpuNanos, parseMemoryBytes } from '@funtainer/core/quantities';
import { containerEnv, effectiveUser, SANDBOX, WATCHDOG_PORT, type ImageFacts } from '../replica-rules.js';
import { replicaLabels, type ReplicaIdentity } from './labels.js';
import { secretsMounts } from './secret-layout.js';

export interface ContainerSettings {
  /** The replica's network: its function's own (functions-network.ts); the engine passes the name. */
  readonly network: string;
  readonly secretsHostDir: string;
  /** The provider's scope id: secret directories are per scope, as container names are. */
  readonly scope: string;
  readonly defaultTimeoutMs: number;
  readonly defaultMemory: string;
  readonly defaultCpu: string;
  readonly pidsLimit: number;
  readonly tmpfsSize: string;
  /** Used unless the image declares a non-root USER. */
  readonly user: string;
  readonly extraLabels: Readonly<Record<string, string>>;
}

export function containerName(identity: ReplicaIdentity): string {
  return `${identity.namespace}-${identity.name}-g${identity.generation}-r${identity.slot}`;
}

export function buildContainerCreateOptions(
  spec: FunctionDeployment,
  identity: ReplicaIdentity,
  image: ImageFacts,
  settings: ContainerSettings,
): Docker.ContainerCreateOptions {
  const memory = parseMemoryBytes(spec.limits?.memory ?? settings.defaultMemory);
  const nanoCpus = parseCpuNanos(spec.limits?.cpu ?? settings.defaultCpu);
  return {
    name: containerName(identity),
    Image: spec.image,
    Hostname: identity.name,
    User: effectiveUser(image, settings.user),
    Env: containerEnv(spec, settings.defaultTimeoutMs),
    Labels: replicaLabels(identity, spec.labels, settings.extraLabels),
    ExposedPorts: { [`${WATCHDOG_PORT}/tcp`]: {} },
    HostConfig: {
      NetworkMode: settings.network,
      RestartPolicy: { Name: 'no' },
      // Read-only unless the deployment asks otherwise: faas-cli omits the field when false, so only an explicit
      // `readonly_root_filesystem: false` (stack.yml, our CLI, the API) opens the root filesystem for writing.
      ReadonlyRootfs: spec.readOnlyRootFilesystem !== false,
      Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${settings.tmpfsSize}` },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      Memory: memory,
      MemorySwap: memory, // no swap beyond the limit: a function over its memory is OOM-killed, not slowed down
      NanoCpus: nanoCpus,
      PidsLimit: settings.pidsLimit,
      LogConfig: { Type: 'json-file', Config: { ...SANDBOX.logOptions } },
      Mounts: secretsMounts(spec, { ...identity, scope: settings.scope }, settings.secretsHostDir),
    },
    // No DNS alias: only the function's own replicas and the gateway share this network, and the gateway uses IPs.
    NetworkingConfig: { EndpointsConfig: { [settings.network]: {} } },
  };
}
