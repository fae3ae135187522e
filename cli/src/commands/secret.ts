/** `funtainer secret create|update|list|remove`: secrets mounted into functions at /var/openfaas/secrets/<name>. */
import { readFile } from 'node:fs/promises';
import { booleanOption, parseCommandArgs, stringOption, type OptionValues } from '../args.js';
import { EXIT_OK, UsageError } from '../cli-error.js';
import { connect } from '../gateway-target.js';
import type { Command, CommandContext } from '../io.js';
import { formatTable } from '../output.js';

const usage = 'funtainer secret create|update NAME (--from-literal VALUE | --from-file FILE | < stdin) [--trim=false]\n       funtainer secret list [--json] | funtainer secret remove NAME';

const options = {
  'from-literal': { type: 'string' },
  'from-file': { type: 'string' },
  'no-trim': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

async function readStdin(ctx: CommandContext): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.io.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** The value from exactly one source; text is trimmed like faas-cli's --trim (files keep binary bytes). */
async function secretValue(ctx: CommandContext, values: OptionValues): Promise<string | Buffer> {
  const literal = stringOption(values, 'from-literal');
  const file = stringOption(values, 'from-file');
  if (literal !== undefined && file !== undefined) throw new UsageError('use one of --from-literal and --from-file');
  const trim = !booleanOption(values, 'no-trim');
  if (literal !== undefined) return trim ? literal.trim() : literal;
  let bytes: Buffer;
  if (file !== undefined) bytes = await readFile(file);
  else if (!ctx.io.stdinIsTTY) bytes = await readStdin(ctx);
  else throw new UsageError(`a value is required: --from-literal, --from-file or stdin\nusage: ${usage}`);
  const text = bytes.toString('utf8');
  // keep non-UTF-8 content (keys, certificates in DER) byte-exact
  if (Buffer.from(text, 'utf8').equals(bytes)) return trim ? text.trim() : text;
  return bytes;
}

export const secretCommand: Command = {
  name: 'secret',
  summary: 'Manage secrets (create, update, list, remove)',
  usage,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, options, usage);
    const [action, name] = positionals;
    const namespace = stringOption(values, 'namespace');
    const needName = (): string => {
      if (!name) throw new UsageError(`missing the secret name\nusage: ${usage}`);
      return name;
    };
    switch (action) {
      case 'create':
      case 'update': {
        const secretName = needName();
        const value = await secretValue(ctx, values);
        const client = await connect(ctx, values);
        if (action === 'create') await client.createSecret(secretName, value, namespace);
        else await client.updateSecret(secretName, value, namespace);
        ctx.io.out(`secret ${secretName} ${action === 'create' ? 'created' : 'updated'}`);
        return EXIT_OK;
      }
      case 'list':
      case 'ls': {
        const secrets = await (await connect(ctx, values)).listSecrets(namespace);
        if (booleanOption(values, 'json')) ctx.io.out(JSON.stringify(secrets, null, 2));
        else ctx.io.out(secrets.length ? formatTable(['NAME'], secrets.map((s) => [s.name])) : 'no secrets');
        return EXIT_OK;
      }
      case 'remove':
      case 'rm': {
        const secretName = needName();
        await (await connect(ctx, values)).removeSecret(secretName, namespace);
        ctx.io.out(`secret ${secretName} removed`);
        return EXIT_OK;
      }
      default:
        throw new UsageError(`${action ? `unknown secret action "${action}"` : 'missing the secret action'}\nusage: ${usage}`);
    }
  },
};
