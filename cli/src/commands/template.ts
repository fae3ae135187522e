/** `funtainer template list`: the templates `new` and `build` can use. */
import { parseCommandArgs } from '../args.js';
import { EXIT_OK, UsageError } from '../cli-error.js';
import type { Command } from '../io.js';
import { formatTable } from '../output.js';
import { listTemplates } from '../templates.js';

const usage = 'funtainer template list';

export const templateCommand: Command = {
  name: 'template',
  summary: 'List function templates',
  usage,
  async run(ctx) {
    const { positionals } = parseCommandArgs(ctx.argv, {}, usage);
    if (positionals[0] !== 'list' && positionals[0] !== 'ls') throw new UsageError(`usage: ${usage}`);
    const templates = listTemplates(ctx.env, ctx.cwd);
    const rows = templates.map((t) => [t.name, t.manifest.mode ?? '', t.manifest.fprocess || '-', t.dir]);
    ctx.io.out(templates.length ? formatTable(['NAME', 'MODE', 'FPROCESS', 'PATH'], rows) : 'no templates found');
    return EXIT_OK;
  },
};
