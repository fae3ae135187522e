/**
 * What `POST /system/scale-function/<name>` does and answers (the rule is in autoscaler/manual-scale.ts):
 * clamp the request to the function's scaling labels, start the autoscaler's hold before scaling (so a tick
 * running meanwhile already sees it), scale, and tell the caller what was applied and how long it holds.
 */
import type { QualifiedName } from '@funtainer/core/names';
import { LABELS } from '@funtainer/core/labels';
import { clampScaleRequest, type ManualScaleHolds } from '../autoscaler/manual-scale.js';
import { scalingSettingsOrDefaults } from '../autoscaler/scaling-settings.js';
import { functionNotFound } from '../provider/function-spec.js';
import type { FunctionProvider } from '../provider/provider.js';

export interface ScaleResult {
  readonly serviceName: string;
  readonly namespace: string;
  readonly requested: number;
  /** The desired count now in force. */
  readonly replicas: number;
  /** `min` / `max` when a scaling label bound changed the request. */
  readonly clamped: 'min' | 'max' | null;
  readonly min: number;
  readonly max: number;
  /** Until when the autoscaler keeps this count (as a floor); null when no autoscaler acts on it. */
  readonly holdUntil: string | null;
  readonly message: string;
}

export interface ScaleRequestDeps {
  readonly provider: Pick<FunctionProvider, 'get' | 'scale'>;
  readonly manualScale?: ManualScaleHolds | undefined;
}

export async function applyScaleRequest(deps: ScaleRequestDeps, fn: QualifiedName, requested: number): Promise<ScaleResult> {
  const status = await deps.provider.get(fn);
  if (status === undefined) throw functionNotFound(fn);
  const { settings } = scalingSettingsOrDefaults(status.labels);
  const { replicas, clamped } = clampScaleRequest(settings, requested);
  const hold = deps.manualScale?.hold(fn, replicas);
  try {
    await deps.provider.scale(fn, replicas);
  } catch (err) {
    deps.manualScale?.release(fn);
    throw err;
  }
  const holdUntil = hold === undefined ? null : new Date(hold.untilMs).toISOString();
  return {
    serviceName: fn.name, namespace: fn.namespace, requested, replicas, clamped: clamped ?? null,
    min: settings.min, max: settings.max, holdUntil, message: describe(requested, replicas, clamped, settings, holdUntil),
  };
}

function describe(requested: number, replicas: number, clamped: 'min' | 'max' | undefined, settings: { min: number; max: number }, holdUntil: string | null): string {
  const applied = clamped === undefined
    ? `scaled to ${replicas}`
    : `scaled to ${replicas} (requested ${requested}, clamped to ${clamped === 'max' ? LABELS.scaleMax : LABELS.scaleMin}=${clamped === 'max' ? settings.max : Math.max(settings.min, 1)})`;
  if (replicas === 0) {
    const wake = `parked at 0: the next request or queued job wakes it to ${Math.max(settings.min, 1)}`;
    return holdUntil === null ? wake : `${wake}; until then the autoscaler leaves it at 0 (at most until ${holdUntil})`;
  }
  if (holdUntil === null) return `${applied}; no autoscaler acts on it, so it stays until changed`;
  return `${applied}; the autoscaler keeps at least ${replicas} until ${holdUntil} and adds replicas only if the load needs more`;
}
