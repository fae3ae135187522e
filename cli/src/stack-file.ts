/**
 * Reads a stack file from disk: YAML text → object (cli owns the YAML parser) → core's parseStack. Build args
 * default from FUNTAINER_NODE_IMAGE / FUNTAINER_BASE_IMAGE so `${NODE_IMAGE:-...}` picks up local base images.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseStack, StackError, type Stack } from '@funtainer/core/stack';
import { parse as parseYaml, YAMLParseError } from 'yaml';

/** Aliases a stack file may expand; real files use a handful, an alias bomb needs thousands. */
const MAX_YAML_ALIASES = 100;

export interface LoadedStack {
  readonly stack: Stack;
  /** Absolute path of the stack file. */
  readonly path: string;
  /** Folder handlers and environment files are relative to. */
  readonly dir: string;
}

/** -f, else stack.yml, else stack.yaml (faas-cli's order). */
export function stackPath(cwd: string, flag: string | undefined): string {
  if (flag) return resolve(cwd, flag);
  const yml = join(cwd, 'stack.yml');
  return existsSync(yml) || !existsSync(join(cwd, 'stack.yaml')) ? yml : join(cwd, 'stack.yaml');
}

/** Variables for ${VAR} substitution: the environment, with NODE_IMAGE/BASE_IMAGE defaulted from FUNTAINER_*. */
export function substitutionEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return { NODE_IMAGE: env.FUNTAINER_NODE_IMAGE, BASE_IMAGE: env.FUNTAINER_BASE_IMAGE, ...env };
}

function parseYamlFile(path: string, shownAs: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    // maxAliasCount bounds alias expansion: a "billion laughs" file is refused instead of exhausting memory.
    return parseYaml(text, { prettyErrors: true, maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const line = err.linePos?.[0];
      const where = line ? `:${line.line}:${line.col}` : '';
      throw new StackError([`${shownAs}${where}: not valid YAML: ${err.message.split('\n')[0]}`]);
    }
    // The yaml library raises a plain ReferenceError for excessive aliases (and other document-level faults).
    if (err instanceof Error) throw new StackError([`${shownAs}: not usable YAML: ${err.message.split('\n')[0]}`]);
    throw err;
  }
}

export function loadStack(cwd: string, flag: string | undefined, env: Readonly<Record<string, string | undefined>>): LoadedStack {
  const path = stackPath(cwd, flag);
  const shownAs = isAbsolute(flag ?? '') ? path : relative(cwd, path) || path;
  if (!existsSync(path)) {
    throw new StackError([`${shownAs}: not found; pass -f <file>, or create one with "funtainer new <name> --lang node"`]);
  }
  const dir = dirname(path);
  const stack = parseStack(parseYamlFile(path, shownAs), {
    file: shownAs,
    env: substitutionEnv(env),
    readFile: (file) => parseYamlFile(resolve(dir, file), file),
  });
  return { stack, path, dir };
}

/** Reads only provider.gateway, tolerating a missing or broken file: it is just a fallback for the URL. */
export function peekStackGateway(cwd: string, flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  try {
    return loadStack(cwd, flag, env).stack.provider.gateway || undefined;
  } catch {
    return undefined;
  }
}
