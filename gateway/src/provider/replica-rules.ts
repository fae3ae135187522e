/**
 * PURE rules every provider applies to a function's replicas, whatever the engine: the watchdog's port, its env
 * (timeouts, fprocess), the user it runs as and the sandbox limits that do not depend on the engine's API.
 * The Docker provider turns them into container options (docker/container-spec.ts), the Swarm provider into a
 * service spec (swarm/service-spec.ts), so the two cannot drift apart.
 */
import type { FunctionDeployment } from '@funtainer/core/contracts';
import { parseDurationMs } from '@funtainer/core/env-values';
import { FuntainerError } from '@funtainer/core/errors';
import { LABELS } from '@funtainer/core/labels';

export const WATCHDOG_PORT = 8080;

/** Where OpenFaaS functions read their secrets, one file per secret. */
export const SECRETS_MOUNT_PATH = '/var/openfaas/secrets';

/** Sandbox settings shared by both providers; the engine-specific ones (limits, network) live with each. */
export const SANDBOX = Object.freeze({
  /** Log rotation of every replica: a chatty function cannot fill the node's disk. */
  logOptions: Object.freeze({ 'max-size': '10m', 'max-file': '3' }),
});

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
