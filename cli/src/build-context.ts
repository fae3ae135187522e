/**
 * Assembles a function's Docker build context under build/<fn>: the template's files, the handler as
 * function/, the watchdog build the template asks for, and configuration.copy paths. With the dockerfile
 * language and a Dockerfile in the handler folder, the handler folder itself is the context (faas-cli rule).
 */
import { cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { StackFunction } from '@funtainer/core/stack';
import { CliError, EXIT_USAGE } from './cli-error.js';
import { watchdogDistDir } from './paths.js';
import type { Template } from './templates.js';

export interface BuildContext {
  readonly dir: string;
  readonly dockerfile: string;
}

const BUILD_HINTS: Readonly<Record<string, string>> = {
  'watchdog.cjs': 'npm run build:bundle -w watchdog',
  'watchdog-sea': 'npm run build:sea -w watchdog',
};

/** Staged into each template folder by `npm run build`; the CLI copies the current dist build instead when present. */
const WATCHDOG_FILES = new Set(['watchdog.cjs', 'watchdog-sea', 'fork-helper']);

/** The file from watchdog/dist (or FUNTAINER_WATCHDOG_DIR), else the copy staged in the template folder. */
function watchdogFile(file: string, template: Template, env: Readonly<Record<string, string | undefined>>): string | undefined {
  return [join(watchdogDistDir(env), file), join(template.dir, file)].find((path) => existsSync(path));
}

function copyWatchdog(template: Template, contextDir: string, env: Readonly<Record<string, string | undefined>>): void {
  const artifact = template.manifest.watchdog;
  const source = watchdogFile(artifact, template, env);
  if (!source) {
    throw new CliError(`the watchdog build ${join(watchdogDistDir(env), artifact)} is missing (template ${template.name} needs it); build it with "${BUILD_HINTS[artifact]}" or set FUNTAINER_WATCHDOG_DIR`);
  }
  cpSync(source, join(contextDir, artifact));
  // The native fork helper makes the fork modes fast; images copy it with a wildcard (node templates) or carry it
  // inside the single executable, so a build without it (no gcc) still works, only slower per request.
  const forkHelper = watchdogFile('fork-helper', template, env);
  if (forkHelper) cpSync(forkHelper, join(contextDir, 'fork-helper'));
}

function handlerDir(fn: StackFunction, stackDir: string, file: string): string {
  if (!fn.handler) throw new CliError(`${file}: functions.${fn.name}.handler: is required to build (the folder with the function's code)`, EXIT_USAGE);
  const dir = resolve(stackDir, fn.handler);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`${file}: functions.${fn.name}.handler: folder ${fn.handler} does not exist`, EXIT_USAGE);
  }
  return dir;
}

export interface PrepareContextOptions {
  fn: StackFunction;
  template: Template;
  stackDir: string;
  stackFile: string;
  copy: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

export function prepareBuildContext(options: PrepareContextOptions): BuildContext {
  const { fn, template, stackDir } = options;
  const source = handlerDir(fn, stackDir, options.stackFile);
  const buildRoot = join(stackDir, 'build');
  const dir = join(buildRoot, fn.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // generated contexts never belong in git, whatever the project's own .gitignore says
  writeFileSync(join(buildRoot, '.gitignore'), '*\n');
  const handlerIsContext = template.name === 'dockerfile' && existsSync(join(source, 'Dockerfile'));
  if (handlerIsContext) {
    cpSync(source, dir, { recursive: true });
  } else {
    const skeleton = join(template.dir, 'function');
    const staged = (path: string): boolean => dirname(path) === template.dir && WATCHDOG_FILES.has(basename(path));
    cpSync(template.dir, dir, { recursive: true, filter: (path) => path !== skeleton && !staged(path) });
    cpSync(source, join(dir, 'function'), { recursive: true });
  }
  copyWatchdog(template, dir, options.env);
  for (const extra of options.copy) {
    const from = resolve(stackDir, extra);
    if (!existsSync(from)) throw new CliError(`${options.stackFile}: configuration.copy: ${extra} does not exist`, EXIT_USAGE);
    cpSync(from, join(dir, basename(from)), { recursive: true });
  }
  return { dir, dockerfile: join(dir, 'Dockerfile') };
}
