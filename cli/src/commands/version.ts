/** `funtainer version`: this CLI's version and, when reachable, the gateway's (GET /system/info). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { booleanOption, parseCommandArgs } from '../args.js';
import { EXIT_OK } from '../cli-error.js';
import { connect } from '../gateway-target.js';
import type { Command } from '../io.js';
import { repoRoot } from '../paths.js';
import { errorMessage } from '@funtainer/core/errors';

const usage = 'funtainer version [--short-version] [-g URL]';

export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), 'cli', 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'dev';
}

export const versionCommand: Command = {
  name: 'version',
  summary: 'Show CLI and gateway versions',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { 'short-version': { type: 'boolean' } }, usage);
    if (booleanOption(values, 'short-version')) {
      ctx.io.out(cliVersion());
      return EXIT_OK;
    }
    ctx.io.out(`funtainer CLI ${cliVersion()} (node ${process.version})`);
    const client = await connect(ctx, values);
    try {
      const info = await client.info();
      const provider = info.provider?.provider ? `, provider ${info.provider.provider}/${info.provider.orchestration ?? '?'}` : '';
      ctx.io.out(`gateway ${client.url}: ${info.version?.release ?? 'unknown'}${info.version?.sha ? ` (${info.version.sha})` : ''}${provider}`);
    } catch (err) {
      ctx.io.err(`gateway ${client.url}: not reachable (${errorMessage(err)})`);
    }
    return EXIT_OK;
  },
};
