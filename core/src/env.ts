/**
 * zod building blocks for configuration from environment variables. Each service's config.ts composes these,
 * parses `process.env` once in main.ts, and gets a frozen object or ONE error listing every problem.
 */
import { z } from 'zod';
import { describeIssues } from './contracts.js';
import { FuntainerError } from './errors.js';
import { parseBoolean, parseDurationMs, parseNonNegativeInt } from './env-values.js';

/** A duration (`30`, `30s`, `500ms`, `2m`) in milliseconds. */
export function envDurationMs(defaultRaw: string) {
  return z
    .string()
    .default(defaultRaw)
    .transform((raw, ctx) => {
      const ms = parseDurationMs(raw);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${raw}" is not a duration (use 30, 30s, 500ms or 2m)` });
        return z.NEVER;
      }
      return ms;
    });
}

/** A boolean written as true/false/1/0/yes/no/on/off; never `Boolean(string)`. */
export function envBoolean(defaultValue: boolean) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return defaultValue;
      const value = parseBoolean(raw);
      if (value === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${raw}" is not a boolean (use true or false)` });
        return z.NEVER;
      }
      return value;
    });
}

export function envInt(defaultValue: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return defaultValue;
      const value = parseNonNegativeInt(raw);
      if (value === undefined || value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `"${raw}" is not an integer between ${min} and ${max}` });
        return z.NEVER;
      }
      return value;
    });
}

/** Parses the environment with a schema; throws one FuntainerError naming every bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): Readonly<z.output<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = describeIssues(result.error);
    throw new FuntainerError('FUNTAINER_ERR_CONFIG_INVALID', `invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return Object.freeze(result.data);
}
