/**
 * Argument parsing on node:util parseArgs. Every command shares the global flags (gateway, credentials, stack
 * file, filter) and adds its own; parse failures become UsageErrors (exit 2) that show the command's usage.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export const GLOBAL_OPTIONS = {
  gateway: { type: 'string', short: 'g' },
  user: { type: 'string', short: 'u' },
  password: { type: 'string', short: 'p' },
  'password-stdin': { type: 'boolean', short: 's' },
  yaml: { type: 'string', short: 'f' },
  filter: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
}

export function parseCommandArgs(argv: readonly string[], options: OptionSpec, usage: string): ParsedArgs {
  try {
    const parsed = parseArgs({ args: [...argv], options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values: parsed.values as OptionValues, positionals: parsed.positionals };
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UsageError(`${detail}\nusage: ${usage}`);
  }
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function booleanOption(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** `-H k=v -H k2=v2` → {k: v, k2: v2}; a pair without `=` is a usage error naming the flag. */
export function keyValueOption(values: OptionValues, name: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const pair of listOption(values, name)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${name} "${pair}": expected key=value`);
    pairs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return pairs;
}

/** A whole number flag; `what` names it in the error. */
export function intOption(values: OptionValues, name: string, fallback?: number): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${name} "${raw}": expected a whole number`);
  return Number(raw);
}

/** `30s`, `2m`, `500ms` or a bare number of seconds → milliseconds. */
export function durationOption(values: OptionValues, name: string, fallbackMs: number): number {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallbackMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!match) throw new UsageError(`--${name} "${raw}": expected a duration like 30s, 2m or 500ms`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] as number;
  return Math.round(Number(match[1]) * unit);
}

/** The first positional, or a usage error saying what is missing. */
export function requirePositional(parsed: ParsedArgs, what: string, usage: string): string {
  const value = parsed.positionals[0];
  if (value === undefined || value === '') throw new UsageError(`missing ${what}\nusage: ${usage}`);
  return value;
}
