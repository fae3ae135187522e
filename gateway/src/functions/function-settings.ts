/**
 * What the gateway needs to know about a function to serve it, derived from its labels: one timeout for the
 * whole call (docs/openfaas-compat.md §11: timeouts that disagree between layers are the top OpenFaaS support
 * question), a concurrency bound, and whether invoking it needs credentials. Pure functions, unit-tested.
 */
import { LABELS } from '@funtainer/core/labels';
import { formatDurationMs, parseDurationMs, parseNonNegativeInt } from '@funtainer/core/env-values';
import { isPrivateFunction, privateLabelProblem } from '@funtainer/core/function-policy';
import { retryLabelProblems } from '@funtainer/core/retry-labels';
import { parseScalingLabels } from '../autoscaler/scaling-settings.js';

export interface GatewayLimits {
  readonly upstreamTimeoutMs: number;
  readonly writeTimeoutMs: number;
  readonly defaultMaxConcurrency: number;
}

export interface FunctionSettings {
  /** Deadline for the whole upstream call (request sent → response fully received). */
  readonly timeoutMs: number;
  /** Names the limit that produced timeoutMs, e.g. `function timeout 5s` or `gateway upstream_timeout 60s`. */
  readonly timeoutLimit: string;
  /** Concurrent in-flight requests at the gateway; 0 = unbounded. */
  readonly maxConcurrency: number;
  /** Invocation requires the gateway's basic-auth credentials. */
  readonly isPrivate: boolean;
}

type Labels = Readonly<Record<string, string>> | undefined;

/** Problems with our labels, as `label: message` lines; empty when the labels are acceptable at deploy. */
export function validateFunctionLabels(labels: Labels, limits: GatewayLimits): string[] {
  const problems: string[] = [];
  const rawTimeout = labels?.[LABELS.timeout];
  if (rawTimeout !== undefined) {
    const ms = parseDurationMs(rawTimeout);
    if (ms === undefined || ms <= 0) {
      problems.push(`labels.${LABELS.timeout}: "${rawTimeout}" is not a positive duration (use 30s, 500ms or 2m)`);
    } else if (ms > limits.upstreamTimeoutMs || ms >= limits.writeTimeoutMs) {
      problems.push(
        `labels.${LABELS.timeout}: ${formatDurationMs(ms)} must be <= gateway upstream_timeout ` +
          `(${formatDurationMs(limits.upstreamTimeoutMs)}) and < gateway write_timeout (${formatDurationMs(limits.writeTimeoutMs)})`,
      );
    }
  }
  const rawConcurrency = labels?.[LABELS.maxConcurrency];
  if (rawConcurrency !== undefined && parseNonNegativeInt(rawConcurrency) === undefined) {
    problems.push(`labels.${LABELS.maxConcurrency}: "${rawConcurrency}" is not a non-negative integer`);
  }
  const privateProblem = privateLabelProblem(labels);
  if (privateProblem !== undefined) problems.push(privateProblem);
  // The async retry labels, by the rule the queue-worker applies (a bad value would otherwise be ignored there).
  problems.push(...retryLabelProblems(labels));
  // Scaling labels are checked here too so a deploy reports every label problem in one 400.
  const scaling = parseScalingLabels(labels);
  if (!scaling.ok) problems.push(...scaling.errors.map((e) => `labels.${e}`));
  return problems;
}

/**
 * Settings for serving a function. Never throws: a function deployed under older, wider gateway limits is
 * clamped to upstream_timeout (and the 504 message then names the gateway limit, not the function's).
 */
export function resolveFunctionSettings(labels: Labels, limits: GatewayLimits): FunctionSettings {
  const upstream = limits.upstreamTimeoutMs;
  const requested = labels?.[LABELS.timeout] === undefined ? undefined : parseDurationMs(labels[LABELS.timeout] as string);
  const useFunctionTimeout = requested !== undefined && requested > 0 && requested <= upstream;
  const concurrency = labels?.[LABELS.maxConcurrency] === undefined ? undefined : parseNonNegativeInt(labels[LABELS.maxConcurrency] as string);
  // The one policy the queue-worker applies too (core/function-policy.ts).
  const isPrivate = isPrivateFunction(labels);
  return {
    timeoutMs: useFunctionTimeout ? requested : upstream,
    timeoutLimit: useFunctionTimeout ? `function timeout ${formatDurationMs(requested)}` : `gateway upstream_timeout ${formatDurationMs(upstream)}`,
    maxConcurrency: concurrency ?? limits.defaultMaxConcurrency,
    isPrivate,
  };
}

/** Settings for a function whose labels are not known yet: the gateway's own defaults. */
export function defaultFunctionSettings(limits: GatewayLimits): FunctionSettings {
  return resolveFunctionSettings(undefined, limits);
}
