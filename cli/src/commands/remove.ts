/** `funtainer remove [NAME...]`: delete functions by name, or every (filtered) function of the stack file. */
import { selectFunctions } from '@funtainer/core/stack';
import { parseCommandArgs, stringOption } from '../args.js';
import { EXIT_OK } from '../cli-error.js';
import { connect } from '../gateway-target.js';
import type { Command } from '../io.js';
import { plural } from '../output.js';
import { loadStack } from '../stack-file.js';

const usage = 'funtainer remove NAME... | funtainer remove [-f stack.yml] [--filter GLOB]';

export const removeCommand: Command = {
  name: 'remove',
  aliases: ['rm', 'delete'],
  summary: 'Remove deployed functions',
  usage,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, {}, usage);
    let names = positionals;
    let stackGateway: string | undefined;
    if (names.length === 0) {
      const loaded = loadStack(ctx.cwd, stringOption(values, 'yaml'), ctx.env);
      names = selectFunctions(loaded.stack, stringOption(values, 'filter')).map((fn) => fn.name);
      stackGateway = loaded.stack.provider.gateway;
    }
    const client = await connect(ctx, values, stackGateway);
    for (const name of names) {
      await client.remove(name, stringOption(values, 'namespace'));
      ctx.io.err(`[${name}] removed`);
    }
    ctx.io.out(`removed ${plural(names.length, 'function')} from ${client.url}: ${names.join(', ')}`);
    return EXIT_OK;
  },
};
