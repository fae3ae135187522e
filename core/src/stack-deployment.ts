/**
 * One stack.yml function → the FunctionDeployment body sent to PUT/POST /system/functions, with Funtainer's
 * extras turned into the labels and env the gateway and watchdog read.
 */
import { FunctionDeploymentSchema, describeIssues, type FunctionDeployment } from './contracts.js';
import { LABELS } from './labels.js';
import type { StackFunctionSpec } from './stack-schema.js';
import { StackError } from './stack-issues.js';

/** The parts of a stack function toDeployment reads (StackFunction satisfies it). */
export interface DeployableFunction extends StackFunctionSpec {
  readonly name: string;
  readonly fileEnvironment?: Readonly<Record<string, string>>;
}

export interface ToDeploymentOptions {
  /** The template's fprocess, used when the function sets none (faas-cli --read-template). */
  templateFprocess?: string;
  /** --namespace: overrides the function's namespace. */
  namespace?: string;
  /** Used in error messages. @defaultValue stack.yml */
  file?: string;
}

/** Funtainer extras → labels. Explicit extras win over the same label written by hand under `labels`. */
export function extraLabels(fn: StackFunctionSpec): Record<string, string> {
  const labels: Record<string, string> = {};
  const set = (key: string, value: string | number | boolean | undefined): void => {
    if (value !== undefined) labels[key] = String(value);
  };
  // a bare number means seconds; the label carries a unit so it cannot be misread as milliseconds
  set(LABELS.timeout, fn.timeout !== undefined && /^\d+$/.test(fn.timeout) ? `${fn.timeout}s` : fn.timeout);
  set(LABELS.maxConcurrency, fn.max_concurrency);
  set(LABELS.private, fn.private);
  set(LABELS.scaleMin, fn.scale?.min);
  set(LABELS.scaleMax, fn.scale?.max);
  set(LABELS.scaleTarget, fn.scale?.target);
  set(LABELS.scaleType, fn.scale?.type);
  set(LABELS.scaleZero, fn.scale?.zero);
  set(LABELS.scaleZeroDuration, fn.scale?.zero_duration);
  return labels;
}

/**
 * Env precedence follows faas-cli: `environment` < `environment_file` (later files win). `mode` is the
 * watchdog's own env name, so setting it on the function overrides the template's ENV mode.
 */
function environmentOf(fn: DeployableFunction): Record<string, string> {
  const env: Record<string, string> = { ...fn.environment, ...fn.fileEnvironment };
  if (fn.mode !== undefined) env.mode = fn.mode;
  return env;
}

export function toDeployment(fn: DeployableFunction, options: ToDeploymentOptions = {}): FunctionDeployment {
  const input = {
    service: fn.name,
    image: fn.image,
    namespace: options.namespace ?? fn.namespace,
    envProcess: fn.fprocess ?? options.templateFprocess,
    envVars: environmentOf(fn),
    constraints: fn.constraints ?? [],
    secrets: fn.secrets ?? [],
    labels: { ...fn.labels, ...extraLabels(fn) },
    annotations: { ...fn.annotations },
    limits: fn.limits,
    requests: fn.requests,
    readOnlyRootFilesystem: fn.readonly_root_filesystem,
  };
  const parsed = FunctionDeploymentSchema.safeParse(input);
  if (!parsed.success) throw new StackError(describeIssues(parsed.error, `${options.file ?? 'stack.yml'}: functions.${fn.name}`));
  return parsed.data;
}
