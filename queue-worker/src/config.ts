/**
 * Queue-worker configuration: lower-case snake_case environment variables (the OpenFaaS style), parsed once
 * by main.ts into a frozen object. Durations are milliseconds inside the code (`…Ms`).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { CallbackPolicy } from '@funtainer/core/callback-policy';
import { callbackPolicyEnvShape, callbackPolicyFromEnv } from '@funtainer/core/callback-policy-env';
import { ASYNC_ATTEMPTS_CEILING, AsyncQueueNameSchema, callbackQueueName } from '@funtainer/core/async-queue';
import { envDurationMs, envInt, parseEnv } from '@funtainer/core/env';
import { FuntainerError } from '@funtainer/core/errors';
import { DEFAULT_TOPIC_STREAM_PREFIX, isValidTopicName } from '@funtainer/core/topics';

/** HTTP statuses retried by default: the OpenFaaS Pro worker's `httpRetryCodes`. */
export const DEFAULT_RETRY_CODES = [408, 429, 500, 502, 503, 504] as const;

const statusList = z
  .string()
  .default(DEFAULT_RETRY_CODES.join(','))
  .transform((raw, ctx) => {
    const codes = raw.split(',').map((part) => part.trim()).filter(Boolean).map(Number);
    if (codes.some((code) => !Number.isInteger(code) || code < 100 || code > 599)) {
      ctx.addIssue({ code: 'custom', message: `"${raw}" is not a comma-separated list of HTTP status codes` });
      return z.NEVER;
    }
    return codes;
  });

const topicList = z
  .string()
  .default('')
  .transform((raw, ctx) => {
    const topics = [...new Set(raw.split(',').map((part) => part.trim()).filter(Boolean))];
    const bad = topics.filter((topic) => !isValidTopicName(topic));
    if (bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `${bad.map((b) => JSON.stringify(b)).join(', ')}: not topic names (letters, digits and . _ -, at most 100 characters)` });
      return z.NEVER;
    }
    return topics;
  });

const httpUrl = (fallback: string) => z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(fallback);

export const ConfigSchema = z
  .object({
    redis_url: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).default('redis://127.0.0.1:6379'),
    queue_name: AsyncQueueNameSchema,
    gateway_url: httpUrl('http://127.0.0.1:8080'),
    concurrency: envInt(50, { min: 1, max: 10_000 }),
    max_per_function: envInt(10, { min: 1, max: 10_000 }),
    invoke_timeout: envDurationMs('60s'),
    // Calls deferred while the gateway is unreachable keep their retries for this long, then count attempts again.
    gateway_outage_max_wait: envDurationMs('15m'),
    callback_timeout: envDurationMs('10s'),
    callback_attempts: envInt(5, { min: 1, max: 100 }),
    callback_min_wait: envDurationMs('1s'),
    // Bounded by the job's attempts ceiling: a larger default could never take effect.
    retry_attempts: envInt(5, { min: 1, max: ASYNC_ATTEMPTS_CEILING }),
    retry_codes: statusList,
    retry_min_wait: envDurationMs('1s'),
    retry_max_wait: envDurationMs('120s'),
    /** How long a job stays locked without renewal before another worker may take it over (after a crash). */
    lock_duration: envDurationMs('30s'),
    shutdown_timeout: envDurationMs('30s'),
    settings_cache_ttl: envDurationMs('5s'),
    metrics_port: envInt(8083, { min: 0, max: 65_535 }),
    basic_auth_user: z.string().optional(),
    basic_auth_password: z.string().optional(),
    basic_auth_user_file: z.string().optional(),
    basic_auth_password_file: z.string().optional(),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // loopback unless told otherwise (docker-compose sets 0.0.0.0 for Prometheus)
    metrics_bind_address: z.string().default('127.0.0.1'),
    // Topic streams this worker reads (Redis Streams source of topic events): stream key = prefix + topic.
    topic_streams: topicList,
    topic_stream_prefix: z.string().default(DEFAULT_TOPIC_STREAM_PREFIX),
    // Unique per process in the consumer group; the default is unique per host and process.
    topic_consumer: z.string().min(1).max(200).optional(),
    // Entries pending this long (their consumer died, or the gateway refused them for now) are taken over.
    topic_claim_idle: envDurationMs('30s'),
    ...callbackPolicyEnvShape,
  })
  .refine((c) => c.retry_min_wait <= c.retry_max_wait, { error: 'retry_min_wait must not exceed retry_max_wait', path: ['retry_min_wait'] })
  .refine((c) => c.max_per_function <= c.concurrency, { error: 'max_per_function must not exceed concurrency', path: ['max_per_function'] });

export interface WorkerConfig {
  readonly redisUrl: string;
  readonly queueName: string;
  readonly callbackQueueName: string;
  readonly gatewayUrl: string;
  readonly concurrency: number;
  readonly maxPerFunction: number;
  readonly invokeTimeoutMs: number;
  readonly callbackTimeoutMs: number;
  readonly callbackAttempts: number;
  readonly callbackMinWaitMs: number;
  readonly retry: RetryDefaults;
  readonly lockDurationMs: number;
  readonly shutdownTimeoutMs: number;
  readonly settingsCacheTtlMs: number;
  readonly metricsPort: number;
  /** `user:password` for the gateway's /system API, when configured. */
  readonly gatewayCredentials: { user: string; password: string } | undefined;
  readonly logLevel: string;
  /** How long one call may wait out a gateway outage before its attempts count again (gateway-outage.ts). */
  readonly gatewayOutageMaxWaitMs: number;
  readonly metricsBindAddress: string;
  /** Where callbacks may connect (`callback_allow_private`, `callback_allow_cidrs`, `callback_deny_cidrs`). */
  readonly callbackPolicy: CallbackPolicy;
  /** Redis Streams topic source (topic-stream-consumer.ts); no streams = not started. */
  readonly topicStreams: ReadonlyArray<{ readonly topic: string; readonly key: string }>;
  readonly topicConsumer: string;
  readonly topicClaimIdleMs: number;
}

export interface RetryDefaults {
  readonly attempts: number;
  readonly codes: readonly number[];
  readonly minWaitMs: number;
  readonly maxWaitMs: number;
}

type ReadFile = (path: string) => string;

/** Parses the environment; `readFile` is injectable so tests need no files for the `*_file` variants. */
export function loadConfig(env: Record<string, string | undefined>, readFile: ReadFile = (p) => readFileSync(p, 'utf8')): WorkerConfig {
  const raw = parseEnv(ConfigSchema, env);
  return Object.freeze({
    redisUrl: raw.redis_url,
    queueName: raw.queue_name,
    callbackQueueName: callbackQueueName(raw.queue_name),
    gatewayUrl: raw.gateway_url.replace(/\/+$/, ''),
    concurrency: raw.concurrency,
    maxPerFunction: raw.max_per_function,
    invokeTimeoutMs: raw.invoke_timeout,
    callbackTimeoutMs: raw.callback_timeout,
    callbackAttempts: raw.callback_attempts,
    callbackMinWaitMs: raw.callback_min_wait,
    retry: Object.freeze({ attempts: raw.retry_attempts, codes: Object.freeze([...raw.retry_codes]), minWaitMs: raw.retry_min_wait, maxWaitMs: raw.retry_max_wait }),
    lockDurationMs: raw.lock_duration,
    shutdownTimeoutMs: raw.shutdown_timeout,
    settingsCacheTtlMs: raw.settings_cache_ttl,
    metricsPort: raw.metrics_port,
    gatewayCredentials: readCredentials(raw, readFile),
    logLevel: raw.log_level,
    gatewayOutageMaxWaitMs: raw.gateway_outage_max_wait,
    metricsBindAddress: raw.metrics_bind_address,
    callbackPolicy: callbackPolicyFromEnv(raw),
    topicStreams: Object.freeze(raw.topic_streams.map((topic) => Object.freeze({ topic, key: `${raw.topic_stream_prefix}${topic}` }))),
    topicConsumer: raw.topic_consumer ?? `${hostname()}-${process.pid}`,
    topicClaimIdleMs: raw.topic_claim_idle,
  });
}

function readCredentials(raw: z.output<typeof ConfigSchema>, readFile: ReadFile): WorkerConfig['gatewayCredentials'] {
  try {
    const user = raw.basic_auth_user ?? (raw.basic_auth_user_file ? readFile(raw.basic_auth_user_file).trim() : undefined);
    const password = raw.basic_auth_password ?? (raw.basic_auth_password_file ? readFile(raw.basic_auth_password_file).trim() : undefined);
    if (user === undefined && password === undefined) return undefined;
    if (!user || password === undefined) {
      throw new FuntainerError('FUNTAINER_ERR_CONFIG_INVALID', 'invalid configuration:\n  basic_auth_user and basic_auth_password must be set together');
    }
    return { user, password };
  } catch (err) {
    if (err instanceof FuntainerError) throw err;
    throw new FuntainerError('FUNTAINER_ERR_CONFIG_INVALID', 'invalid configuration:\n  a basic_auth_*_file could not be read', { cause: err });
  }
}
