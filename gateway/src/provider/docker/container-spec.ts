/**
 * PURE: a FunctionDeployment plus provider settings → dockerode create options for one replica container.
 * Everything security-relevant is decided here, in one testable place: read-only root (unless explicitly turned
 * off) with a size-limited tmpfs /tmp, no capabilities, no-new-privileges, a non-root user, memory/CPU/pids limits and the
 * generation's secrets directory mounted read-only at the OpenFaaS path (secret-layout.ts).
 */
import type Docker from 'dockerode';
import type { FunctionDeployment } from '@funtainer/core/contracts';
import { parseDurationMs } from '@funtainer/core/env-values';
import { FuntainerError } from '@funtainer/core/errors';
import { LABELS } from '@funtainer/core/labels';
import { parseCpuNanos, parseMemoryBytes } from '@funtainer/core/quantities';
import { replicaLabels, type ReplicaIdentity } from './labels.js';
import { secretsMounts } from './secret-layout.js';

export const WATCHDOG_PORT = 8080;

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

/** Facts about the image the container is created from (from `docker image inspect`). */
export interface ImageFacts {
  readonly user: string;
}

/** Function timeout: the `com.funtainer.timeout` label, else the provider default. Invalid label → INVALID_SPEC. */
export function functionTimeoutMs(spec: FunctionDeployment, defaultMs: number): number {
  const raw = spec.labels[LABELS.timeout];
  if (raw === undefined) return defaultMs;
  const ms = parseDurationMs(raw);
  if (ms === undefined || ms <= 0) {
    throw new FuntainerError('FUNTAINER_ERR_INVALID_SPEC', `label ${LABELS.timeout}: "${raw}" is not a positive duration (e.g. 30s, 1m, 500ms)`);
  }
  return ms;
}

export function containerName(identity: ReplicaIdentity): string {
  return `${identity.namespace}-${identity.name}-g${identity.generation}-r${identity.slot}`;
}

/**
 * Watchdog env: platform defaults, then the user's envVars, then `fprocess` from envProcess. When the timeout
 * label is set it wins over hand-written watchdog timeouts, because the gateway enforces the same value.
 */
export function containerEnv(spec: FunctionDeployment, defaultTimeoutMs: number): string[] {
  const timeout = `${functionTimeoutMs(spec, defaultTimeoutMs)}ms`;
  const timeouts = { exec_timeout: timeout, read_timeout: timeout, write_timeout: timeout };
  const labelSet = spec.labels[LABELS.timeout] !== undefined;
  const env: Record<string, string> = {
    ...timeouts,
    // The gateway has already drained a replica before stopping it, so the watchdog need not wait long on SIGTERM.
    healthcheck_interval: '1s',
    ...spec.envVars,
    ...(labelSet ? timeouts : {}),
  };
  if (spec.envProcess !== undefined) env['fprocess'] = spec.envProcess;
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

/** The image's USER when it is a non-root user, else the configured one. */
export function effectiveUser(image: ImageFacts, fallback: string): string {
  const user = image.user.trim();
  if (user === '' || /^(root|0)(:.*)?$/.test(user)) return fallback;
  return user;
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
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      Mounts: secretsMounts(spec, { ...identity, scope: settings.scope }, settings.secretsHostDir),
    },
    // No DNS alias: only the function's own replicas and the gateway share this network, and the gateway uses IPs.
    NetworkingConfig: { EndpointsConfig: { [settings.network]: {} } },
  };
}
