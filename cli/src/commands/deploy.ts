/** `funtainer deploy`: create or update the stack's functions on the gateway and wait until they are ready. */
import { selectFunctions } from '@funtainer/core/stack';
import { parseCommandArgs, stringOption } from '../args.js';
import { EXIT_OK } from '../cli-error.js';
import { DEPLOY_OPTIONS, deployFunctions, readDeployFlags } from '../deploy-functions.js';
import { connect } from '../gateway-target.js';
import type { Command } from '../io.js';
import { formatElapsed, plural } from '../output.js';
import { loadStack } from '../stack-file.js';

const usage = 'funtainer deploy [-f stack.yml] [--filter GLOB] [-g URL] [-e K=V]... [-l K=V]... [--secret NAME]... [--ready-timeout 60s | --no-wait]';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Deploy functions from the stack file',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, DEPLOY_OPTIONS, usage);
    const started = Date.now();
    const loaded = loadStack(ctx.cwd, stringOption(values, 'yaml'), ctx.env);
    const functions = selectFunctions(loaded.stack, stringOption(values, 'filter'));
    const flags = readDeployFlags(values);
    const client = await connect(ctx, values, loaded.stack.provider.gateway);
    await deployFunctions(ctx, client, loaded, functions, flags);
    ctx.io.out(`deployed ${plural(functions.length, 'function')} to ${client.url} in ${formatElapsed(Date.now() - started)}: ${functions.map((f) => f.name).join(', ')}`);
    return EXIT_OK;
  },
};
