/**
 * Dispatches a command line to its verb and turns every failure into a message and an exit code:
 * 0 ok, 1 failure, 2 usage or validation error (bad flags, bad stack file).
 */
import { isGatewayError } from '@funtainer/core/api-client';
import { isStackError } from '@funtainer/core/stack';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error.js';
import { COMMANDS, findCommand } from './commands/index.js';
import type { CommandContext } from './io.js';

const GLOBAL_HELP = `Global flags: -g/--gateway URL, -u/--user, -p/--password, -f/--yaml FILE, --filter GLOB, -n/--namespace, --timeout 60s
Environment: FUNTAINER_URL (or OPENFAAS_URL), FUNTAINER_USER, FUNTAINER_PASSWORD, FUNTAINER_CONFIG,
             FUNTAINER_NODE_IMAGE, FUNTAINER_BASE_IMAGE, FUNTAINER_PROMETHEUS_URL`;

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: funtainer <command> [flags]\n\nCommands:\n${lines.join('\n')}\n\n${GLOBAL_HELP}\n\nRun "funtainer <command> --help" for a command's flags.`;
}

/** Message and exit code for anything a command threw. */
export function describeFailure(err: unknown): { message: string; exitCode: number } {
  if (err instanceof CliError) return { message: err.message, exitCode: err.exitCode };
  if (isStackError(err)) return { message: err.issues.join('\n'), exitCode: EXIT_USAGE };
  if (isGatewayError(err)) return { message: err.message, exitCode: EXIT_FAILURE };
  if (err instanceof Error && err.name === 'AbortError') return { message: 'cancelled', exitCode: 130 };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'EACCES') return { message: (err as Error).message, exitCode: EXIT_FAILURE };
  return { message: `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, exitCode: EXIT_FAILURE };
}

export async function run(argv: readonly string[], ctx: Omit<CommandContext, 'argv'>): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    ctx.io.out(helpText());
    return verb === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (verb === '--version') return run(['version', '--short-version'], ctx);
  const command = findCommand(verb);
  if (!command) {
    ctx.io.err(`unknown command "${verb}"\n\n${helpText()}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.io.out(`${command.summary}\nusage: ${command.usage}\n\n${GLOBAL_HELP}`);
    return EXIT_OK;
  }
  try {
    return await command.run({ ...ctx, argv: rest });
  } catch (err) {
    const failure = describeFailure(err);
    ctx.io.err(`error: ${failure.message}`);
    return failure.exitCode;
  }
}
