/** `funtainer up`: build then deploy, in one command; `--push` pushes the images in between (as faas-cli up does). */
import { selectFunctions } from '@funtainer/core/stack';
import { booleanOption, parseCommandArgs, stringOption } from '../args.js';
import { BUILD_OPTIONS, buildFunctions, readBuildFlags } from '../build-functions.js';
import { EXIT_OK } from '../cli-error.js';
import { DEPLOY_OPTIONS, deployFunctions, readDeployFlags } from '../deploy-functions.js';
import { connect } from '../gateway-target.js';
import type { Command } from '../io.js';
import { formatElapsed, plural } from '../output.js';
import { withLocalBaseImages } from '../local-base-images.js';
import { loadStack } from '../stack-file.js';

const usage = 'funtainer up [-f stack.yml] [--filter GLOB] [-g URL] [-b K=V]... [--no-cache] [--push] [--skip-deploy] [-l K=V]... [--ready-timeout 60s]';

export const upCommand: Command = {
  name: 'up',
  summary: 'Build and deploy the stack',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { ...BUILD_OPTIONS, ...DEPLOY_OPTIONS, 'skip-deploy': { type: 'boolean' } }, usage);
    const started = Date.now();
    ctx = { ...ctx, env: withLocalBaseImages(ctx.env, (line) => ctx.io.err(line)) };
    const loaded = loadStack(ctx.cwd, stringOption(values, 'yaml'), ctx.env);
    const functions = selectFunctions(loaded.stack, stringOption(values, 'filter'));
    const deployFlags = readDeployFlags(values);
    // connect before the (slow) build so a wrong URL or missing login fails fast
    const client = booleanOption(values, 'skip-deploy') ? undefined : await connect(ctx, values, loaded.stack.provider.gateway);
    const buildFlags = readBuildFlags(values, deployFlags.labels);
    const built = await buildFunctions(ctx, loaded, functions, buildFlags);
    if (client) await deployFunctions(ctx, client, loaded, functions, deployFlags);
    const deployed = client ? `, deployed ${plural(functions.length, 'function')} to ${client.url}` : '';
    ctx.io.out(`built ${buildFlags.push ? 'and pushed ' : ''}${plural(built.length, 'image')}${deployed} in ${formatElapsed(Date.now() - started)}`);
    return EXIT_OK;
  },
};
