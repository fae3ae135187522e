/**
 * Per-function retry and timeout settings, read from the function's labels via the gateway's
 * `GET /system/function/<name>?namespace=<ns>` and cached briefly, so a label change applies within one TTL
 * without a gateway round trip per job. Lookup failures fall back to the worker's defaults: an unreachable
 * /system API must not stop async invocations.
 */
import { request } from 'undici';
import { parseDurationMs } from '@funtainer/core/env-values';
import { isPrivateFunction } from '@funtainer/core/function-policy';
import { LABELS } from '@funtainer/core/labels';
import { retryLabelValues } from '@funtainer/core/retry-labels';
import type { RetryDefaults } from './config.js';
import type { RetrySettings } from './retry-policy.js';

export interface FunctionSettings {
  readonly retry: RetrySettings;
  readonly invokeTimeoutMs: number;
  /**
   * Sent when invoking: the worker's gateway credentials, only for private functions (the gateway checks them and
   * strips them before the function sees the request). Callers' credentials are never stored with a job.
   */
  readonly invokeAuthorization?: string | undefined;
}

export interface FunctionSettingsSource {
  get(fn: string, namespace: string): Promise<FunctionSettings>;
}

export interface FunctionSettingsOptions {
  readonly gatewayUrl: string;
  readonly credentials: { user: string; password: string } | undefined;
  readonly defaults: RetryDefaults;
  readonly invokeTimeoutMs: number;
  readonly ttlMs: number;
  /** Bound on the lookup itself; the invocation waits for it. */
  readonly lookupTimeoutMs?: number;
  readonly now?: () => number;
  readonly onLookupError?: (fn: string, err: unknown) => void;
}

/** PURE: labels (possibly absent or malformed) → effective settings; a bad label value keeps the default. */
export function settingsFromLabels(labels: Record<string, string> | undefined, defaults: RetryDefaults, invokeTimeoutMs: number): FunctionSettings {
  // The retry labels are read by the one rule the gateway validates them with at deploy (core/retry-labels.ts).
  const asked = retryLabelValues(labels);
  const minWaitMs = asked.minWaitMs ?? defaults.minWaitMs;
  const rawTimeout = labels?.[LABELS.timeout];
  const timeoutMs = rawTimeout === undefined ? undefined : parseDurationMs(rawTimeout);
  return {
    retry: {
      attempts: asked.attempts ?? defaults.attempts,
      codes: asked.codes ?? defaults.codes,
      minWaitMs,
      maxWaitMs: Math.max(minWaitMs, asked.maxWaitMs ?? defaults.maxWaitMs),
    },
    invokeTimeoutMs: timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : invokeTimeoutMs,
  };
}

/** The `Authorization` value for the gateway's /system API (also used by the topic stream source). */
export function gatewayAuthorization(credentials: { user: string; password: string } | undefined): string | undefined {
  return credentials ? `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}` : undefined;
}

export function createFunctionSettingsSource(options: FunctionSettingsOptions): FunctionSettingsSource {
  const now = options.now ?? Date.now;
  // Entries hold the promise, so concurrent jobs of one function share a single lookup.
  const cache = new Map<string, { expiresAt: number; settings: Promise<FunctionSettings> }>();
  const authorization = gatewayAuthorization(options.credentials);

  async function lookup(fn: string, namespace: string): Promise<FunctionSettings> {
    try {
      const url = `${options.gatewayUrl}/system/function/${encodeURIComponent(fn)}?namespace=${encodeURIComponent(namespace)}`;
      const timeout = options.lookupTimeoutMs ?? 2000;
      const res = await request(url, { headers: authorization ? { authorization } : {}, headersTimeout: timeout, bodyTimeout: timeout });
      if (res.statusCode !== 200) {
        await res.body.dump();
        if (res.statusCode !== 404) options.onLookupError?.(fn, new Error(`status ${res.statusCode}`));
        return settingsFromLabels(undefined, options.defaults, options.invokeTimeoutMs);
      }
      const status = (await res.body.json()) as { labels?: unknown };
      const labels = typeof status.labels === 'object' && status.labels !== null ? (status.labels as Record<string, string>) : undefined;
      const settings = settingsFromLabels(labels, options.defaults, options.invokeTimeoutMs);
      // The gateway's own policy (core/function-policy.ts): credentials go exactly where it will demand them.
      return isPrivateFunction(labels) ? { ...settings, invokeAuthorization: authorization } : settings;
    } catch (err) {
      options.onLookupError?.(fn, err);
      return settingsFromLabels(undefined, options.defaults, options.invokeTimeoutMs);
    }
  }

  return {
    get(fn, namespace) {
      const key = `${fn}.${namespace}`;
      const hit = cache.get(key);
      if (hit && hit.expiresAt > now()) return hit.settings;
      const settings = lookup(fn, namespace);
      cache.set(key, { expiresAt: now() + options.ttlMs, settings });
      return settings;
    },
  };
}
