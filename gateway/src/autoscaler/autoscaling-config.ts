/**
 * Gateway environment variables of the autoscaler, scale-to-zero and scale-from-zero (lowercase snake_case like
 * the rest of the gateway). `loadAutoscalingConfig(env)` is meant to be called from main.ts next to
 * `loadConfig`; the schema is exported so the gateway's config can merge it instead.
 *
 * | variable                      | default | meaning |
 * |-------------------------------|---------|---------|
 * | autoscaler_enabled            | true    | run the built-in autoscaler (false: Alertmanager-only, OpenFaaS CE style) |
 * | autoscaler_interval           | 2s      | tick period |
 * | autoscaler_metrics_source     | (auto)  | `prometheus` or `local`; auto = prometheus when prometheus_url is set |
 * | prometheus_url                | (none)  | e.g. http://prometheus:9090 |
 * | autoscaler_query_timeout      | 1s      | bound on each PromQL query |
 * | autoscaler_stable_window      | 60s     | averaging window for normal decisions |
 * | autoscaler_panic_window       | 6s      | window for burst detection (≥ 2 scrape intervals) |
 * | autoscaler_panic_threshold    | 2       | panic when burst load ≥ this × current capacity (integer, %/100) |
 * | autoscaler_scale_down_delay   | 30s     | lower desired must hold this long before replicas are removed |
 * | zero_remove_after             | 30m     | paused this long (after zero-duration idle) → replicas removed |
 * | autoscaler_lease_ttl          | 10s     | Redis leader lease lifetime (used only when the gateway has Redis) |
 * | scale_from_zero_max_waiting   | 1000    | requests parked per function for a ready replica (each until ready_timeout); beyond, 503 NO_REPLICA wait-queue-full at once |
 * | autoscaler_manual_hold        | 5m      | a manual scale-function holds this long against the autoscaler (0: until the next tick) |
 */
import { z } from 'zod';
import { envBoolean, envDurationMs, envInt, parseEnv } from '@funtainer/core/env';
import { DEFAULT_MAX_WAITING_PER_FUNCTION } from '../functions/function-route.js';

const optionalUrl = z.string().optional().transform((v, ctx) => {
  if (v === undefined || v.trim() === '') return undefined;
  if (!URL.canParse(v.trim())) {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as http://prometheus:9090' });
    return z.NEVER;
  }
  return v.trim();
});

export const AutoscalingEnvSchema = z
  .object({
    autoscaler_enabled: envBoolean(true),
    autoscaler_interval: envDurationMs('2s'),
    autoscaler_metrics_source: z.enum(['prometheus', 'local']).optional(),
    prometheus_url: optionalUrl,
    autoscaler_query_timeout: envDurationMs('1s'),
    autoscaler_stable_window: envDurationMs('60s'),
    autoscaler_panic_window: envDurationMs('6s'),
    autoscaler_panic_threshold: envInt(2, { min: 1, max: 100 }),
    autoscaler_scale_down_delay: envDurationMs('30s'),
    zero_remove_after: envDurationMs('30m'),
    autoscaler_lease_ttl: envDurationMs('10s'),
    scale_from_zero_max_waiting: envInt(DEFAULT_MAX_WAITING_PER_FUNCTION, { min: 1 }),
    autoscaler_manual_hold: envDurationMs('5m'),
  })
  .superRefine((env, ctx) => {
    if (env.autoscaler_metrics_source === 'prometheus' && env.prometheus_url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['prometheus_url'], message: 'is required when autoscaler_metrics_source=prometheus' });
    }
    if (env.autoscaler_interval <= 0) ctx.addIssue({ code: 'custom', path: ['autoscaler_interval'], message: 'must be > 0' });
    if (env.autoscaler_panic_window >= env.autoscaler_stable_window) {
      ctx.addIssue({ code: 'custom', path: ['autoscaler_panic_window'], message: 'must be shorter than autoscaler_stable_window' });
    }
    if (env.autoscaler_lease_ttl < 2 * env.autoscaler_interval) {
      ctx.addIssue({ code: 'custom', path: ['autoscaler_lease_ttl'], message: 'must be at least twice autoscaler_interval (the lease is renewed every tick)' });
    }
  })
  .transform((env) => ({
    enabled: env.autoscaler_enabled,
    intervalMs: env.autoscaler_interval,
    metricsSource: env.autoscaler_metrics_source ?? (env.prometheus_url ? ('prometheus' as const) : ('local' as const)),
    prometheusUrl: env.prometheus_url,
    queryTimeoutMs: env.autoscaler_query_timeout,
    windows: { stableWindowMs: env.autoscaler_stable_window, panicWindowMs: env.autoscaler_panic_window },
    policy: { panicThreshold: env.autoscaler_panic_threshold, panicHoldMs: env.autoscaler_stable_window, scaleDownDelayMs: env.autoscaler_scale_down_delay },
    zeroRemoveAfterMs: env.zero_remove_after,
    leaseTtlMs: env.autoscaler_lease_ttl,
    maxWaitersPerFunction: env.scale_from_zero_max_waiting,
    manualHoldMs: env.autoscaler_manual_hold,
  }));

export type AutoscalingConfig = z.output<typeof AutoscalingEnvSchema>;

export function loadAutoscalingConfig(env: Record<string, string | undefined>): Readonly<AutoscalingConfig> {
  return parseEnv(AutoscalingEnvSchema, env);
}
