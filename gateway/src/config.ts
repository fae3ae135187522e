/**
 * Gateway configuration from environment variables. OpenFaaS' lowercase names are kept where OpenFaaS has one
 * (read_timeout, upstream_timeout, basic_auth, secret_mount_path, function_namespace …) so existing compose
 * files carry over; the rest are ours. Parsed once in main.ts, every problem reported at once, then frozen.
 * Every variable is documented in gateway/README.md.
 */
import { z } from 'zod';
import { AsyncQueueNameSchema } from '@funtainer/core/async-queue';
import { callbackPolicyEnvShape, callbackPolicyFromEnv } from '@funtainer/core/callback-policy-env';
import { envBoolean, envDurationMs, envInt, parseEnv } from '@funtainer/core/env';
import { FuntainerError } from '@funtainer/core/errors';
import { DEFAULT_NAMESPACE, isValidName } from '@funtainer/core/names';
import { IMAGE_PULL_POLICIES } from './provider/docker/image-policy.js';

/** Which engine runs the functions: one Docker host, or a Docker Swarm (its manager's API). */
export const PROVIDERS = ['docker', 'swarm'] as const;
export type ProviderKind = (typeof PROVIDERS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const optionalString = z.string().optional().transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** `a, b ,` → ['a', 'b']. */
const commaList = z.string().default('').transform((v) => v.split(',').map((r) => r.trim()).filter((r) => r !== ''));

export const GatewayEnvSchema = z
  .object({
    port: envInt(8080, { min: 0, max: 65535 }),
    metrics_port: envInt(8082, { min: 0, max: 65535 }),
    // Loopback unless told otherwise: a gateway on the host must not be reachable from function containers (or the
    // LAN) by accident; containers (docker-compose) set 0.0.0.0 explicitly.
    bind_address: z.string().default('127.0.0.1'),
    // Defaults follow the OpenFaaS Helm chart (65/65/60) so a function may use the whole upstream_timeout
    // while staying strictly below write_timeout (the documented exec ≤ upstream < write rule).
    read_timeout: envDurationMs('65s'),
    write_timeout: envDurationMs('65s'),
    upstream_timeout: envDurationMs('60s'),
    ready_timeout: envDurationMs('10s'),
    basic_auth: envBoolean(true),
    basic_auth_user: optionalString,
    basic_auth_password: optionalString,
    secret_mount_path: z.string().default('/run/secrets/'),
    state_dir: z.string().default('.funtainer'),
    function_namespace: z.string().default(DEFAULT_NAMESPACE).refine(isValidName, { error: 'must be a DNS-1123 label' }),
    max_idle_conns_per_host: envInt(1024, { min: 1 }),
    max_body_bytes: envInt(64 * 1024 * 1024),
    max_system_body_bytes: envInt(1024 * 1024, { min: 1024 }),
    max_queue_per_function: envInt(100),
    default_max_concurrency: envInt(0),
    service_count_interval: envDurationMs('5s'),
    provider: z.enum(PROVIDERS).default('docker'),
    docker_host: optionalString,
    functions_network: z.string().default('funtainer-functions'),
    functions_scope: optionalString,
    secrets_dir: optionalString,
    log_level: z.enum(LOG_LEVELS).default('info'),
    redis_url: z.string().default('redis://127.0.0.1:6379'),
    async_enabled: envBoolean(true),
    // The same rule as the queue-worker's queue_name: a name one side accepts, the other must too.
    async_queue_name: AsyncQueueNameSchema,
    max_async_body_bytes: envInt(1024 * 1024, { min: 1 }),
    // How often every gateway repairs cron schedules against the function definitions (schedules/).
    schedule_reconcile_interval: envDurationMs('60s'),
    // How long a topic's subscriber list is reused (topics/); this gateway's own deploys refresh it at once.
    topic_subscribers_ttl: envDurationMs('2s'),
    funtainer_release: z.string().default('dev'),
    funtainer_sha: z.string().default('unknown'),
    // OpenFaaS' name and values; pulls only ever go to a registry listed in image_registries (comma-separated hosts)
    image_pull_policy: z.enum(IMAGE_PULL_POLICIES).default('IfNotPresent'),
    image_registries: commaList,
    // Of image_registries, those spoken to over plain HTTP when the Swarm provider asks them for an image (as dockerd's --insecure-registry)
    insecure_registries: commaList,
    metrics_bind_address: optionalString,
    metrics_basic_auth_user: optionalString,
    metrics_basic_auth_password: optionalString,
    metrics_basic_auth: envBoolean(false),
    gateway_container: optionalString,
    ...callbackPolicyEnvShape,
  })
  .transform((env) => ({
    port: env.port,
    metricsPort: env.metrics_port,
    bindAddress: env.bind_address,
    readTimeoutMs: env.read_timeout,
    writeTimeoutMs: env.write_timeout,
    upstreamTimeoutMs: env.upstream_timeout,
    readyTimeoutMs: env.ready_timeout,
    basicAuth: env.basic_auth,
    basicAuthUser: env.basic_auth_user,
    basicAuthPassword: env.basic_auth_password,
    secretMountPath: env.secret_mount_path,
    stateDir: env.state_dir,
    functionNamespace: env.function_namespace,
    maxConnectionsPerReplica: env.max_idle_conns_per_host,
    maxBodyBytes: env.max_body_bytes,
    maxSystemBodyBytes: env.max_system_body_bytes,
    maxQueuePerFunction: env.max_queue_per_function,
    defaultMaxConcurrency: env.default_max_concurrency,
    serviceCountIntervalMs: env.service_count_interval,
    /** docker: one engine (docker/); swarm: a service per function on a Swarm manager (swarm/). */
    provider: env.provider,
    dockerHost: env.docker_host,
    functionsNetwork: env.functions_network,
    functionsScope: env.functions_scope,
    secretsDir: env.secrets_dir,
    logLevel: env.log_level,
    redisUrl: env.redis_url,
    asyncEnabled: env.async_enabled,
    asyncQueueName: env.async_queue_name,
    maxAsyncBodyBytes: env.max_async_body_bytes,
    scheduleReconcileIntervalMs: env.schedule_reconcile_interval,
    topicSubscribersTtlMs: env.topic_subscribers_ttl,
    release: env.funtainer_release,
    sha: env.funtainer_sha,
    imagePolicy: Object.freeze({ pullPolicy: env.image_pull_policy, registries: Object.freeze(env.image_registries) }),
    insecureRegistries: Object.freeze(env.insecure_registries),
    /** The metrics server's own address (default: bind_address): e.g. only the network Prometheus scrapes on. */
    metricsBindAddress: env.metrics_bind_address ?? env.bind_address,
    metricsBasicAuthUser: env.metrics_basic_auth_user,
    metricsBasicAuthPassword: env.metrics_basic_auth_password,
    /** /metrics needs the gateway's own credentials (when no metrics_basic_auth_user/_password are set). */
    metricsBasicAuth: env.metrics_basic_auth,
    /** The gateway's container when it runs in one ('none': never join function networks); default detected. */
    gatewayContainer: env.gateway_container,
    callbackPolicy: callbackPolicyFromEnv(env),
  }));

export type GatewayConfig = Readonly<z.output<typeof GatewayEnvSchema>>;

/** Parses and cross-checks the environment; throws one CONFIG_INVALID error naming every problem. */
export function loadConfig(env: Record<string, string | undefined>): GatewayConfig {
  const config = parseEnv(GatewayEnvSchema, env);
  const problems: string[] = [];
  if (config.upstreamTimeoutMs <= 0) problems.push('upstream_timeout: must be greater than 0');
  if (config.writeTimeoutMs <= 0) problems.push('write_timeout: must be greater than 0');
  if (config.scheduleReconcileIntervalMs < 1000) problems.push('schedule_reconcile_interval: must be at least 1s');
  if ((config.basicAuthUser === undefined) !== (config.basicAuthPassword === undefined)) {
    problems.push('basic_auth_user and basic_auth_password: set both or neither');
  }
  if ((config.metricsBasicAuthUser === undefined) !== (config.metricsBasicAuthPassword === undefined)) {
    problems.push('metrics_basic_auth_user and metrics_basic_auth_password: set both or neither');
  }
  if (problems.length > 0) {
    throw new FuntainerError('FUNTAINER_ERR_CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return config;
}

/** The configuration without credentials, for the one startup log line. */
export function describeConfig(config: GatewayConfig): Record<string, unknown> {
  const { basicAuthPassword: _password, basicAuthUser: _user, metricsBasicAuthPassword: _metricsPassword, ...safe } = config;
  return { ...safe, redisUrl: withoutPassword(safe.redisUrl) };
}

/** `redis://:secret@host:6379` → `redis://:***@host:6379`: the URL is logged at startup, its password never. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable redis_url)';
  }
}
