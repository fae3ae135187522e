/**
 * The build step shared by `build` and `up`: one docker build per selected function, with progress lines, then
 * (`--push`) a push of each built image to the registry its reference names, so other machines can pull it.
 */
import type { StackFunction } from '@funtainer/core/stack';
import { prepareBuildContext } from './build-context.js';
import { defaultBuildArgs, dockerBuild } from './docker-build.js';
import { dockerPush } from './docker-push.js';
import { booleanOption, keyValueOption, type OptionSpec, type OptionValues } from './args.js';
import type { CommandContext } from './io.js';
import { formatElapsed } from './output.js';
import type { LoadedStack } from './stack-file.js';
import { findTemplate } from './templates.js';

export interface BuildFlags {
  buildArgs: Record<string, string>;
  noCache: boolean;
  /** Show every docker line; otherwise only `Step n/m` lines. */
  verbose: boolean;
  labels: Record<string, string>;
  /** Push each built image after building it. */
  push: boolean;
}

export const BUILD_OPTIONS = {
  'build-arg': { type: 'string', short: 'b', multiple: true },
  'no-cache': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  push: { type: 'boolean' },
} as const satisfies OptionSpec;

export function readBuildFlags(values: OptionValues, labels: Record<string, string> = {}): BuildFlags {
  return { buildArgs: keyValueOption(values, 'build-arg'), noCache: booleanOption(values, 'no-cache'), verbose: booleanOption(values, 'verbose'), labels, push: booleanOption(values, 'push') };
}

/** Builds each function that is not skip_build; returns the names built. */
export async function buildFunctions(ctx: CommandContext, loaded: LoadedStack, functions: readonly StackFunction[], flags: BuildFlags): Promise<string[]> {
  const built: string[] = [];
  for (const fn of functions) {
    if (fn.skip_build) {
      ctx.io.err(`[${fn.name}] skip_build: true, using ${fn.image} as is`);
      continue;
    }
    if (!fn.lang) {
      ctx.io.err(`[${fn.name}] no lang: nothing to build, using ${fn.image} as is`);
      continue;
    }
    const started = Date.now();
    const template = findTemplate(fn.lang, ctx.env, loaded.dir);
    const context = prepareBuildContext({
      fn, template, stackDir: loaded.dir, stackFile: loaded.stack.file, copy: loaded.stack.configuration?.copy ?? [], env: ctx.env,
    });
    if (fn.build_options?.length) ctx.io.err(`[${fn.name}] build_options are not supported by Funtainer templates; ignored`);
    ctx.io.err(`[${fn.name}] building ${fn.image} from template ${template.name} in ${context.dir}`);
    await dockerBuild({
      image: fn.image,
      contextDir: context.dir,
      dockerfile: context.dockerfile,
      buildArgs: { ...defaultBuildArgs(ctx.env), ...fn.build_args, ...flags.buildArgs },
      labels: { 'com.funtainer.function': fn.name, ...flags.labels },
      noCache: flags.noCache,
      signal: ctx.signal,
      onLine: (line) => {
        if (flags.verbose || /^Step \d+\/\d+/.test(line) || /^Successfully (built|tagged)/.test(line)) ctx.io.err(`[${fn.name}] ${line}`);
      },
    });
    ctx.io.err(`[${fn.name}] built ${fn.image} in ${formatElapsed(Date.now() - started)}`);
    if (flags.push) {
      const pushStarted = Date.now();
      // Only the final digest line: layer progress is one line per layer and state change.
      await dockerPush(fn.image, (line) => {
        if (flags.verbose || /digest: sha256:/.test(line)) ctx.io.err(`[${fn.name}] ${line}`);
      }, ctx.signal);
      ctx.io.err(`[${fn.name}] pushed ${fn.image} in ${formatElapsed(Date.now() - pushStarted)}`);
    }
    built.push(fn.name);
  }
  return built;
}
