/**
 * Per-function autoscaling settings, read from OpenFaaS-compatible labels. PURE: no I/O, no clock.
 *
 * The same parser runs at deploy time (bad labels reject the deploy with a 400 listing every problem) and in the
 * autoscaler (labels of an already-running function were validated when it was deployed; if they still fail,
 * e.g. after a manual `docker` edit, the autoscaler falls back to the defaults rather than stopping).
 */
import { FuntainerError } from '@funtainer/core/errors';
import { parseBoolean, parseDurationMs } from '@funtainer/core/env-values';
import { LABELS } from '@funtainer/core/labels';

/** What the load signal of a function is measured in. */
export type ScalingType = 'rps' | 'capacity' | 'queue';
const SCALING_TYPES: readonly ScalingType[] = ['rps', 'capacity', 'queue'];

export interface ScalingSettings {
  /** Lower bound while the function is active. @defaultValue 1 */
  readonly min: number;
  /** Upper bound. Unlike OpenFaaS CE this is not capped at 5. @defaultValue 20 */
  readonly max: number;
  /** Load one replica is expected to carry: req/s (`rps`), in-flight requests (`capacity`) or waiting jobs (`queue`). @defaultValue 50 */
  readonly target: number;
  /** @defaultValue 'rps' */
  readonly type: ScalingType;
  /** Fraction of `target` to aim for, leaving headroom for bursts; in (0, 1]. @defaultValue 0.9 */
  readonly targetProportion: number;
  /** Scale to zero (pause, then remove) when idle. @defaultValue false */
  readonly zero: boolean;
  /** Idle time before a `zero` function is paused. @defaultValue 15 minutes */
  readonly zeroDurationMs: number;
  /** Alertmanager step size in percent of max (OpenFaaS `com.openfaas.scale.factor`), 1..100. @defaultValue 10 */
  readonly factor: number;
}

export const DEFAULT_SCALING_SETTINGS: ScalingSettings = Object.freeze({
  min: 1,
  max: 20,
  target: 50,
  type: 'rps',
  targetProportion: 0.9,
  zero: false,
  zeroDurationMs: 15 * 60_000,
  factor: 10,
});

/** Upper bound on any replica count we accept from labels; matches the scale API's own limit. */
const MAX_REPLICAS = 1000;

export type ScalingLabelsResult =
  | { readonly ok: true; readonly settings: ScalingSettings }
  | { readonly ok: false; readonly errors: readonly string[] };

type Labels = Readonly<Record<string, string>> | undefined | null;

export function parseScalingLabels(labels: Labels): ScalingLabelsResult {
  const errors: string[] = [];
  const read = <T>(label: string, fallback: T, parse: (raw: string) => T | undefined, rule: string): T => {
    const raw = labels?.[label];
    if (raw === undefined) return fallback;
    const value = parse(raw.trim());
    if (value === undefined) errors.push(`${label}=${JSON.stringify(raw)}: ${rule}`);
    return value ?? fallback;
  };

  const min = read(LABELS.scaleMin, DEFAULT_SCALING_SETTINGS.min, intIn(0, MAX_REPLICAS), `must be an integer 0..${MAX_REPLICAS}`);
  const max = read(LABELS.scaleMax, DEFAULT_SCALING_SETTINGS.max, intIn(1, MAX_REPLICAS), `must be an integer 1..${MAX_REPLICAS}`);
  const target = read(LABELS.scaleTarget, DEFAULT_SCALING_SETTINGS.target, positiveNumber, 'must be a number > 0');
  const type = read(LABELS.scaleType, DEFAULT_SCALING_SETTINGS.type, scalingType, `must be one of ${SCALING_TYPES.join(', ')}`);
  const targetProportion = read(LABELS.scaleTargetProportion, DEFAULT_SCALING_SETTINGS.targetProportion, proportion, 'must be a number in (0, 1]');
  const zero = read(LABELS.scaleZero, DEFAULT_SCALING_SETTINGS.zero, parseBoolean, 'must be true or false');
  const zeroDurationMs = read(LABELS.scaleZeroDuration, DEFAULT_SCALING_SETTINGS.zeroDurationMs, positiveDuration, 'must be a duration > 0 such as 15m, 90s or 300');
  const factor = read(LABELS.scaleFactor, DEFAULT_SCALING_SETTINGS.factor, intIn(1, 100), 'must be an integer 1..100');

  if (labels?.[LABELS.scaleMin] !== undefined && labels?.[LABELS.scaleMax] !== undefined && max < min) {
    errors.push(`${LABELS.scaleMax}=${max} is lower than ${LABELS.scaleMin}=${min}`);
  } else if (max < min) {
    // Only one bound was given and it conflicts with the other's default: say which default is involved.
    errors.push(`${LABELS.scaleMax} (${max}) is lower than ${LABELS.scaleMin} (${min}); set both explicitly`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, settings: Object.freeze({ min, max, target, type, targetProportion, zero, zeroDurationMs, factor }) };
}

/** Deploy-time check for the gateway's deploy/update routes: throws a 400 `FUNTAINER_ERR_INVALID_SPEC` listing every problem. */
export function validateScalingLabels(labels: Labels): ScalingSettings {
  const result = parseScalingLabels(labels);
  if (result.ok) return result.settings;
  throw new FuntainerError('FUNTAINER_ERR_INVALID_SPEC', `invalid scaling labels: ${result.errors.join('; ')}`, {
    details: { errors: result.errors },
  });
}

/** Runtime read for a deployed function: never throws; invalid labels mean defaults (reported to the caller). */
export function scalingSettingsOrDefaults(labels: Labels): { settings: ScalingSettings; errors: readonly string[] } {
  const result = parseScalingLabels(labels);
  return result.ok ? { settings: result.settings, errors: [] } : { settings: DEFAULT_SCALING_SETTINGS, errors: result.errors };
}

/** Replicas one replica's worth of load corresponds to, after headroom. */
export function capacityPerReplica(settings: ScalingSettings): number {
  return settings.target * settings.targetProportion;
}

const intIn = (low: number, high: number) => (raw: string): number | undefined => {
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= low && value <= high ? value : undefined;
};

function positiveNumber(raw: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(raw)) return undefined;
  const value = Number(raw);
  return value > 0 ? value : undefined;
}

function proportion(raw: string): number | undefined {
  const value = positiveNumber(raw);
  return value !== undefined && value <= 1 ? value : undefined;
}

function scalingType(raw: string): ScalingType | undefined {
  return SCALING_TYPES.find((t) => t === raw);
}

function positiveDuration(raw: string): number | undefined {
  const value = parseDurationMs(raw);
  return value !== undefined && value > 0 ? value : undefined;
}
