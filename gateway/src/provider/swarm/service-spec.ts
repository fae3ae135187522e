/**
 * PURE: a stored function definition plus provider settings → the Swarm service spec that runs it, and back.
 * The service is the definition: its labels carry the whole FunctionDeployment exactly as the Docker provider's
 * definition volumes do (docker/labels.ts), plus the user's labels (OpenFaaS `com.openfaas.*` included), so a
 * restarted or second gateway finds everything in Swarm. The sandbox is decided here in one testable place;
 * what Swarm cannot express is named by sandbox-gaps.ts, never silently dropped.
 */
import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import type { QualifiedName } from '@funtainer/core/names';
import { parseCpuNanos, parseMemoryBytes } from '@funtainer/core/quantities';
import { containerEnv, effectiveUser, SANDBOX, SECRETS_MOUNT_PATH, type ImageFacts } from '../replica-rules.js';
import { CONTAINER_LABELS, definitionLabels, parseDefinitionLabels, type StoredDefinition } from '../docker/labels.js';

export interface ServiceSettings {
  /** The attachable overlay network the tasks join. */
  readonly network: string;
  readonly defaultTimeoutMs: number;
  readonly defaultMemory: string;
  readonly defaultCpu: string;
  readonly pidsLimit: number;
  readonly tmpfsBytes: number;
  /** Used unless the image declares a non-root USER. */
  readonly user: string;
  readonly stopGraceSeconds: number;
  /** The provider's scope labels: on the service and on its containers. */
  readonly extraLabels: Readonly<Record<string, string>>;
  /** Appended to service names so scopes sharing a swarm never collide. */
  readonly nameSuffix: string;
}

/** A secret the function lists, as the Swarm secret that holds its current value (swarm-secrets.ts). */
export interface SecretBinding {
  readonly name: string;
  readonly secretId: string;
  readonly secretName: string;
}

/** What the provider reads back from a service. */
export interface ObservedService {
  readonly id: string;
  /** Swarm's object version: every update must name the one it read. */
  readonly version: number;
  readonly definition: StoredDefinition;
}

/** The parts of `docker service inspect` the provider reads. */
export interface ServiceInfo {
  readonly ID: string;
  readonly Version?: { readonly Index?: number };
  readonly Spec?: Docker.ServiceSpec;
}

const MAX_SERVICE_NAME = 63;
const NS = 1e9;

/** `<namespace>-<name><suffix>`; a name Swarm would refuse as too long keeps its start and gets a hash. */
export function serviceName(fn: QualifiedName, nameSuffix: string): string {
  const full = `${fn.namespace}-${fn.name}${nameSuffix}`;
  if (full.length <= MAX_SERVICE_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 10);
  return `${full.slice(0, MAX_SERVICE_NAME - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** Label filters that select this scope's function services (and one function's, given `fn`). */
export function serviceFilters(extraLabels: Readonly<Record<string, string>>, fn?: QualifiedName): string[] {
  const scope = Object.entries(extraLabels).map(([k, v]) => `${k}=${v}`);
  const which = fn ? [`${CONTAINER_LABELS.function}=${fn.name}`, `${CONTAINER_LABELS.namespace}=${fn.namespace}`] : [CONTAINER_LABELS.function];
  return [...scope, ...which];
}

export function buildServiceSpec(definition: StoredDefinition, image: ImageFacts, secrets: readonly SecretBinding[], settings: ServiceSettings): Docker.ServiceSpec {
  const { spec } = definition;
  const fn = { name: spec.service, namespace: spec.namespace ?? '' };
  const identity = { [CONTAINER_LABELS.function]: fn.name, [CONTAINER_LABELS.namespace]: fn.namespace };
  return {
    Name: serviceName(fn, settings.nameSuffix),
    Labels: definitionLabels(definition, { ...spec.labels, ...settings.extraLabels, ...identity }),
    TaskTemplate: {
      ContainerSpec: {
        Image: spec.image,
        Hostname: fn.name,
        User: effectiveUser(image, settings.user),
        Env: containerEnv(spec, settings.defaultTimeoutMs),
        // The generation label differs on every update, so Swarm replaces the tasks even when nothing else changed.
        Labels: { ...spec.labels, ...settings.extraLabels, ...identity, [CONTAINER_LABELS.generation]: String(definition.generation) },
        // Read-only unless the deployment explicitly asks otherwise (the same rule as docker/container-spec.ts).
        ReadOnly: spec.readOnlyRootFilesystem !== false,
        // Swarm mounts tmpfs with nosuid,nodev,noexec: a little stricter than the Docker provider's /tmp.
        Mounts: [{ Type: 'tmpfs', Source: '', Target: '/tmp', TmpfsOptions: { SizeBytes: settings.tmpfsBytes, Mode: 0o1777 } }],
        CapabilityDrop: ['ALL'],
        // Asked for although Docker < 25 (API 1.44) drops it: sandbox-gaps.ts reports that, and a newer engine applies it.
        Privileges: { NoNewPrivileges: true } as Docker.ContainerSpec['Privileges'],
        Secrets: secrets.map((s) => ({
          SecretID: s.secretId, SecretName: s.secretName,
          // 0444: the task may run as the image's USER, which the gateway cannot map to a uid (as docker/secret-mounts.ts).
          File: { Name: `${SECRETS_MOUNT_PATH}/${s.name}`, UID: '0', GID: '0', Mode: 0o444 },
        })),
        StopGracePeriod: settings.stopGraceSeconds * NS,
      },
      Resources: {
        Limits: {
          MemoryBytes: parseMemoryBytes(spec.limits?.memory ?? settings.defaultMemory),
          NanoCPUs: parseCpuNanos(spec.limits?.cpu ?? settings.defaultCpu),
          Pids: settings.pidsLimit,
        },
      },
      // Swarm replaces a crashed task itself; the delay keeps a crash-looping function from spinning.
      RestartPolicy: { Condition: 'any', Delay: NS, MaxAttempts: 0 } as Docker.TaskRestartPolicy,
      Placement: { Constraints: [...spec.constraints] },
      Networks: [{ Target: settings.network }],
      LogDriver: { Name: 'json-file', Options: { ...SANDBOX.logOptions } },
    },
    Mode: { Replicated: { Replicas: definition.replicas } },
    // A rolling update starts each new task before stopping an old one; a failing rollout stops where it is
    // (a rollback would also roll back the definition stored in the labels).
    UpdateConfig: { Parallelism: 1, Order: 'start-first', FailureAction: 'pause', Delay: 0, Monitor: NS },
    RollbackConfig: { Parallelism: 1, Order: 'start-first', FailureAction: 'pause', Delay: 0, Monitor: NS },
    // No virtual IP: the gateway balances over the tasks' own addresses (task-view.ts).
    EndpointSpec: { Mode: 'dnsrr' },
  };
}

/** undefined when the service is not a (valid) function of ours; the caller skips it. */
export function parseService(info: ServiceInfo): ObservedService | undefined {
  const parsed = parseDefinitionLabels(info.Spec?.Labels);
  if (!parsed) return undefined;
  // The service's replica count is the truth (`docker service scale` by hand included); the label follows it.
  const replicas = info.Spec?.Mode?.Replicated?.Replicas ?? parsed.replicas;
  return { id: info.ID, version: info.Version?.Index ?? 0, definition: { ...parsed, replicas } };
}
