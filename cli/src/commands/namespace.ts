/**
 * `funtainer namespace list|describe|create|update|remove` (faas-cli's `namespace` verbs, alias `ns`):
 * the multi-namespace API. Labels and annotations are `-l key=value` / `--annotation key=value`, repeatable.
 */
import { booleanOption, keyValueOption, parseCommandArgs } from '../args.js';
import { CliError, EXIT_OK, UsageError } from '../cli-error.js';
import { connect } from '../gateway-target.js';
import type { Command } from '../io.js';
import { formatTable } from '../output.js';

const usage = 'funtainer namespace list [--json] | describe NAME [--json] | create|update NAME [-l k=v]... [--annotation k=v]... | remove NAME';

const options = {
  label: { type: 'string', short: 'l', multiple: true },
  annotation: { type: 'string', multiple: true },
  json: { type: 'boolean' },
} as const;

export const namespaceCommand: Command = {
  name: 'namespace',
  aliases: ['ns', 'namespaces'],
  summary: 'Manage namespaces (list, describe, create, update, remove)',
  usage,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, options, usage);
    const [action = 'list', name] = positionals;
    const json = booleanOption(values, 'json');
    const needName = (): string => {
      if (!name) throw new UsageError(`missing the namespace name\nusage: ${usage}`);
      return name;
    };
    switch (action) {
      case 'list':
      case 'ls': {
        const names = await (await connect(ctx, values)).namespaces();
        ctx.io.out(json ? JSON.stringify(names, null, 2) : formatTable(['NAMESPACE'], names.map((n) => [n])));
        return EXIT_OK;
      }
      case 'describe': {
        const found = await (await connect(ctx, values)).getNamespace(needName());
        if (found === undefined) throw new CliError(`No such namespace: ${name} (see "funtainer namespace list")`);
        if (json) ctx.io.out(JSON.stringify(found, null, 2));
        else {
          const pairs = (m: Readonly<Record<string, string>>) => Object.entries(m).map(([k, v]) => `${k}=${v}`).join(', ') || '-';
          ctx.io.out(`Name:        ${found.name}\nLabels:      ${pairs(found.labels)}\nAnnotations: ${pairs(found.annotations)}`);
        }
        return EXIT_OK;
      }
      case 'create':
      case 'update': {
        const namespace = { name: needName(), labels: keyValueOption(values, 'label'), annotations: keyValueOption(values, 'annotation') };
        await (await connect(ctx, values)).saveNamespace(namespace, action);
        ctx.io.out(`namespace ${namespace.name} ${action === 'create' ? 'created' : 'updated'}`);
        return EXIT_OK;
      }
      case 'remove':
      case 'rm':
      case 'delete': {
        await (await connect(ctx, values)).removeNamespace(needName());
        ctx.io.out(`namespace ${name} removed`);
        return EXIT_OK;
      }
      default:
        throw new UsageError(`unknown namespace action "${action}"\nusage: ${usage}`);
    }
  },
};
