/**
 * `funtainer logout`: forget the stored credentials for one gateway (-g, else the gateway later commands would
 * use). Failing when there was nothing to remove tells a script that its target URL did not match a login.
 */
import { parseCommandArgs } from '../args.js';
import { CliError, EXIT_OK, UsageError } from '../cli-error.js';
import { configDir, configPath, removeCredentials, storedGateways } from '../credentials.js';
import { resolveGatewayUrl } from '../gateway-target.js';
import type { Command } from '../io.js';

const usage = 'funtainer logout [-g URL]';

export const logoutCommand: Command = {
  name: 'logout',
  summary: 'Remove saved gateway credentials',
  usage,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, {}, usage);
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; name the gateway with -g URL\nusage: ${usage}`);
    const dir = configDir(ctx.env, ctx.homeDir);
    const url = await resolveGatewayUrl(ctx, values);
    const removed = await removeCredentials(dir, url);
    if (!removed) {
      const stored = await storedGateways(dir);
      const hint = stored.length > 0 ? `stored gateways: ${stored.join(', ')}; pick one with -g URL` : 'nothing is stored';
      throw new CliError(`no credentials stored for ${url} in ${configPath(dir)} (${hint})`);
    }
    ctx.io.out(`removed the credentials of user "${removed.user}" for ${url} from ${removed.path}`);
    return EXIT_OK;
  },
};
