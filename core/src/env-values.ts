/**
 * Parsers for environment values shared by every Funtainer process.
 *
 * This module has no dependencies (not even zod) because the watchdog imports it and must ship with zero
 * runtime npm packages. Each parser returns `undefined` for an unusable value so callers can collect every
 * problem before failing, instead of stopping at the first one.
 */

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const DURATION_WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/**
 * Parses an OpenFaaS-style duration into milliseconds.
 * Accepts a bare integer (seconds, as OpenFaaS' parseIntOrDurationValue does) or a Go-like duration string
 * made of `ms`, `s`, `m`, `h` parts (`500ms`, `30s`, `2m`, `1m30s`).
 */
export function parseDurationMs(raw: string): number | undefined {
  const value = raw.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!DURATION_WHOLE.test(value)) return undefined;
  let total = 0;
  for (const match of value.matchAll(DURATION_PART)) {
    const unit = DURATION_UNITS_MS[match[2] as string] as number;
    total += Number(match[1]) * unit;
  }
  return Math.round(total);
}

const TRUE_VALUES = new Set(['true', '1', 'yes', 'on']);
const FALSE_VALUES = new Set(['false', '0', 'no', 'off']);

/** Parses a boolean explicitly; `Boolean("false")` is true, so coercion is never used. */
export function parseBoolean(raw: string): boolean | undefined {
  const value = raw.trim().toLowerCase();
  if (TRUE_VALUES.has(value)) return true;
  if (FALSE_VALUES.has(value)) return false;
  return undefined;
}

/** Parses a non-negative integer (no sign, no fraction, no exponent). */
export function parseNonNegativeInt(raw: string): number | undefined {
  const value = raw.trim();
  if (!/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Formats milliseconds the way our logs and error messages show durations (`1.5s`, `250ms`). */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  return `${Number((ms / 1000).toFixed(3))}s`;
}
