/** `funtainer login`: check credentials against the gateway, then store them (mode 0600) for later commands. */
import { isGatewayError } from '@funtainer/core/api-client';
import { GatewayClient } from '@funtainer/core/api-client';
import { booleanOption, parseCommandArgs, stringOption } from '../args.js';
import { CliError, EXIT_OK, UsageError } from '../cli-error.js';
import { configDir, saveCredentials } from '../credentials.js';
import { passwordFromStdin, resolveGatewayUrl } from '../gateway-target.js';
import type { Command } from '../io.js';

const usage = 'funtainer login [-g URL] [-u USER] (-p PASSWORD | --password-stdin)';

export const loginCommand: Command = {
  name: 'login',
  summary: 'Save gateway credentials',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, {}, usage);
    const user = stringOption(values, 'user') ?? 'admin';
    let password = stringOption(values, 'password');
    if (booleanOption(values, 'password-stdin')) password = await passwordFromStdin(ctx);
    if (!password) throw new UsageError(`a password is required: -p PASSWORD or --password-stdin\nusage: ${usage}`);
    if (stringOption(values, 'password') !== undefined) ctx.io.err('warning: -p exposes the password in shell history; prefer --password-stdin');
    const url = await resolveGatewayUrl(ctx, values);
    const client = new GatewayClient({ url, auth: { user, password }, timeoutMs: 5000 });
    try {
      await client.list();
    } catch (err) {
      if (isGatewayError(err) && err.status === 401) throw new CliError(`the gateway at ${url} rejected user "${user}": check the user and password`);
      throw err;
    }
    const file = await saveCredentials(configDir(ctx.env, ctx.homeDir), url, { user, password });
    ctx.io.out(`logged in to ${url} as ${user}; credentials saved in ${file}`);
    return EXIT_OK;
  },
};
