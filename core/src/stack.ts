/**
 * stack.yml → validated, substituted function definitions. Takes the already-parsed YAML document because core
 * may not depend on a YAML parser: the CLI parses the text and hands the object (and a file reader for
 * `environment_file`) over.
 */
import { EnvironmentFileSchema, StackFileSchema, StackFunctionSchema, type StackFileSpec, type StackFunctionSpec } from './stack-schema.js';
import { RequiredVariableError, substituteDeep, type EnvLookup } from './stack-envsubst.js';
import { describeStackIssues, StackError, type KnownKeysAt } from './stack-issues.js';
import { errorMessage } from './errors.js';

export { StackError, isStackError } from './stack-issues.js';
export { toDeployment, type ToDeploymentOptions } from './stack-deployment.js';
export type { StackFunctionSpec } from './stack-schema.js';

export interface ParseStackOptions {
  /** Name shown in messages, e.g. `stack.yml`. */
  file: string;
  /** Variables for `${VAR}` substitution. @defaultValue {} */
  env?: EnvLookup;
  /**
   * Reads and parses a document named by `environment_file` (path as written in the stack file, relative to
   * it). Returns the parsed YAML object. Without it, environment_file entries are an error.
   */
  readFile?: (path: string) => unknown;
}

/** One function of the stack with its name and the variables its environment_file list contributed. */
export interface StackFunction extends StackFunctionSpec {
  readonly name: string;
  /** Merged environment_file values, later files winning; applied over `environment`. */
  readonly fileEnvironment: Readonly<Record<string, string>>;
}

export interface Stack {
  readonly file: string;
  readonly version: '1.0' | undefined;
  readonly provider: StackFileSpec['provider'];
  readonly functions: readonly StackFunction[];
  readonly configuration: StackFileSpec['configuration'];
}

const FUNCTION_KEYS = Object.keys(StackFunctionSchema.shape);
const TOP_KEYS = ['version', 'provider', 'functions', 'configuration'];

/** Where an unknown key was found decides which keys to suggest. */
const knownKeysAt: KnownKeysAt = (path) => {
  if (path.length === 0) return TOP_KEYS;
  if (path[0] === 'provider') return ['name', 'gateway'];
  if (path[0] === 'configuration') return path.length === 1 ? ['templates', 'copy'] : ['name', 'source'];
  if (path[0] === 'functions' && path.length === 2) return FUNCTION_KEYS;
  if (path[2] === 'limits' || path[2] === 'requests') return ['memory', 'cpu'];
  if (path[2] === 'scale') return ['min', 'max', 'target', 'type', 'zero', 'zero_duration'];
  return [];
};

function readEnvironmentFiles(fn: StackFunctionSpec, name: string, options: ParseStackOptions, problems: string[]): Record<string, string> {
  const merged: Record<string, string> = {};
  (fn.environment_file ?? []).forEach((path, index) => {
    const where = `${options.file}: functions.${name}.environment_file[${index}]`;
    if (!options.readFile) {
      problems.push(`${where}: cannot read "${path}" here; pass readFile`);
      return;
    }
    let document: unknown;
    try {
      document = options.readFile(path);
    } catch (err) {
      problems.push(`${where}: cannot read "${path}": ${errorMessage(err)}`);
      return;
    }
    const parsed = EnvironmentFileSchema.safeParse(document);
    if (!parsed.success) {
      problems.push(...describeStackIssues(path, parsed.error, () => ['environment']).map((line) => `${where}: ${line}`));
      return;
    }
    Object.assign(merged, parsed.data.environment);
  });
  return merged;
}

/** Validates a parsed stack document; throws StackError listing every problem. */
export function parseStack(document: unknown, options: ParseStackOptions): Stack {
  if (document === null || document === undefined) {
    throw new StackError([`${options.file}: is empty; it needs provider: {name: openfaas} and functions:`]);
  }
  let substituted: unknown;
  try {
    substituted = substituteDeep(document, options.env ?? {});
  } catch (err) {
    if (err instanceof RequiredVariableError) throw new StackError([`${options.file}: \${${err.variable}}: ${err.hint || 'parameter null or not set'}`]);
    throw err;
  }
  const parsed = StackFileSchema.safeParse(substituted);
  if (!parsed.success) throw new StackError(describeStackIssues(options.file, parsed.error, knownKeysAt));
  const problems: string[] = [];
  const functions = Object.entries(parsed.data.functions).map(([name, fn]): StackFunction => ({
    ...fn,
    name,
    fileEnvironment: readEnvironmentFiles(fn, name, options, problems),
  }));
  if (problems.length > 0) throw new StackError(problems);
  return {
    file: options.file,
    version: parsed.data.version,
    provider: parsed.data.provider,
    functions,
    configuration: parsed.data.configuration,
  };
}

/** Glob match for --filter (`*` any run, `?` one character), as faas-cli's filepath.Match on names. */
export function matchesFilter(name: string, filter: string | undefined): boolean {
  if (!filter) return true;
  const pattern = filter.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`).test(name);
}

/** The stack's functions that match the filter; an empty selection is an error naming the filter. */
export function selectFunctions(stack: Stack, filter?: string): StackFunction[] {
  const selected = stack.functions.filter((fn) => matchesFilter(fn.name, filter));
  if (selected.length === 0) {
    const names = stack.functions.map((fn) => fn.name).join(', ') || 'none';
    throw new StackError([`${stack.file}: no function matches --filter "${filter ?? ''}" (functions: ${names})`]);
  }
  return selected;
}
