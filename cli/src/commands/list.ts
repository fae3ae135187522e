/** `funtainer list`: deployed functions as a table (name, image, replicas, invocations) or JSON. */
import { booleanOption, parseCommandArgs, stringOption } from '../args.js';
import { EXIT_OK } from '../cli-error.js';
import { connect } from '../gateway-target.js';
import type { Command } from '../io.js';
import { formatCount, formatTable } from '../output.js';
import type { FunctionStatus } from '@funtainer/core';

const usage = 'funtainer list [-g URL] [--json] [-q] [--sort name|invocations]';

export function functionsTable(functions: readonly FunctionStatus[]): string {
  const rows = functions.map((fn) => [
    fn.name,
    fn.image,
    `${fn.availableReplicas ?? fn.replicas ?? 0}/${fn.replicas ?? 0}`,
    formatCount(fn.invocationCount),
  ]);
  return formatTable(['NAME', 'IMAGE', 'REPLICAS', 'INVOCATIONS'], rows);
}

export function sortFunctions(functions: FunctionStatus[], by: string | undefined): FunctionStatus[] {
  if (by === 'invocations') return functions.sort((a, b) => (b.invocationCount ?? 0) - (a.invocationCount ?? 0));
  return functions.sort((a, b) => a.name.localeCompare(b.name));
}

export const listCommand: Command = {
  name: 'list',
  aliases: ['ls'],
  summary: 'List deployed functions',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, sort: { type: 'string' } }, usage);
    const client = await connect(ctx, values);
    const functions = sortFunctions(await client.list(stringOption(values, 'namespace')), stringOption(values, 'sort'));
    if (booleanOption(values, 'json')) ctx.io.out(JSON.stringify(functions, null, 2));
    else if (booleanOption(values, 'quiet')) ctx.io.out(functions.map((fn) => fn.name).join('\n'));
    else ctx.io.out(functions.length ? functionsTable(functions) : `no functions deployed at ${client.url}; try "funtainer up"`);
    return EXIT_OK;
  },
};
