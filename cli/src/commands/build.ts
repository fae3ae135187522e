/** `funtainer build`: docker images for the stack's functions, from their templates and handlers. */
import { selectFunctions } from '@funtainer/core/stack';
import { keyValueOption, parseCommandArgs, stringOption } from '../args.js';
import { BUILD_OPTIONS, buildFunctions, readBuildFlags } from '../build-functions.js';
import { EXIT_OK } from '../cli-error.js';
import type { Command } from '../io.js';
import { formatElapsed, plural } from '../output.js';
import { withLocalBaseImages } from '../local-base-images.js';
import { loadStack } from '../stack-file.js';

const usage = 'funtainer build [-f stack.yml] [--filter GLOB] [-b KEY=VALUE]... [--no-cache] [--push] [-v] [-l KEY=VALUE]...';

export const buildCommand: Command = {
  name: 'build',
  summary: 'Build function images with docker',
  usage,
  async run(ctx) {
    const options = { ...BUILD_OPTIONS, label: { type: 'string', short: 'l', multiple: true } } as const;
    const { values } = parseCommandArgs(ctx.argv, options, usage);
    const started = Date.now();
    ctx = { ...ctx, env: withLocalBaseImages(ctx.env, (line) => ctx.io.err(line)) };
    const loaded = loadStack(ctx.cwd, stringOption(values, 'yaml'), ctx.env);
    const functions = selectFunctions(loaded.stack, stringOption(values, 'filter'));
    const flags = readBuildFlags(values, keyValueOption(values, 'label'));
    const built = await buildFunctions(ctx, loaded, functions, flags);
    ctx.io.out(`built ${flags.push ? 'and pushed ' : ''}${plural(built.length, 'image')} in ${formatElapsed(Date.now() - started)}${built.length ? `: ${built.join(', ')}` : ''}`);
    return EXIT_OK;
  },
};
